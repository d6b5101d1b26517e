package io.braid.flink.cli;

import io.braid.broker.EmbeddedKafkaBroker;
import io.braid.broker.TopicCatalog;
import io.braid.broker.TopicSpec;
import io.braid.flink.JobCounters;
import io.braid.flink.KafkaConnection;
import io.braid.flink.LocalWindowJob;
import io.braid.flink.MultimodalWindowJob;
import io.braid.flink.WindowJobOptions;
import io.braid.flink.bench.PassthroughJob;
import io.braid.flink.bench.SimulatorFeeder;
import io.braid.flink.kafka.KafkaIO;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.registry.EmbeddedRegistryServer;
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
public final class BenchFlinkCommand implements Callable<Integer> {
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

    @Option(names = "--duration-s", description = "Simulated seconds per robot (default: ${DEFAULT-VALUE}).")
    long durationS = 300;

    @Option(names = "--seed", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed = 7;

    @Option(names = "--parallelism", description = "Parallelism of both jobs (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(
            names = "--delivery-guarantee",
            description = "EXACTLY_ONCE, AT_LEAST_ONCE or NONE, for both jobs (default: ${DEFAULT-VALUE}).")
    WindowJobOptions.Guarantee guarantee = WindowJobOptions.Guarantee.EXACTLY_ONCE;

    @Override
    public Integer call() throws Exception {
        if (robots < 1 || durationS < 1 || parallelism < 1) {
            System.err.println("bench flink: --robots, --duration-s and --parallelism must be >= 1");
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
            String run = Long.toString(System.currentTimeMillis(), 36);
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
            String passTopic = "bench." + run + ".passthrough";
            KafkaConnection c = new KafkaConnection(bs, reg);
            createTopics(c, o, passTopic);

            // Event time (and so the input records' timestamps) starts now: the simulator's fixed default start
            // (2025-01-01) is older than the topics' retention, and the broker would delete the inputs mid-run.
            SimulatorOptions sim = new SimulatorOptions()
                    .startTimeMs(System.currentTimeMillis() / 1000 * 1000)
                    .robots(robots)
                    .seed(seed)
                    .durationMs(durationS * 1000)
                    .jitterMs(5)
                    .outOfOrderFraction(0.02)
                    .maxOutOfOrderMs(300)
                    .dropVision(0.02)
                    .dropText(0.02)
                    .duplicateFraction(0.01)
                    .malformedFraction(0.005);
            System.err.printf(Locale.ROOT, "bench flink: simulating %d robots x %d s ...%n", robots, durationS);
            long t0 = System.nanoTime();
            SimulatorFeeder.Result fed = SimulatorFeeder.feed(c, sim, o);
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
            StreamExecutionEnvironment penv = LocalWindowJob.localEnvironment(parallelism);
            MultimodalWindowJob.configure(penv, o);
            PassthroughJob.build(penv, c, o, passTopic);
            JobExecutionResult pr = penv.execute("braid-bench-passthrough");
            double passS = pr.getNetRuntime() / 1000.0;

            System.err.println("bench flink: align-and-augment job ...");
            StreamExecutionEnvironment env = LocalWindowJob.localEnvironment(parallelism);
            MultimodalWindowJob.configure(env, o);
            MultimodalWindowJob.build(env, KafkaIO.inputs(c, o), o).sinkTo(KafkaIO.sinks(c, o));
            JobExecutionResult fr = env.execute("braid-bench-align-augment");
            double fullS = fr.getNetRuntime() / 1000.0;
            JobCounters counters = JobCounters.from(fr.getAllAccumulatorResults());
            @SuppressWarnings("unchecked")
            Map<Integer, Integer> hist =
                    (Map<Integer, Integer>) fr.getAllAccumulatorResults().get(JobCounters.WATERMARK_DELAY);

            double eventsPerS = events / fullS;
            double windowsPerS = counters.windowsEmitted() / fullS;
            double passPerS = events / passS;
            double ratio = eventsPerS / passPerS;
            long p50 = percentileMs(hist, 0.50);
            long p99 = percentileMs(hist, 0.99);
            System.out.printf(
                    Locale.ROOT,
                    "input events              %d (%d robots x %d s simulated)%n",
                    events,
                    robots,
                    durationS);
            System.out.printf(Locale.ROOT, "pass-through job          %.2f s  %.0f events/s%n", passS, passPerS);
            System.out.printf(
                    Locale.ROOT,
                    "align-and-augment job     %.2f s  %.0f events/s  %.0f windows/s%n",
                    fullS,
                    eventsPerS,
                    windowsPerS);
            System.out.printf(Locale.ROOT, "windows                   %s%n", counters);
            System.out.printf(
                    Locale.ROOT,
                    "watermark delay           p50 %d ms  p99 %d ms (event time the watermark trails the newest event)%n",
                    p50,
                    p99);
            System.out.printf(
                    Locale.ROOT,
                    "delivery guarantee        %s, parallelism %d, broker %s%n",
                    guarantee,
                    parallelism,
                    bs);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT flink events_per_s=%.0f windows_per_s=%.0f passthrough_ratio=%.3f watermark_delay_p50_ms=%d"
                            + " watermark_delay_p99_ms=%d passthrough_events_per_s=%.0f%n",
                    eventsPerS,
                    windowsPerS,
                    ratio,
                    p50,
                    p99,
                    passPerS);
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
                specs.add(new TopicSpec(t, 2, (short) 1, Map.of()));
            }
            specs.add(new TopicSpec(TopicCatalog.LABELS, 2, (short) 1, Map.of()));
            TopicCatalog.ensure(admin, specs);
        }
    }
}
