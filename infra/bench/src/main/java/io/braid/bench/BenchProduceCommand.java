package io.braid.bench;

import io.braid.broker.EmbeddedKafkaBroker;
import io.braid.broker.KafkaBroker;
import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.HelpSections;
import io.braid.producers.KafkaClients;
import io.braid.producers.ProduceRunner;
import io.braid.producers.StreamTopics;
import io.braid.producers.sim.FleetSimulator;
import io.braid.producers.sim.SimEvent;
import io.braid.producers.sim.SimStream;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `braid bench produce`: the simulator's throughput into Kafka next to Kafka's own producer sending byte[] records of
 * exactly the same sizes, topics and keys, measured in the same run (same broker, same JVM, same producer settings).
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Simulator events/s and MB/s into Kafka vs KafkaProducer alone.",
            "",
            "Measures the simulator's events/s and MB/s into Kafka (render + Avro + Confluent framing + send), then",
            "KafkaProducer's own throughput for byte[] records of the same sizes in the same run.",
            "Starts an in-JVM broker and registry unless --bootstrap-servers / --schema-registry-url are given.",
            "Ends with: RESULT produce events_per_s=... mb_per_s=... raw_ratio=..."
        })
public final class BenchProduceCommand implements Callable<Integer>, HelpSections.Declared {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", description = "External Kafka; default: an in-JVM broker.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "External registry; default: an in-process one.")
    String registryUrl;

    @Option(names = "--producer-config", description = "Properties file with extra Kafka producer settings.")
    Path producerConfig;

    @Option(names = "--robots", defaultValue = "16", description = "Robots. Default: ${DEFAULT-VALUE}.")
    int robots;

    @Option(
            names = "--duration",
            defaultValue = "600s",
            converter = DurationConverter.class,
            description = "Simulated event time per measured run (600s x 16 robots: about 200k records, 320 MB,"
                    + " several seconds of sending). Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "300s",
            converter = DurationConverter.class,
            description = "Simulated event time of the warm-up runs (0 = none). Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Measured rounds; each runs render-only, simulator and raw (simulator and raw in alternating"
                    + " order); medians count, raw_ratio is the median of the per-round ratios."
                    + " Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--frame-encoding",
            defaultValue = "RAW_U8",
            description = "RAW_U8 or PNG. Default: ${DEFAULT-VALUE}.")
    io.braid.avro.FrameEncoding frameEncoding;

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Connection", "--bootstrap-servers", "--schema-registry-url", "--producer-config")
                .add("Input", "--robots", "--duration", "--seed", "--frame-encoding")
                .add("Run", "--warmup", "--rounds");
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        if (robots < 1) throw new CommandLine.ParameterException(cmd, "--robots must be >= 1, got " + robots);
        if (duration.isZero()) throw new CommandLine.ParameterException(cmd, "--duration must be > 0");
        if (rounds < 1) throw new CommandLine.ParameterException(cmd, "--rounds must be >= 1");
        if (frameEncoding == io.braid.avro.FrameEncoding.JPEG) {
            throw new CommandLine.ParameterException(cmd, "--frame-encoding must be RAW_U8 or PNG");
        }
        PrintWriter out = cmd.getOut();
        KafkaBroker broker = null;
        EmbeddedRegistryServer registry = null;
        try {
            String bootstrap = bootstrapServers;
            if (bootstrap == null) {
                System.err.println("bench produce: starting an in-JVM Kafka broker");
                broker = EmbeddedKafkaBroker.start();
                bootstrap = broker.bootstrapServers();
            }
            String url = registryUrl;
            if (url == null) {
                registry = new EmbeddedRegistryServer(0).start();
                url = registry.url();
            }
            return bench(out, bootstrap, url);
        } finally {
            if (registry != null) registry.close();
            if (broker != null) broker.close();
        }
    }

    private SimulatorOptions options(long duration) {
        return new SimulatorOptions()
                .robots(robots)
                .durationMs(duration)
                .seed(seed)
                .startTimeMs(System.currentTimeMillis() / 1000 * 1000)
                .frameEncoding(frameEncoding)
                .validate();
    }

    /** Stream, robot and value size of every record a simulator run sent, as flat ints (cheap to record). */
    static final class Trace {
        int[] data = new int[3 * 1024];
        int size;

        void add(int stream, int robot, int bytes) {
            if (3 * size + 3 > data.length) data = Arrays.copyOf(data, data.length * 2);
            int i = 3 * size++;
            data[i] = stream;
            data[i + 1] = robot;
            data[i + 2] = bytes;
        }
    }

    /** One measured simulator run; returns {records, bytes, nanos} and fills the size trace. */
    private long[] simulated(Map<String, Object> props, Map<String, Object> serde, long duration, Trace trace)
            throws Exception {
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(props);
                ConfluentAvroSerializer<Object> ser = new ConfluentAvroSerializer<>(null, serde, false)) {
            ProduceRunner runner = new ProduceRunner(options(duration), producer, ser, false, 0, null)
                    .topics(s -> "bench.sim." + StreamTopics.of(s));
            runner.tap((s, r, n) -> trace.add(s.ordinal(), r, n));
            long t0 = System.nanoTime();
            ProduceRunner.Result r = runner.run(); // ends with producer.flush(): every record acknowledged
            long ns = System.nanoTime() - t0;
            if (r.errors() > 0) throw new IllegalStateException("sends failed: " + r.firstError());
            return new long[] {r.totalRecords(), r.totalBytes(), ns};
        }
    }

    /**
     * KafkaProducer alone: the same sizes, topics and keys as the trace, payloads prepared up front. Timed like the
     * simulator run: from the first send to the end of flush, producer creation and close outside.
     */
    private static long[] raw(Map<String, Object> props, Trace trace) {
        SimStream[] streams = SimStream.values();
        String[] topics = new String[streams.length];
        for (SimStream s : streams) topics[s.ordinal()] = "bench.raw." + StreamTopics.of(s);
        Map<Integer, byte[]> payloads = new HashMap<>();
        SplittableRandom rng = new SplittableRandom(1);
        int n = trace.size;
        int[] t = trace.data;
        byte[][] values = new byte[n][];
        byte[][] keys = new byte[n][];
        Map<Integer, byte[]> keyOf = new HashMap<>();
        for (int i = 0; i < n; i++) {
            values[i] = payloads.computeIfAbsent(t[3 * i + 2], size -> {
                byte[] b = new byte[size];
                rng.nextBytes(b);
                return b;
            });
            keys[i] = keyOf.computeIfAbsent(
                    t[3 * i + 1], r -> FleetSimulator.sourceId(r).getBytes(StandardCharsets.UTF_8));
        }
        long bytes = 0;
        long[] errors = new long[1];
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topics[t[3 * i]], null, keys[i], values[i]), (m, ex) -> {
                    if (ex != null) errors[0]++;
                });
                bytes += values[i].length;
            }
            producer.flush();
            long ns = System.nanoTime() - t0;
            if (errors[0] > 0) throw new IllegalStateException(errors[0] + " raw sends failed");
            return new long[] {n, bytes, ns};
        }
    }

    /** Render + serialize only (no Kafka), to show where time goes. */
    private long[] renderOnly(Map<String, Object> serde, long duration) {
        try (ConfluentAvroSerializer<Object> ser = new ConfluentAvroSerializer<>(null, serde, false)) {
            FleetSimulator sim = new FleetSimulator(options(duration));
            SimStream[] streams = SimStream.values();
            String[] topics = new String[streams.length];
            for (SimStream s : streams) topics[s.ordinal()] = "bench.sim." + StreamTopics.of(s);
            long n = 0, bytes = 0, t0 = System.nanoTime();
            for (SimEvent e = sim.next(); e != null; e = sim.next()) {
                bytes += ser.serialize(topics[e.stream().ordinal()], e.record()).length;
                n++;
            }
            return new long[] {n, bytes, System.nanoTime() - t0};
        }
    }

    private int bench(PrintWriter out, String bootstrap, String url) throws Exception {
        Map<String, Object> props = KafkaClients.producer(bootstrap, producerConfig);
        Map<String, Object> serde = new HashMap<>(props);
        serde.put(SerdeConfig.SCHEMA_REGISTRY_URL, url);
        serde.put(SerdeConfig.AUTO_REGISTER_SCHEMAS, "true");
        Map<String, Object> adminProps = new HashMap<>();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            List<TopicSpec> specs = new ArrayList<>();
            for (TopicSpec t : StreamTopics.inputSpecs(4, (short) 1)) {
                specs.add(new TopicSpec("bench.sim." + t.name(), t.partitions(), t.replicationFactor(), t.configs()));
                specs.add(new TopicSpec("bench.raw." + t.name(), t.partitions(), t.replicationFactor(), t.configs()));
            }
            TopicCatalog.ensure(admin, specs);
        }
        if (warmup.toMillis() > 0) {
            System.err.println("bench produce: warm-up (" + warmup.toMillis() / 1000 + " s of event time)");
            Trace warm = new Trace();
            renderOnly(serde, warmup.toMillis());
            simulated(props, serde, warmup.toMillis(), warm);
            raw(props, warm);
        }
        List<long[]> renders = new ArrayList<>(), sims = new ArrayList<>(), raws = new ArrayList<>();
        out.printf(
                "bench produce: %d robots, %.0f s of event time per run, %s frames, %d cores, %d rounds%n",
                robots,
                duration.toMillis() / 1000.0,
                frameEncoding,
                Runtime.getRuntime().availableProcessors(),
                rounds);
        out.printf(
                "%-6s %-40s %10s %10s %10s %12s %9s%n",
                "round", "run", "records", "MB", "seconds", "records/s", "MB/s");
        for (int round = 1; round <= rounds; round++) {
            System.err.println("bench produce: round " + round + ": render + serialize only");
            long[] render = renderOnly(serde, duration.toMillis());
            Trace trace = new Trace();
            long[] sim, raw;
            if (round % 2 == 1) {
                System.err.println("bench produce: round " + round + ": simulator -> Kafka, then raw");
                sim = simulated(props, serde, duration.toMillis(), trace);
                raw = raw(props, trace);
            } else {
                // raw needs the simulator's sizes: replay the previous round's trace (same seed: same sizes)
                System.err.println("bench produce: round " + round + ": raw, then simulator -> Kafka");
                raw = raw(props, lastTrace);
                sim = simulated(props, serde, duration.toMillis(), trace);
                if (trace.size != lastTrace.size) throw new IllegalStateException("simulator runs differ in size");
            }
            lastTrace = trace;
            renders.add(render);
            sims.add(sim);
            raws.add(raw);
            String r = String.valueOf(round);
            row(out, r, "simulator render + serialize (no Kafka)", render);
            row(out, r, "simulator -> Kafka", sim);
            row(out, r, "KafkaProducer byte[] (same sizes)", raw);
            out.printf("%-6s %-40s %10.3f%n", r, "ratio simulator / raw (records/s)", rate(sim) / rate(raw));
            out.flush();
        }
        long[] sim = medianRun(sims), raw = medianRun(raws), render = medianRun(renders);
        double[] ratios = new double[rounds];
        for (int i = 0; i < rounds; i++) ratios[i] = rate(sims.get(i)) / rate(raws.get(i));
        double ratio = median(ratios);
        double simEps = rate(sim), simMbs = sim[1] / 1e6 / (sim[2] / 1e9);
        out.printf(
                "bench produce: medians over %d rounds (%d records, %.1f MB, mean %.0f B/record per run)%n",
                rounds, sim[0], sim[1] / 1e6, sim[1] / (double) sim[0]);
        row(out, "median", "simulator render + serialize (no Kafka)", render);
        row(out, "median", "simulator -> Kafka", sim);
        row(out, "median", "KafkaProducer byte[] (same sizes)", raw);
        out.printf(
                "%-6s %-40s %10s%n",
                "",
                "per-round ratios",
                Arrays.stream(ratios).mapToObj(x -> String.format("%.3f", x)).toList());
        out.printf("RESULT produce events_per_s=%.0f mb_per_s=%.2f raw_ratio=%.3f%n", simEps, simMbs, ratio);
        out.flush();
        return 0;
    }

    private Trace lastTrace;

    private static double rate(long[] run) {
        return run[0] / (run[2] / 1e9);
    }

    /** The run with the median time (the upper middle one for an even count). */
    private static long[] medianRun(List<long[]> runs) {
        List<long[]> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Long.compare(a[2], b[2]));
        return sorted.get(sorted.size() / 2);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static void row(PrintWriter out, String round, String name, long[] r) {
        out.printf(
                "%-6s %-40s %10d %10.1f %10.2f %12.0f %9.2f%n",
                round, name, r[0], r[1] / 1e6, r[2] / 1e9, rate(r), r[1] / 1e6 / (r[2] / 1e9));
    }
}
