package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TrainerMetricsTest {
    /** The value of the first sample named exactly {@code name} (with {@code labels}, if given) in a scrape. */
    static double value(String body, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + (labels == null ? "" : labels)) + " (\\S+)$")
                .matcher(body);
        assertTrue(m.find(), name + (labels == null ? "" : labels) + " missing in\n" + body);
        return Double.parseDouble(m.group(1));
    }

    static String scrape(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void theEndpointServesEveryMetricOfTheIssueWithItsValue() throws Exception {
        try (TrainerMetrics m = new TrainerMetrics()) {
            int port = m.serve(0);
            assertEquals("http://localhost:" + port + "/metrics", m.url());
            // what OnlineTrainer records after two steps, one skipped step and a checkpoint
            m.pairs.inc(96);
            m.steps.inc(2);
            m.skipped.inc();
            m.stepLoss(2.5);
            m.stepLoss(1.5);
            m.pairsPerSecond.set(48);
            m.stepSeconds.observe(0.04);
            m.stepSeconds.observe(0.06);
            m.lagRecords.set(120);
            m.lagSeconds.set(3.5);
            m.checkpointAge.set(2.25);
            m.checkpointSeconds.set(0.125);
            m.modelVersion.set(2);
            m.versions.inc();
            m.device.labelValues("cpu()").set(1);
            m.deadLetters.labelValues("NON_FINITE").inc();
            String body = scrape(m.url());

            assertEquals(48, value(body, "braid_trainer_pairs_per_second", null));
            assertEquals(96, value(body, "braid_trainer_pairs_total", null));
            assertEquals(1.5, value(body, "braid_trainer_loss", null));
            // EMA: 2.5 + 0.1 * (1.5 - 2.5)
            assertEquals(2.4, value(body, "braid_trainer_loss_smoothed", null), 1e-9);
            assertEquals(2, value(body, "braid_trainer_step_seconds_count", null));
            assertEquals(0.1, value(body, "braid_trainer_step_seconds_sum", null), 1e-9);
            assertEquals(2, value(body, "braid_trainer_steps_total", null));
            assertEquals(120, value(body, "braid_trainer_consumer_lag_records", null));
            assertEquals(3.5, value(body, "braid_trainer_consumer_lag_seconds", null));
            assertEquals(2.25, value(body, "braid_trainer_checkpoint_age_seconds", null));
            assertEquals(0.125, value(body, "braid_trainer_checkpoint_duration_seconds", null));
            assertEquals(1, value(body, "braid_trainer_device", "{device=\"cpu()\"}"));
            assertEquals(2, value(body, "braid_trainer_model_version", null));
            assertEquals(1, value(body, "braid_trainer_versions_published_total", null));
            assertEquals(1, value(body, "braid_trainer_skipped_steps_total", null));
            assertEquals(1, value(body, "braid_trainer_dead_letters_total", "{reason=\"NON_FINITE\"}"));
            assertEquals(0, value(body, "braid_trainer_rollbacks_total", null));
            assertEquals(0, value(body, "braid_trainer_paused", null));

            // the snapshot the demo and the bench read is the same state
            TrainerMetrics.Snapshot s = m.snapshot();
            assertEquals(96, s.pairs());
            assertEquals(0.05, s.meanStepSeconds(), 1e-9);
            assertEquals(120, s.lagRecords());
            assertEquals(1, s.deadLetters());
        }
    }

    @Test
    void beforeAnyStepTheStepTimeIsUnknownNotZero() {
        try (TrainerMetrics m = new TrainerMetrics()) {
            assertTrue(Double.isNaN(m.snapshot().meanStepSeconds()));
        }
    }
}
