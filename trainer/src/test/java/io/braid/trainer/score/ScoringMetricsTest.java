package io.braid.trainer.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.ModelVersion;
import io.braid.trainer.model.ModelStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes the scorer's endpoint over HTTP after a scoring run on the test driver and checks the exact series the
 * dashboards query, with their values, plus Kafka Streams' client metrics under braid_scorer_streams_.
 */
@Timeout(120)
class ScoringMetricsTest {
    @TempDir
    Path dir;

    @Test
    void theEndpointServesTheScorersMetricsAndKafkaStreamsMetrics() throws Exception {
        ModelStore.Artifact a = ScoringFixtures.checkpoint(dir.resolve("m"), "comm", 11);
        var data = ScoringFixtures.dataset(8);
        ScoringOptions.Builder b = ScoringHarness.options();
        b.maxModelAge = java.time.Duration.ofSeconds(2);
        try (ScoringHarness h = new ScoringHarness(b)) {
            h.pipeModel(ScoringFixtures.version(a, "v1", "comm", 0, ScoringFixtures.START));
            h.pipeModel(ModelVersion.newBuilder(ScoringFixtures.version(a, "v2", "comm", 1, ScoringFixtures.START))
                    .setSha256("ab".repeat(32))
                    .build());
            for (int i = 0; i < 3; i++) h.pipe(ScoringFixtures.window(data, i, "robot-0")); // ends START + 1..3 s
            h.pipeRaw("robot-0", new byte[] {9, 9, 9});
            h.tick();
            assertEquals(3, h.embeddings().size());
            int port = h.metrics.serve(0);
            String body = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String line : List.of(
                    "braid_scorer_latency_seconds_count 3",
                    "braid_scorer_windows_scored_total 3.0",
                    "braid_scorer_stale_windows_total 1.0",
                    "braid_scorer_predictions_total 0.0",
                    "braid_scorer_model_age_seconds 3.0",
                    "braid_scorer_model_swaps_total 1.0",
                    "braid_scorer_model_load_failures_total{reason=\"CHECKSUM_MISMATCH\"} 1.0",
                    "braid_scorer_waiting_windows 0.0",
                    "braid_scorer_dead_letters_total{reason=\"BAD_MAGIC_BYTE\",stage=\"deserialize\"} 1.0",
                    "braid_scorer_model_info{objective=\"comm\",version=\"v1\"} 1"))
                assertTrue(body.lines().anyMatch(l -> l.equals(line)), () -> "missing line: " + line + "\n" + body);
            List<String> streams = body.lines()
                    .filter(l -> l.startsWith(StreamsMetricsCollector.PREFIX))
                    .toList();
            assertTrue(streams.size() > 10, "Kafka Streams metrics exported: " + streams);
            assertTrue(
                    streams.stream()
                            .anyMatch(l -> l.startsWith("braid_scorer_streams_stream_topic_records_produced_total{")
                                    && l.contains("topic=\"mm.embeddings\"")
                                    && l.endsWith(" 3.0")),
                    () -> String.join("\n", streams));
        }
    }
}
