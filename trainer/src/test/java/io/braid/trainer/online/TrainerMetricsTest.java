package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class TrainerMetricsTest {
    @Test
    void theEndpointServesTheNamesTheDashboardsQuery() throws Exception {
        try (TrainerMetrics m = new TrainerMetrics()) {
            int port = m.serve(0);
            m.pairs.inc(32);
            m.loss.set(1.5);
            m.deadLetters.labelValues("NON_FINITE").inc();
            m.stepSeconds.observe(0.05);
            String body = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String name : new String[] {
                "braid_trainer_pairs_total 32.0",
                "braid_trainer_loss 1.5",
                "braid_trainer_dead_letters_total{reason=\"NON_FINITE\"} 1.0",
                "braid_trainer_step_seconds_count 1",
                "braid_trainer_skipped_steps_total",
                "braid_trainer_consumer_lag_records",
                "braid_trainer_consumer_lag_seconds",
                "braid_trainer_checkpoint_age_seconds",
                "braid_trainer_checkpoint_duration_seconds",
                "braid_trainer_model_version",
                "braid_trainer_pairs_per_second"
            }) assertTrue(body.contains(name), name + " missing in\n" + body);
        }
    }
}
