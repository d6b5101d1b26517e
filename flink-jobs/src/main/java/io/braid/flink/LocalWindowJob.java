package io.braid.flink;

import io.braid.flink.kafka.KafkaIO;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
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
    private CompletableFuture<JobExecutionResult> result;
    private final String pipelineVersion;
    private final LocalState state;
    private final LocalState.Snapshot restoredFrom;
    private final String transactionalIdPrefix;

    private LocalWindowJob(
            JobClient client,
            String pipelineVersion,
            LocalState state,
            LocalState.Snapshot restoredFrom,
            String transactionalIdPrefix) {
        this.client = client;
        this.pipelineVersion = pipelineVersion;
        this.state = state;
        this.restoredFrom = restoredFrom;
        this.transactionalIdPrefix = transactionalIdPrefix;
    }

    /**
     * Starts the job with its state in a fresh temporary directory (never restored): for callers that manage their
     * own runs. {@code ./braid flink-job} and the demo use {@link #start(KafkaConnection, WindowJobOptions,
     * LocalRunOptions)}.
     */
    public static LocalWindowJob start(KafkaConnection connection, WindowJobOptions options) throws Exception {
        java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("braid-state-");
        LocalRunOptions run = new LocalRunOptions(LocalRunOptions.DEFAULT_JOB_NAME, tmp);
        return start(connection, options, run);
    }

    /**
     * Creates missing topics, builds the job and submits it to a fresh local environment; returns once submitted.
     * Checkpoints are retained in the run's state directory, and the job resumes from the newest completed
     * checkpoint or savepoint there (or the one named), so a killed run restarted with the same arguments goes on
     * where its last checkpoint was: its committed output stays exactly once. The options are not modified.
     */
    public static LocalWindowJob start(KafkaConnection connection, WindowJobOptions options, LocalRunOptions run)
            throws Exception {
        options.validate();
        run.validate();
        WindowJobOptions o = copy(options);
        o.transactionalIdPrefix = transactionalIdPrefix(o.transactionalIdPrefix, run.jobName);
        LocalState state = LocalState.open(run.stateDir(), run.fresh);
        try {
            LocalState.Snapshot restore;
            if (run.fromSavepoint != null) restore = LocalState.explicit(run.fromSavepoint, true);
            else if (run.fromCheckpoint != null) restore = LocalState.explicit(run.fromCheckpoint, false);
            else restore = state.latest().orElse(null);
            // older snapshots than the one restored are of no further use (Flink cleans only its own job's)
            if (run.fromSavepoint == null && run.fromCheckpoint == null) state.pruneExcept(restore);
            if (o.checkpointDir == null)
                o.checkpointDir = state.checkpointsDir().toUri().toString();

            ensureTopics(connection);
            Configuration conf = localConfiguration();
            conf.set(
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            conf.set(
                    CheckpointingOptions.SAVEPOINT_DIRECTORY,
                    state.savepointsDir().toUri().toString());
            if (restore != null)
                conf.set(
                        StateRecoveryOptions.SAVEPOINT_PATH,
                        restore.dir().toUri().toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(o.parallelism, conf);
            MultimodalWindowJob.configure(env, o);
            MultimodalWindowJob.build(env, KafkaIO.inputs(connection, o), o).sinkTo(KafkaIO.sinks(connection, o));
            JobClient client = env.executeAsync(run.jobName);
            return new LocalWindowJob(client, PipelineVersion.of(o), state, restore, o.transactionalIdPrefix);
        } catch (Exception | Error e) {
            state.close();
            throw e;
        }
    }

    /**
     * The transactional-id prefix of a local run: stable per job name, so that a restarted run (same name) reuses the
     * dead run's transactional ids; the sinks then fence its producers and abort its open transactions when they
     * start, instead of leaving them to hold back read_committed readers until the transaction timeout. Two jobs
     * with different names on one broker (the demo next to {@code ./braid flink-job}) get different ids. An
     * explicitly chosen prefix is used as given.
     */
    static String transactionalIdPrefix(String prefix, String jobName) {
        if (!WindowJobOptions.DEFAULT_TRANSACTIONAL_ID_PREFIX.equals(prefix)) return prefix;
        return prefix + "-" + jobName;
    }

    private static WindowJobOptions copy(WindowJobOptions o) throws java.io.IOException, ClassNotFoundException {
        return org.apache.flink.util.InstantiationUtil.clone(o);
    }

    /** A local environment with the restart strategy and JVM settings the job expects. */
    public static StreamExecutionEnvironment localEnvironment(int parallelism) {
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, localConfiguration());
    }

    private static Configuration localConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        // accumulators (the counters the demo shows) travel with heartbeats: every second, not every ten
        conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        return conf;
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

    /** The checkpoint or savepoint this run was restored from; empty for a fresh start. */
    public java.util.Optional<LocalState.Snapshot> restoredFrom() {
        return java.util.Optional.ofNullable(restoredFrom);
    }

    /** The state directory (checkpoints and savepoints) of this run. */
    public java.nio.file.Path stateDir() {
        return state.dir();
    }

    /** The transactional-id prefix the sinks use (stable per job name). */
    public String transactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    /**
     * Stops the job with a savepoint into the state directory (committing the open transactions), so the next start
     * resumes from it. Returns the savepoint's path.
     */
    public String stopWithSavepoint(Duration timeout) throws Exception {
        return client.stopWithSavepoint(false, state.savepointsDir().toUri().toString(), SavepointFormatType.CANONICAL)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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

    /**
     * True once the job has ended. The local executor's MiniCluster shuts down as soon as its job ends, so a status
     * request can fail with "MiniCluster is not yet running or has already been shut down" right after a bounded job
     * finished: the job's result, not its status, is the answer then.
     */
    public boolean finished() throws Exception {
        if (result().isDone()) return true;
        try {
            return status().isGloballyTerminalState();
        } catch (Exception e) {
            try {
                result().get(10, TimeUnit.SECONDS);
                return true;
            } catch (Exception notEnded) {
                e.addSuppressed(notEnded);
                throw e;
            }
        }
    }

    /** Waits for a bounded job to finish; returns the final counters. */
    public JobCounters awaitFinished(Duration timeout) throws Exception {
        var r = result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return JobCounters.from(r.getAllAccumulatorResults());
    }

    private synchronized CompletableFuture<JobExecutionResult> result() {
        if (result == null) result = client.getJobExecutionResult();
        return result;
    }

    /** Cancels the job if it still runs (its newest checkpoint is retained for the next start) and frees the state. */
    @Override
    public void close() {
        try {
            JobStatus s = client.getJobStatus().get(10, TimeUnit.SECONDS);
            if (!s.isGloballyTerminalState()) client.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already gone
        } finally {
            state.close();
        }
    }
}
