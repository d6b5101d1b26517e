package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.flink.cli.FlinkJobCommand;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.registry.EmbeddedRegistryServer;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** The API the demo uses: start the job asynchronously, read its counters while it runs, stop it. */
@ExtendWith(KafkaBrokerExtension.class)
class LocalWindowJobIT {

    @Test
    @Timeout(120)
    void countersAreReadableWhileTheUnboundedJobRuns(KafkaBroker broker) throws Exception {
        try (EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            KafkaConnection c = new KafkaConnection(broker.bootstrapServers(), registry.url());
            WindowJobOptions o = KafkaTestSupport.options("it-local");
            o.bounded = false;
            o.parallelism = 1;
            o.idlenessMs = 500; // the text topic stays silent: its idle partitions must not stall windows
            KafkaTestSupport.createTopics(broker.bootstrapServers(), o);
            KafkaTestSupport.feed(
                    c, new SimulatorOptions().robots(2).durationMs(20_000).dropText(1.0), o);
            try (LocalWindowJob job = LocalWindowJob.start(c, o)) {
                JobCounters counters = JobCounters.ZERO;
                while (counters.windowsEmitted() < 30) {
                    Thread.sleep(500);
                    assertEquals(JobStatus.RUNNING, job.status());
                    counters = job.counters();
                }
                assertTrue(counters.inputEvents() > 0);
                assertEquals(0.0, counters.completeness(), "no window has text");
                assertEquals(counters.windowsEmitted(), counters.missingText());
                assertEquals(0, counters.dlqRecords());
            }
        }
    }

    @Test
    void nonsenseOptionsAreRefusedWithAMessage() {
        CommandLine cli = new CommandLine(new FlinkJobCommand());
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err));
        assertNotEquals(0, cli.execute("--window-size-ms", "banana"));
        assertTrue(err.toString().contains("--window-size-ms"), err.toString());
        assertEquals(2, cli.execute("--hop-ms", "5000"));
        assertNotEquals(0, cli.execute("--delivery-guarantee", "SOMETIMES"));
        assertEquals(0, cli.execute("--help"));
    }
}
