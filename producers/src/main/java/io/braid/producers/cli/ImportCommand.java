package io.braid.producers.cli;

import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.Durations;
import io.braid.cli.support.HelpSections;
import io.braid.cli.support.ProgressLine;
import io.braid.producers.KafkaClients;
import io.braid.producers.StreamTopics;
import io.braid.producers.bag.BagFiles;
import io.braid.producers.bag.BagMetadata;
import io.braid.producers.bag.BagReader;
import io.braid.producers.imports.BagImporter;
import io.braid.producers.imports.ImportMapping;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `braid import`: a ROS 2 bag (MCAP or SQLite3) into robot.sensor, robot.vision and robot.text. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Import a ROS 2 bag (MCAP or SQLite3, split bags too) into Braid's input topics.",
            "",
            "Decodes each message with the definition the bag carries (CDR), maps its topic by the mapping file or the",
            "defaults by type (String/Log -> robot.text, Imu -> robot.sensor chunks, Image/CompressedImage ->",
            "robot.vision) and produces Avro records keyed by source id. A message that cannot be decoded or mapped",
            "goes to mm.dlq with its reason and the import goes on. Prints a progress line on stderr and the counts",
            "per topic at the end; --dry-run only prints what each topic would become."
        })
public final class ImportCommand implements Callable<Integer>, HelpSections.Declared {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--bag",
            required = true,
            description = "The bag: a rosbag2 directory (metadata.yaml), or one .mcap or .db3 file.")
    Path bag;

    @Option(names = "--map", description = "Mapping file (YAML): topics to modalities, source ids, channels, sizes.")
    Path map;

    @Option(names = "--source-id", description = "Default source id (Kafka key). Default: the bag's name.")
    String sourceId;

    @Option(
            names = "--time",
            description = "Event time from the message's header stamp (HEADER; log time when it has none) or the"
                    + " bag's log time (LOG). Default: the mapping's, else HEADER.")
    ImportMapping.TimeSource time;

    @Option(
            names = "--rate",
            defaultValue = "fast",
            description =
                    "Pace: 'original' (as recorded), a factor (2 = twice as fast) or 'fast'. Default: ${DEFAULT-VALUE}.")
    String rate;

    @Option(
            names = "--from",
            description = "Only messages logged at or after this: an offset from the bag's start (10s, 1m30s) or an"
                    + " instant (ISO-8601 or epoch ms).")
    String from;

    @Option(names = "--to", description = "Only messages logged before this (same forms as --from).")
    String to;

    @Option(names = "--dry-run", description = "Read and decode the bag, print its topics and what each would become.")
    boolean dryRun;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            defaultValue = "http://localhost:8081",
            description =
                    "Confluent-compatible schema registry (http(s)://... or mock://scope). Default: ${DEFAULT-VALUE}.")
    String registryUrl;

    @Option(names = "--producer-config", description = "Properties file with extra Kafka producer settings.")
    Path producerConfig;

    @Option(
            names = "--create-topics",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Create missing input topics and mm.dlq from the topic catalog. Default: ${DEFAULT-VALUE}.")
    boolean createTopics;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of created topics. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--topic-prefix",
            defaultValue = "",
            description = "Prefix of every topic written (a namespace for trials and tests). Default: none.")
    String topicPrefix;

    @Option(
            names = "--progress-every",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Interval of the progress line on stderr (0 = none). Default: ${DEFAULT-VALUE}.")
    Duration progressEvery;

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        double pace = pace(cmd, rate);
        String defaultSource = sourceId != null ? sourceId : bagName(bag);
        ImportMapping mapping =
                map == null ? ImportMapping.defaults(defaultSource) : ImportMapping.read(map, defaultSource);
        if (sourceId != null) mapping = mapping.withSourceId(sourceId);
        if (time != null) mapping = mapping.withTime(time);
        BagMetadata meta = BagFiles.metadata(bag);
        long startNs = meta != null && meta.startNs() > 0 ? meta.startNs() : firstLogTime(bag);
        long fromNs = bound(cmd, "--from", from, startNs, Long.MIN_VALUE);
        long toNs = bound(cmd, "--to", to, startNs, Long.MAX_VALUE);
        if (toNs <= fromNs) throw new CommandLine.ParameterException(cmd, "--to must be after --from");
        long total = meta != null && from == null && to == null ? meta.messageCount() : 0;

        PrintWriter out = cmd.getOut();
        ProgressLine progress = ProgressLine.stderr(Duration.ZERO);
        BagImporter.Result r;
        if (dryRun) {
            BagImporter imp =
                    new BagImporter(mapping, (t, k, ts, v) -> {}, 0, true, progressEvery.toMillis(), progress::update);
            try (BagReader reader = BagFiles.open(bag, fromNs, toNs, imp::problem)) {
                r = imp.run(reader, total);
            } finally {
                progress.finish();
            }
            printSummary(out, bag, r, true);
            return 0;
        }
        Map<String, Object> props = KafkaClients.producer(bootstrapServers, producerConfig);
        if (createTopics) createTopics(props);
        Map<String, Object> serde = new HashMap<>(props);
        serde.put(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        serde.putIfAbsent(SerdeConfig.AUTO_REGISTER_SCHEMAS, "true");
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(props);
                ConfluentAvroSerializer<Object> ser = new ConfluentAvroSerializer<>(null, serde, false)) {
            BagImporter.Sink sink = (topic, key, ts, value) -> producer.send(
                    new ProducerRecord<>(
                            topicPrefix + topic,
                            null,
                            ts,
                            key.getBytes(StandardCharsets.UTF_8),
                            ser.serialize(topicPrefix + topic, value)),
                    (md, ex) -> {
                        if (ex != null) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, ex.toString());
                        }
                    });
            BagImporter imp = new BagImporter(mapping, sink, pace, false, progressEvery.toMillis(), progress::update);
            try (BagReader reader = BagFiles.open(bag, fromNs, toNs, imp::problem)) {
                r = imp.run(reader, total);
            } finally {
                progress.finish();
                producer.flush();
            }
        }
        printSummary(out, bag, r, false);
        if (errors.get() > 0) {
            cmd.getErr().println("import: " + errors.get() + " sends failed; first: " + firstError.get());
            return 1;
        }
        return 0;
    }

    static double pace(CommandLine cmd, String rate) {
        if (rate.equalsIgnoreCase("fast")) return 0;
        if (rate.equalsIgnoreCase("original")) return 1;
        try {
            double f = Double.parseDouble(rate);
            if (f > 0 && Double.isFinite(f)) return f;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new CommandLine.ParameterException(
                cmd, "--rate must be original, fast or a factor > 0, got '" + rate + "'");
    }

    static String bagName(Path bag) {
        String n = bag.toAbsolutePath().normalize().getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static long firstLogTime(Path bag) throws java.io.IOException {
        try (BagReader r = BagFiles.open(bag, Long.MIN_VALUE, Long.MAX_VALUE, p -> {})) {
            var m = r.next();
            return m == null ? 0 : m.logTimeNs();
        } catch (java.io.IOException e) {
            return 0; // the import itself reports what is wrong with the bag
        }
    }

    /** An offset from the bag's start (10s) or an instant (ISO-8601, epoch ms), in ns. */
    static long bound(CommandLine cmd, String name, String value, long startNs, long none) {
        if (value == null) return none;
        try {
            if (value.matches("(?i)[0-9.]+(ms|s|m|h)([0-9.]+(ms|s|m|h))*|PT.*")) {
                return startNs + Durations.parse(value).toNanos();
            }
            return Durations.parseInstant(value, System.currentTimeMillis()) * 1_000_000L;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, name + ": " + e.getMessage());
        }
    }

    private void createTopics(Map<String, Object> producerProps) {
        Map<String, Object> adminProps = new HashMap<>();
        producerProps.forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) adminProps.put(k, v);
        });
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        List<TopicSpec> specs = new ArrayList<>(StreamTopics.inputSpecs(partitions, (short) 1));
        TopicCatalog.all(partitions, (short) 1).stream()
                .filter(t -> t.name().equals(TopicCatalog.DLQ))
                .forEach(specs::add);
        List<TopicSpec> named = specs.stream()
                .map(t -> new TopicSpec(topicPrefix + t.name(), t.partitions(), t.replicationFactor(), t.configs()))
                .toList();
        try (Admin admin = Admin.create(adminProps)) {
            TopicCatalog.ensure(admin, named);
        }
    }

    static void printSummary(PrintWriter out, Path bag, BagImporter.Result r, boolean dryRun) {
        out.printf(
                "%s %s: %d messages over %.3f s of log time, %d records, %d dead letters, in %.1f s%n",
                dryRun ? "dry run of" : "imported",
                bag,
                r.messages(),
                r.messages() == 0 ? 0.0 : (r.lastNs() - r.firstNs()) / 1e9,
                r.records().entrySet().stream()
                        .filter(e -> !e.getKey().equals(TopicCatalog.DLQ))
                        .mapToLong(Map.Entry::getValue)
                        .sum(),
                r.deadLetters(),
                r.seconds());
        out.printf(
                "%-28s %-34s %8s %8s %6s %6s  %s%n",
                "ros topic", "type", "messages", "records", "dlq", "skip", "becomes");
        r.topics()
                .forEach((t, c) -> out.printf(
                        "%-28s %-34s %8d %8d %6d %6d  %s%n",
                        t, c.type, c.read, c.records, c.deadLetters, c.skipped, c.becomes));
        out.printf("%-14s %10s%n", "braid topic", "records");
        r.records().forEach((t, n) -> out.printf("%-14s %10d%n", t, n));
        if (!r.deadLetterReasons().isEmpty()) out.println("dead letters by reason: " + r.deadLetterReasons());
        out.flush();
    }

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Bag", "--bag", "--from", "--to", "--dry-run")
                .add("Mapping", "--map", "--source-id", "--time")
                .add("Sending", "--rate")
                .add("Connection", "--bootstrap-servers", "--schema-registry-url", "--producer-config")
                .add("Topics", "--create-topics", "--partitions", "--topic-prefix")
                .add("Output", "--progress-every");
    }
}
