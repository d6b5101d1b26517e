package io.braid.flink;

import io.braid.flink.kafka.KafkaIO;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;

/**
 * The job on a local MiniCluster in this JVM, started asynchronously, with its outcome counters readable while it
 * runs: what {@code ./braid flink-job}, the demo and the bench use.
 *
 * <pre>{@code
 * try (LocalWindowJob job = LocalWindowJob.start(new KafkaConnection(bootstrap, registryUrl), new WindowJobOptions())) {
 *     JobCounters c = job.counters();   // windows emitted, completeness(), late, dlq ...
 * }
 * }</pre>
 */
public final class LocalWindowJob implements AutoCloseable {
    private final JobClient client;
    private final String pipelineVersion;

    private LocalWindowJob(JobClient client, String pipelineVersion) {
        this.client = client;
        this.pipelineVersion = pipelineVersion;
    }

    /** Creates missing topics, builds the job and submits it to a fresh local environment; returns once submitted. */
    public static LocalWindowJob start(KafkaConnection connection, WindowJobOptions options) throws Exception {
        options.validate();
        if (options.checkpointDir == null) options.checkpointDir = tempCheckpointDir();
        options.transactionalIdPrefix = runPrefix(options.transactionalIdPrefix);
        ensureTopics(connection);
        StreamExecutionEnvironment env = localEnvironment(options.parallelism);
        MultimodalWindowJob.configure(env, options);
        MultimodalWindowJob.build(env, KafkaIO.inputs(connection, options), options)
                .sinkTo(KafkaIO.sinks(connection, options));
        JobClient client = env.executeAsync("braid-multimodal-windows");
        return new LocalWindowJob(client, PipelineVersion.of(options));
    }

    /**
     * The transactional id prefix of one local run. A local run always starts from scratch (it is never restored from a
     * checkpoint), so when the default prefix is kept it gets a per-run suffix: two local jobs on one broker (a demo
     * next to {@code ./braid flink-job}) would otherwise share transactional ids, and each start would fence the
     * other's producers and abort its open transactions. An explicitly chosen prefix is used as given.
     */
    static String runPrefix(String prefix) {
        if (!WindowJobOptions.DEFAULT_TRANSACTIONAL_ID_PREFIX.equals(prefix)) return prefix;
        return prefix + "-" + Long.toString(System.currentTimeMillis(), 36) + "-"
                + Integer.toString(
                        java.util.concurrent.ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    }

    /** A fresh directory under the system temp dir: the JobManager heap limits in-memory checkpoints to 5 MB. */
    public static String tempCheckpointDir() {
        try {
            return java.nio.file.Files.createTempDirectory("braid-checkpoints-")
                    .toUri()
                    .toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create a checkpoint directory", e);
        }
    }

    /** A local environment with the restart strategy and JVM settings the job expects. */
    public static StreamExecutionEnvironment localEnvironment(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        // accumulators (the counters the demo shows) travel with heartbeats: every second, not every ten
        conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /** Creates the catalog's topics that do not exist yet (1 partition per robot stream by default: 2). */
    public static void ensureTopics(KafkaConnection connection) {
        Properties p = connection.kafkaProps();
        p.put("bootstrap.servers", connection.bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            List<TopicSpec> specs = TopicCatalog.all(2, (short) 1);
            TopicCatalog.ensure(admin, specs);
        }
    }

    public JobClient client() {
        return client;
    }

    public String pipelineVersion() {
        return pipelineVersion;
    }

    /** Current values of the outcome counters (zeros before the first report). */
    public JobCounters counters() {
        try {
            Map<String, Object> acc = client.getAccumulators().get(10, TimeUnit.SECONDS);
            return JobCounters.from(acc);
        } catch (Exception e) {
            return JobCounters.ZERO;
        }
    }

    public JobStatus status() throws Exception {
        return client.getJobStatus().get(10, TimeUnit.SECONDS);
    }

    /** Waits for a bounded job to finish; returns the final counters. */
    public JobCounters awaitFinished(Duration timeout) throws Exception {
        var result = client.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return JobCounters.from(result.getAllAccumulatorResults());
    }

    @Override
    public void close() {
        try {
            JobStatus s = client.getJobStatus().get(10, TimeUnit.SECONDS);
            if (!s.isGloballyTerminalState()) client.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already gone
        }
    }
}
