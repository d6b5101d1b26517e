package io.braid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.registry.EmbeddedRegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Smoke test of {@code bench score}'s core with a few windows: every phase runs and the RESULT line parses. */
@ExtendWith(KafkaBrokerExtension.class)
class ScoreBenchIT {
    @Test
    @Timeout(300)
    void tinyRunEndsWithAParsableResultLine(KafkaBroker broker) throws Exception {
        ScoreBench.Settings s = new ScoreBench.Settings(
                40,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                64,
                Duration.ofSeconds(1),
                4,
                8,
                2,
                4,
                Duration.ofMillis(2),
                Duration.ofMillis(10),
                Duration.ofMillis(100),
                Duration.ofMillis(100),
                1,
                2,
                3);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ScoreBench.Result r;
        try (EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            r = ScoreBench.run(s, broker.clientProps(), registry.url(), new PrintStream(log, true));
        }
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        r.print(new PrintStream(report, true, StandardCharsets.UTF_8));
        String line = r.resultLine();
        assertTrue(line.startsWith("RESULT score "), line);
        Map<String, Double> values = new LinkedHashMap<>();
        for (String kv : line.substring("RESULT score ".length()).split(" ")) {
            String[] p = kv.split("=", 2);
            assertEquals(2, p.length, kv);
            values.put(p[0], Double.parseDouble(p[1]));
        }
        for (String key : List.of(
                "p50_ms",
                "p99_ms",
                "e2e_p50_ms",
                "e2e_p99_ms",
                "max_windows_per_s",
                "max_windows_per_s_low_latency_settings",
                "freshness_p50_ms",
                "freshness_p99_ms",
                "batch_vs_single_max_abs_diff")) assertTrue(values.containsKey(key), key + " in " + line);
        // every window of every phase came back exactly once, none dead-lettered
        assertEquals(64, r.saturationWindows(), report.toString());
        assertTrue(r.pacedScorer().n() >= 40 && r.freshness().n() >= 4, report.toString());
        assertEquals(0, r.duplicates());
        assertEquals(0.0, r.deadLetters());
        assertFalse(Double.isNaN(values.get("batch_vs_single_max_abs_diff")));
        assertTrue(values.get("batch_vs_single_max_abs_diff") < 1e-4, line);
    }
}
