package io.braid.producers.cli;

import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.HelpSections;
import io.braid.cli.support.ProgressLine;
import io.braid.producers.KafkaClients;
import io.braid.producers.ProduceRunner;
import io.braid.producers.StreamTopics;
import io.braid.producers.sim.Malformation;
import io.braid.producers.sim.SimStream;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.producers.sim.SimulatorStats;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `braid produce`: simulated robots into Kafka (robot.sensor, robot.vision, robot.text, robot.labels). */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Simulated robots into Kafka: sensor, camera, text and segment labels.",
            "",
            "Simulates robots (notes/methods.md §6) and produces their sensor chunks, camera frames, text lines and",
            "segment labels to Kafka with registered Avro schemas (Confluent wire format), key = robot id.",
            "Prints a rate line every few seconds on stderr and, at the end, the counts per topic and a line",
            "'benchmark p_bias=... color_rule=... sensor_noise=... pixel_noise=... segment_ticks=MIN-MAX'."
        })
public final class ProduceCommand implements Callable<Integer>, HelpSections.Declared {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            defaultValue = "http://localhost:8081",
            description =
                    "Confluent-compatible schema registry (http(s)://..., or mock://scope in-process). Default: ${DEFAULT-VALUE}.")
    String registryUrl;

    @Option(
            names = "--producer-config",
            description = "Properties file with extra Kafka producer (and registry client) settings, e.g. security.")
    Path producerConfig;

    @Mixin
    SimulatorMixin sim;

    @Option(
            names = "--realtime",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Pace sends to event time (default); --fast or --no-realtime sends as fast as possible.")
    boolean realtime;

    @Option(names = "--fast", description = "Send as fast as possible (same as --no-realtime).")
    boolean fast;

    @Option(
            names = "--create-topics",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Create missing input topics from the topic catalog. Default: ${DEFAULT-VALUE}.")
    boolean createTopics;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of created topics. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--replication-factor",
            defaultValue = "1",
            description = "Replication factor of created topics. Default: ${DEFAULT-VALUE}.")
    short replicationFactor;

    @Option(
            names = "--progress-every",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Interval of the live rate line on stderr (0 = none); redrawn in place on a terminal."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration progressEvery;

    @Override
    public Integer call() throws Exception {
        SimulatorOptions options = validated();
        Map<String, Object> props = KafkaClients.producer(bootstrapServers, producerConfig);
        if (createTopics) createInputTopics(props);
        PrintWriter out = spec.commandLine().getOut();
        ProduceRunner.Result r;
        // the runner paces the rate line itself; the ProgressLine only decides between redraw and plain lines
        ProgressLine progress = ProgressLine.stderr(Duration.ZERO);
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(props);
                ConfluentAvroSerializer<Object> ser = new ConfluentAvroSerializer<>(null, serdeConfig(props), false)) {
            ProduceRunner runner = new ProduceRunner(
                    options, producer, ser, realtime && !fast, progressEvery.toMillis(), progress::update);
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                runner.stop();
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                r = runner.run();
            } finally {
                progress.finish();
                done.countDown();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for us
            }
        }
        printSummary(out, options, r);
        if (r.errors() > 0) {
            System.err.println("produce: " + r.errors() + " sends failed; first: " + r.firstError());
            return 1;
        }
        return 0;
    }

    SimulatorOptions validated() {
        CommandLine cmd = spec.commandLine();
        if (partitions < 1) throw new CommandLine.ParameterException(cmd, "--partitions must be >= 1");
        if (replicationFactor < 1) throw new CommandLine.ParameterException(cmd, "--replication-factor must be >= 1");
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new CommandLine.ParameterException(cmd, "--bootstrap-servers must not be empty");
        }
        if (registryUrl == null || !registryUrl.matches("(?i)(https?://|mock://).+")) {
            throw new CommandLine.ParameterException(
                    cmd,
                    "--schema-registry-url must start with http://, https:// or mock://, got '" + registryUrl + "'");
        }
        return sim.toOptions(cmd, System.currentTimeMillis());
    }

    private Map<String, Object> serdeConfig(Map<String, Object> props) {
        Map<String, Object> c = new HashMap<>(props);
        c.put(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        c.putIfAbsent(SerdeConfig.AUTO_REGISTER_SCHEMAS, "true");
        return c;
    }

    private void createInputTopics(Map<String, Object> producerProps) {
        Map<String, Object> adminProps = new HashMap<>();
        producerProps.forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) adminProps.put(k, v);
        });
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(adminProps)) {
            TopicCatalog.ensure(admin, StreamTopics.inputSpecs(partitions, replicationFactor));
        }
    }

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Connection", "--bootstrap-servers", "--schema-registry-url", "--producer-config")
                .add("Topics", "--create-topics", "--partitions", "--replication-factor")
                .add("Sending", "--realtime", "--fast")
                .add("Output", "--progress-every");
    }

    static void printSummary(PrintWriter out, SimulatorOptions o, ProduceRunner.Result r) {
        SimulatorStats st = r.stats();
        out.printf(
                "produced %d records (%.2f MB) from %d robots over %.1f s of event time in %.1f s%n",
                r.totalRecords(), r.totalBytes() / 1e6, o.robots(), o.durationMs() / 1000.0, r.seconds());
        out.printf("%-14s %10s %12s%n", "topic", "records", "bytes");
        for (String t : r.records().keySet()) {
            out.printf("%-14s %10d %12d%n", t, r.records().get(t), r.bytes().get(t));
        }
        StringBuilder faults = new StringBuilder();
        for (SimStream s : SimStream.values()) {
            if (st.dropped(s) > 0)
                faults.append(" dropped_")
                        .append(StreamTopics.of(s))
                        .append('=')
                        .append(st.dropped(s));
        }
        for (Malformation m : Malformation.values()) {
            if (st.malformed(m) > 0)
                faults.append(" malformed_").append(m).append('=').append(st.malformed(m));
        }
        if (st.duplicates() > 0) faults.append(" duplicates=").append(st.duplicates());
        if (st.late() > 0) faults.append(" late=").append(st.late());
        if (st.outOfOrder() > 0) faults.append(" out_of_order=").append(st.outOfOrder());
        out.println("segments=" + st.segments() + (faults.length() == 0 ? " faults=none" : faults.toString()));
        out.println("benchmark " + o.benchmarkConfig());
        out.flush();
    }
}
