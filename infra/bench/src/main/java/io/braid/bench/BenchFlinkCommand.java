package io.braid.bench;

import io.braid.broker.EmbeddedKafkaBroker;
import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.HelpSections;
import io.braid.flink.JobCounters;
import io.braid.flink.KafkaConnection;
import io.braid.flink.LocalWindowJob;
import io.braid.flink.MultimodalWindowJob;
import io.braid.flink.WindowJobOptions;
import io.braid.flink.kafka.KafkaIO;
import io.braid.producers.SimulatorFeeder;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./braid bench flink}: fills the input topics from the simulator, then runs the full align-and-augment job and a
 * byte pass-through job over the same records on the same broker, and compares their throughput.
 */
@Command(
        name = "flink",
        mixinStandardHelpOptions = true,
        description = {
            "Align-and-augment job vs a pass-through Flink job on the same broker and input, in one run.",
            "",
            "Ends with RESULT flink events_per_s=... windows_per_s=... passthrough_ratio=... watermark_delay_p99_ms=..."
        })
public final class BenchFlinkCommand implements Callable<Integer>, HelpSections.Declared {
    /** Standalone entry point (the launcher registers the command itself). */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new BenchFlinkCommand()).execute(args));
    }

    @Option(names = "--bootstrap-servers", description = "Use this Kafka instead of an in-JVM broker.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Use this registry instead of an embedded one.")
    String registryUrl;

    @Option(names = "--robots", description = "Simulated robots (default: ${DEFAULT-VALUE}).")
    int robots = 8;

    @Option(
            names = {"--duration", "--duration-s"},
            converter = DurationConverter.class,
            description = "Simulated event time per robot, e.g. 30m, 1800s (default: ${DEFAULT-VALUE}).")
    Duration duration = Duration.ofMinutes(30);

    @Option(names = "--seed", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed = 7;

    @Option(names = "--parallelism", description = "Parallelism of both jobs (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(
            names = "--delivery-guarantee",
            description = "EXACTLY_ONCE, AT_LEAST_ONCE or NONE, for both jobs (default: ${DEFAULT-VALUE}).")
    WindowJobOptions.Guarantee guarantee = WindowJobOptions.Guarantee.EXACTLY_ONCE;

    @Option(
            names = {"--warmup-duration", "--warmup-duration-s"},
            converter = DurationConverter.class,
            description = "Simulated event time per robot of a first, discarded run of both jobs that warms up the JVM"
                    + " (0: none; default: ${DEFAULT-VALUE}).")
    Duration warmupDuration = Duration.ofSeconds(30);

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Connection", "--bootstrap-servers", "--schema-registry-url")
                .add("Input", "--robots", "--duration", "--seed", "--warmup-duration")
                .add("Jobs", "--parallelism", "--delivery-guarantee");
    }

    @Override
    public Integer call() throws Exception {
        long durationS = duration.toSeconds(), warmupDurationS = warmupDuration.toSeconds();
        if (robots < 1 || durationS < 1 || parallelism < 1) {
            System.err.println("bench flink: --robots and --parallelism must be >= 1, --duration at least 1s");
            return 2;
        }
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            String bs = bootstrapServers;
            if (bs == null) {
                System.err.println("bench flink: starting an in-JVM Kafka broker ...");
                EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start();
                owned.add(0, b);
                bs = b.bootstrapServers();
            }
            String reg = registryUrl;
            if (reg == null) {
                EmbeddedRegistryServer r = new EmbeddedRegistryServer(0).start();
                owned.add(0, r);
                reg = r.url();
            }
            KafkaConnection c = new KafkaConnection(bs, reg);
            String run = Long.toString(System.currentTimeMillis(), 36);

            if (warmupDurationS > 0) {
                WindowJobOptions w = options(run + ".warmup");
                createTopics(c, w, w.windowsTopic + ".passthrough");
                SimulatorFeeder.Result wf = SimulatorFeeder.feed(feedTarget(c, w), simulator(warmupDurationS));
                System.err.printf(
                        Locale.ROOT,
                        "bench flink: warm-up (%d events, discarded): pass-through job ...%n",
                        wf.inputEvents());
                Measured wp = passthrough(c, w, w.windowsTopic + ".passthrough");
                System.err.println("bench flink: warm-up: align-and-augment job ...");
                Measured wa = alignAndAugment(c, w);
                System.err.printf(Locale.ROOT, "bench flink: warm-up done (%.1f s + %.1f s)%n", wp.wallS, wa.wallS);
            }

            WindowJobOptions o = options(run);
            String passTopic = "bench." + run + ".passthrough";
            createTopics(c, o, passTopic);
            System.err.printf(Locale.ROOT, "bench flink: simulating %d robots x %d s ...%n", robots, durationS);
            long t0 = System.nanoTime();
            SimulatorFeeder.Result fed = SimulatorFeeder.feed(feedTarget(c, o), simulator(durationS));
            double fillS = (System.nanoTime() - t0) / 1e9;
            long events = fed.inputEvents();
            System.err.printf(
                    Locale.ROOT,
                    "bench flink: %d input events (%.1f MB, %d malformed) written in %.1f s%n",
                    events,
                    fed.bytes() / 1e6,
                    fed.malformed(),
                    fillS);

            System.err.println("bench flink: pass-through job ...");
            Measured pass = passthrough(c, o, passTopic);
            System.err.println("bench flink: align-and-augment job ...");
            Measured full = alignAndAugment(c, o);
            JobCounters counters = JobCounters.from(full.result.getAllAccumulatorResults());
            @SuppressWarnings("unchecked")
            Map<Integer, Integer> hist = (Map<Integer, Integer>)
                    full.result.getAllAccumulatorResults().get(JobCounters.WATERMARK_DELAY);

            // Steady state: the input rate while the job's output grew from 10% to 90% of its final count, assuming
            // output tracks input (one pass-through record per input record; windows close in event-time order as the
            // slowest input advances). End to end: the job's net runtime (JobExecutionResult), start-up of its tasks,
            // split discovery and the final checkpoint included.
            double passPerS = pass.span.steadyRate(events);
            double eventsPerS = full.span.steadyRate(events);
            double windowsPerS = full.span.steadyRate(counters.windowsEmitted());
            double ratio = eventsPerS / passPerS;
            double passPerSE2e = events / pass.netS;
            double eventsPerSE2e = events / full.netS;
            double windowsPerSE2e = counters.windowsEmitted() / full.netS;
            long p50 = percentileMs(hist, 0.50);
            long p99 = percentileMs(hist, 0.99);
            System.out.printf(
                    Locale.ROOT,
                    "input events              %d (%d robots x %d s simulated, %.1f MB)%n",
                    events,
                    robots,
                    durationS,
                    fed.bytes() / 1e6);
            System.out.printf(
                    Locale.ROOT,
                    "                          steady state (10-90%% of output)     end to end (job net runtime)%n");
            System.out.printf(
                    Locale.ROOT,
                    "pass-through job          %6.2f s  %7.0f events/s                %6.2f s  %7.0f events/s%n",
                    pass.span.steadyS(),
                    passPerS,
                    pass.netS,
                    passPerSE2e);
            System.out.printf(
                    Locale.ROOT,
                    "align-and-augment job     %6.2f s  %7.0f events/s  %5.0f win/s  %6.2f s  %7.0f events/s  %5.0f"
                            + " win/s%n",
                    full.span.steadyS(),
                    eventsPerS,
                    windowsPerS,
                    full.netS,
                    eventsPerSE2e,
                    windowsPerSE2e);
            System.out.printf(
                    Locale.ROOT,
                    "output timeline (s)       pass-through first %.2f last %.2f of %.2f; align-and-augment first %.2f last"
                            + " %.2f of %.2f (from execute(): MiniCluster and job start-up before, final checkpoint"
                            + " and shutdown after)%n",
                    pass.span.firstOutputS(),
                    pass.span.lastOutputS(),
                    pass.wallS,
                    full.span.firstOutputS(),
                    full.span.lastOutputS(),
                    full.wallS);
            System.out.printf(Locale.ROOT, "windows                   %s%n", counters);
            System.out.printf(
                    Locale.ROOT,
                    "watermark event-time lag  p50 %d ms  p99 %d ms: at each window close, the event time by which the"
                            + " watermark (min over inputs) trails the newest event seen;%n"
                            + "                          in this backlog replay it is how far the fastest input reads"
                            + " ahead of the slowest, not a wall-clock latency%n",
                    p50,
                    p99);
            System.out.printf(
                    Locale.ROOT,
                    "delivery guarantee        %s, parallelism %d, broker %s, JVM %s%n",
                    guarantee,
                    parallelism,
                    bs,
                    warmupDurationS > 0 ? "warmed up" : "cold");
            System.out.printf(
                    Locale.ROOT,
                    "RESULT flink events_per_s=%.0f windows_per_s=%.0f passthrough_ratio=%.3f watermark_delay_p50_ms=%d"
                            + " watermark_delay_p99_ms=%d passthrough_events_per_s=%.0f events_per_s_e2e=%.0f"
                            + " passthrough_events_per_s_e2e=%.0f input_events=%d%n",
                    eventsPerS,
                    windowsPerS,
                    ratio,
                    p50,
                    p99,
                    passPerS,
                    eventsPerSE2e,
                    passPerSE2e,
                    events);
            return 0;
        } finally {
            for (AutoCloseable a : owned) {
                try {
                    a.close();
                } catch (Exception ignored) {
                    // shutting down
                }
            }
        }
    }

    /** One job's run: its result, net runtime (submit to finish), wall time and output growth. */
    record Measured(JobExecutionResult result, double netS, double wallS, OutputProgress.Span span) {}

    private Measured passthrough(KafkaConnection c, WindowJobOptions o, String passTopic) throws Exception {
        StreamExecutionEnvironment env = LocalWindowJob.localEnvironment(parallelism);
        MultimodalWindowJob.configure(env, o);
        PassthroughJob.build(env, c, o, passTopic);
        return measure(env, c, passTopic, "braid-bench-passthrough");
    }

    private Measured alignAndAugment(KafkaConnection c, WindowJobOptions o) throws Exception {
        StreamExecutionEnvironment env = LocalWindowJob.localEnvironment(parallelism);
        MultimodalWindowJob.configure(env, o);
        MultimodalWindowJob.build(env, KafkaIO.inputs(c, o), o).sinkTo(KafkaIO.sinks(c, o));
        return measure(env, c, o.windowsTopic, "braid-bench-align-augment");
    }

    private static Measured measure(StreamExecutionEnvironment env, KafkaConnection c, String outTopic, String name)
            throws Exception {
        Properties p = c.kafkaProps();
        p.put("bootstrap.servers", c.bootstrapServers);
        try (OutputProgress progress = new OutputProgress(p, outTopic, TOPIC_PARTITIONS, 50)) {
            long t0 = System.nanoTime();
            JobExecutionResult r = env.execute(name);
            double wallS = (System.nanoTime() - t0) / 1e9;
            return new Measured(r, r.getNetRuntime() / 1000.0, wallS, progress.stop());
        }
    }

    private WindowJobOptions options(String run) {
        WindowJobOptions o = new WindowJobOptions();
        o.sensorTopic = "bench." + run + ".sensor";
        o.visionTopic = "bench." + run + ".vision";
        o.textTopic = "bench." + run + ".text";
        o.windowsTopic = "bench." + run + ".windows";
        o.trainTopic = "bench." + run + ".train";
        o.lateTopic = "bench." + run + ".late";
        o.dlqTopic = "bench." + run + ".dlq";
        o.groupId = "braid-bench-" + run;
        o.transactionalIdPrefix = "braid-bench-" + run;
        o.bounded = true;
        o.checkpointDir = LocalWindowJob.tempCheckpointDir();
        o.parallelism = parallelism;
        o.deliveryGuarantee = guarantee;
        o.validate();
        return o;
    }

    private SimulatorOptions simulator(long seconds) {
        // Event time (and so the input records' timestamps) starts now: the simulator's fixed default start
        // (2025-01-01) is older than the topics' retention, and the broker would delete the inputs mid-run.
        return new SimulatorOptions()
                .startTimeMs(System.currentTimeMillis() / 1000 * 1000)
                .robots(robots)
                .seed(seed)
                .durationMs(seconds * 1000)
                .jitterMs(5)
                .outOfOrderFraction(0.02)
                .maxOutOfOrderMs(300)
                .dropVision(0.02)
                .dropText(0.02)
                .duplicateFraction(0.01)
                .malformedFraction(0.005);
    }

    static long percentileMs(Map<Integer, Integer> hist, double q) {
        if (hist == null || hist.isEmpty()) return -1;
        TreeMap<Integer, Integer> t = new TreeMap<>(hist);
        long total = 0;
        for (int v : t.values()) total += v;
        long target = (long) Math.ceil(q * total);
        long seen = 0;
        for (Map.Entry<Integer, Integer> e : t.entrySet()) {
            seen += e.getValue();
            if (seen >= target) return e.getKey() * 10L;
        }
        return t.lastKey() * 10L;
    }

    static final int TOPIC_PARTITIONS = 2;

    static void createTopics(KafkaConnection c, WindowJobOptions o, String passTopic) {
        Properties p = c.kafkaProps();
        p.put("bootstrap.servers", c.bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            List<TopicSpec> specs = new ArrayList<>();
            for (String t : List.of(
                    o.sensorTopic,
                    o.visionTopic,
                    o.textTopic,
                    o.windowsTopic,
                    o.trainTopic,
                    o.lateTopic,
                    o.dlqTopic,
                    passTopic)) {
                specs.add(new TopicSpec(t, TOPIC_PARTITIONS, (short) 1, Map.of()));
            }
            specs.add(new TopicSpec(TopicCatalog.LABELS, 2, (short) 1, Map.of()));
            TopicCatalog.ensure(admin, specs);
        }
    }

    private static SimulatorFeeder.Target feedTarget(KafkaConnection c, WindowJobOptions o) {
        return new SimulatorFeeder.Target(c.bootstrapServers, c.kafkaProps(), c.serdeConfig(), s -> switch (s) {
            case SENSOR -> o.sensorTopic;
            case VISION -> o.visionTopic;
            case TEXT -> o.textTopic;
            case LABELS -> TopicCatalog.LABELS;
        });
    }
}
