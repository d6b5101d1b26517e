package io.braid.producers.cli;

import io.braid.broker.EmbeddedKafkaBroker;
import io.braid.broker.KafkaBroker;
import io.braid.broker.TopicCatalog;
import io.braid.broker.TopicSpec;
import io.braid.producers.KafkaClients;
import io.braid.producers.ProduceRunner;
import io.braid.producers.Topics;
import io.braid.producers.sim.FleetSimulator;
import io.braid.producers.sim.SimEvent;
import io.braid.producers.sim.SimStream;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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
public final class BenchProduceCommand implements Callable<Integer> {
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
            defaultValue = "120s",
            converter = Durations.Converter.class,
            description = "Simulated event time per measured run. Default: ${DEFAULT-VALUE}.")
    long durationMs;

    @Option(
            names = "--warmup",
            defaultValue = "60s",
            converter = Durations.Converter.class,
            description = "Simulated event time of the warm-up runs (0 = none). Default: ${DEFAULT-VALUE}.")
    long warmupMs;

    @Option(
            names = "--rounds",
            defaultValue = "2",
            description =
                    "Measured rounds, alternating simulator and raw; the best of each counts. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--frame-encoding",
            defaultValue = "RAW_U8",
            description = "RAW_U8 or PNG. Default: ${DEFAULT-VALUE}.")
    io.braid.avro.FrameEncoding frameEncoding;

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        if (robots < 1) throw new CommandLine.ParameterException(cmd, "--robots must be >= 1, got " + robots);
        if (durationMs <= 0) throw new CommandLine.ParameterException(cmd, "--duration must be > 0");
        if (rounds < 1) throw new CommandLine.ParameterException(cmd, "--rounds must be >= 1");
        if (warmupMs < 0) throw new CommandLine.ParameterException(cmd, "--warmup must be >= 0");
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

    /** One measured simulator run; returns {records, bytes, nanos} and fills the size trace. */
    private long[] simulated(Map<String, Object> props, Map<String, Object> serde, long duration, List<int[]> trace)
            throws Exception {
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(props);
                ConfluentAvroSerializer<Object> ser = new ConfluentAvroSerializer<>(null, serde, false)) {
            ProduceRunner runner = new ProduceRunner(options(duration), producer, ser, false, 0, null)
                    .topics(s -> "bench.sim." + Topics.of(s));
            if (trace != null) runner.tap((s, r, n) -> trace.add(new int[] {s.ordinal(), r, n}));
            long t0 = System.nanoTime();
            ProduceRunner.Result r = runner.run();
            long ns = System.nanoTime() - t0;
            if (r.errors() > 0) throw new IllegalStateException("sends failed: " + r.firstError());
            return new long[] {r.totalRecords(), r.totalBytes(), ns};
        }
    }

    /** KafkaProducer alone: the same sizes, topics and keys as the trace, payloads prepared up front. */
    private static long[] raw(Map<String, Object> props, List<int[]> trace) {
        SimStream[] streams = SimStream.values();
        String[] topics = new String[streams.length];
        for (SimStream s : streams) topics[s.ordinal()] = "bench.raw." + Topics.of(s);
        Map<Integer, byte[]> payloads = new HashMap<>();
        SplittableRandom rng = new SplittableRandom(1);
        Map<Integer, byte[]> keys = new HashMap<>();
        for (int[] t : trace) {
            payloads.computeIfAbsent(t[2], n -> {
                byte[] b = new byte[n];
                rng.nextBytes(b);
                return b;
            });
            keys.computeIfAbsent(t[1], r -> FleetSimulator.sourceId(r).getBytes(StandardCharsets.UTF_8));
        }
        long bytes = 0;
        long t0 = System.nanoTime();
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int[] t : trace) {
                producer.send(new ProducerRecord<>(topics[t[0]], null, keys.get(t[1]), payloads.get(t[2])));
                bytes += t[2];
            }
            producer.flush();
        }
        return new long[] {trace.size(), bytes, System.nanoTime() - t0};
    }

    /** Render + serialize only (no Kafka), to show where time goes. */
    private long[] renderOnly(Map<String, Object> serde, long duration) {
        try (ConfluentAvroSerializer<Object> ser = new ConfluentAvroSerializer<>(null, serde, false)) {
            FleetSimulator sim = new FleetSimulator(options(duration));
            long n = 0, bytes = 0, t0 = System.nanoTime();
            for (SimEvent e = sim.next(); e != null; e = sim.next()) {
                bytes += ser.serialize("bench.sim." + Topics.of(e.stream()), e.record()).length;
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
            for (TopicSpec t : Topics.inputSpecs(4, (short) 1)) {
                specs.add(new TopicSpec("bench.sim." + t.name(), t.partitions(), t.replicationFactor(), t.configs()));
                specs.add(new TopicSpec("bench.raw." + t.name(), t.partitions(), t.replicationFactor(), t.configs()));
            }
            TopicCatalog.ensure(admin, specs);
        }
        if (warmupMs > 0) {
            System.err.println("bench produce: warm-up");
            List<int[]> warm = new ArrayList<>();
            simulated(props, serde, warmupMs, warm);
            raw(props, warm);
        }
        System.err.println("bench produce: render + serialize only");
        long[] render = renderOnly(serde, durationMs);
        long[] sim = null, raw = null;
        for (int round = 1; round <= rounds; round++) {
            System.err.println("bench produce: round " + round + ": simulator -> Kafka");
            List<int[]> trace = new ArrayList<>();
            long[] s = simulated(props, serde, durationMs, trace);
            System.err.println("bench produce: round " + round + ": KafkaProducer byte[] with the same sizes");
            long[] r = raw(props, trace);
            if (sim == null || s[2] < sim[2]) sim = s;
            if (raw == null || r[2] < raw[2]) raw = r;
        }

        double simEps = sim[0] / (sim[2] / 1e9), simMbs = sim[1] / 1e6 / (sim[2] / 1e9);
        double rawEps = raw[0] / (raw[2] / 1e9), rawMbs = raw[1] / 1e6 / (raw[2] / 1e9);
        double renderEps = render[0] / (render[2] / 1e9), renderMbs = render[1] / 1e6 / (render[2] / 1e9);
        out.printf(
                "bench produce: %d robots, %.0f s of event time (%d records, %.1f MB, mean %.0f B/record), %s frames,"
                        + " %d cores%n",
                robots,
                durationMs / 1000.0,
                sim[0],
                sim[1] / 1e6,
                sim[1] / (double) sim[0],
                frameEncoding,
                Runtime.getRuntime().availableProcessors());
        out.printf("%-40s %10s %10s %10s %12s %9s%n", "run", "records", "MB", "seconds", "records/s", "MB/s");
        row(out, "simulator render + serialize (no Kafka)", render, renderEps, renderMbs);
        row(out, "simulator -> Kafka", sim, simEps, simMbs);
        row(out, "KafkaProducer byte[] (same sizes)", raw, rawEps, rawMbs);
        double ratio = simEps / rawEps;
        out.printf("RESULT produce events_per_s=%.0f mb_per_s=%.2f raw_ratio=%.3f%n", simEps, simMbs, ratio);
        out.flush();
        return 0;
    }

    private static void row(PrintWriter out, String name, long[] r, double eps, double mbs) {
        out.printf("%-40s %10d %10.1f %10.2f %12.0f %9.2f%n", name, r[0], r[1] / 1e6, r[2] / 1e9, eps, mbs);
    }
}
