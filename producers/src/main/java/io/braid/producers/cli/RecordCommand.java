package io.braid.producers.cli;

import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.Durations;
import io.braid.cli.support.HelpSections;
import io.braid.cli.support.ProgressLine;
import io.braid.producers.KafkaClients;
import io.braid.producers.StreamTopics;
import io.braid.producers.bag.Mcap;
import io.braid.producers.record.McapRecorder;
import io.braid.producers.record.Recorder;
import io.braid.registry.RegistryClients;
import io.braid.registry.SchemaRegistryClient;
import io.braid.serde.SerdeConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `braid record`: topics into Avro container files (one per topic), Kafka timestamps and offsets kept; or, with
 * {@code --format mcap}, the robot records as ROS 2 messages in one MCAP file ({@link McapRecorder}).
 */
@Command(
        name = "record",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Record topics into Avro container files (one per topic).",
            "",
            "Records topics into Avro container files, one per topic (<dir>/<topic>.avro), keeping partition, offset,",
            "timestamp, key and the value bytes as on the wire; the writer schemas are stored for replay elsewhere.",
            "Reads from the beginning (or --from) to the end offsets at start, or --follow for a while.",
            "With --format mcap: one MCAP file (--output, e.g. run.mcap) of ROS 2 messages instead: sensor chunks as",
            "sensor_msgs/msg/Imu per sample (channels 0..5 -> linear_acceleration.x..z, angular_velocity.x..z), frames as",
            "sensor_msgs/msg/Image (rgb8, mono8) or CompressedImage (png, jpeg), text as std_msgs/msg/String, one topic per",
            "source and kind, plus <name>.map.yaml for `braid import --bag run.mcap --map run.map.yaml`, which gives the",
            "same source ids, channel names, frames and lines back."
        })
public final class RecordCommand implements Callable<Integer>, HelpSections.Declared {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "localhost:9092",
            description = "Kafka. Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            defaultValue = "http://localhost:8081",
            description = "Registry to fetch writer schemas from ('none' to skip). Default: ${DEFAULT-VALUE}.")
    String registryUrl;

    @Option(names = "--consumer-config", description = "Properties file with extra Kafka consumer settings.")
    Path consumerConfig;

    @Option(
            names = "--topics",
            split = ",",
            description = "Topics to record. Default: robot.sensor,robot.vision,robot.text,robot.labels.")
    List<String> topics;

    @Option(
            names = {"--output", "-o"},
            required = true,
            description = "Directory for the recording (avro), or the .mcap file (mcap).")
    Path output;

    /** What the recording is written as. */
    public enum Format {
        AVRO,
        MCAP
    }

    @Option(
            names = "--format",
            defaultValue = "AVRO",
            description = "AVRO (container files of the records as on the wire) or MCAP (ROS 2 messages, for ROS tools"
                    + " and `braid import`). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(
            names = "--compression",
            defaultValue = "ZSTD",
            description = "MCAP chunk compression: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Mcap.Compression compression;

    @Option(names = "--from", description = "Only records with timestamp >= this (ISO-8601 instant or epoch ms).")
    String from;

    @Option(names = "--to", description = "Only records with timestamp < this (ISO-8601 instant or epoch ms).")
    String to;

    @Option(
            names = "--follow",
            converter = DurationConverter.class,
            description = "Keep recording new records for this long instead of stopping at the current end.")
    Duration follow;

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        Long fromMs = instant(cmd, "--from", from), toMs = instant(cmd, "--to", to);
        if (fromMs != null && toMs != null && toMs <= fromMs) {
            throw new CommandLine.ParameterException(cmd, "--to must be after --from");
        }
        if (follow != null && follow.isZero()) throw new CommandLine.ParameterException(cmd, "--follow must be > 0");
        List<String> ts = topics == null || topics.isEmpty() ? StreamTopics.INPUTS : topics;
        Map<String, Object> props = KafkaClients.consumer(bootstrapServers, consumerConfig);
        SchemaRegistryClient registry = null;
        if (registryUrl != null && !registryUrl.equalsIgnoreCase("none")) {
            Map<String, Object> rc = new HashMap<>(props);
            rc.put("schema.registry.url", registryUrl);
            registry = RegistryClients.create(rc);
        }
        ProgressLine progress = ProgressLine.stderr(Duration.ZERO); // the recorder paces its lines
        if (format == Format.MCAP) return mcap(cmd, ts, props, fromMs, toMs, progress);
        Recorder.Result r;
        try {
            r = new Recorder(props, registry, progress::update).record(ts, output, fromMs, toMs, follow);
        } finally {
            progress.finish();
        }
        PrintWriter out = cmd.getOut();
        out.printf("%-24s %10s  %s%n", "topic", "records", "file");
        for (String t : r.records().keySet())
            out.printf("%-24s %10d  %s%n", t, r.records().get(t), r.files().get(t));
        out.flush();
        return 0;
    }

    private int mcap(
            CommandLine cmd, List<String> ts, Map<String, Object> props, Long fromMs, Long toMs, ProgressLine progress)
            throws Exception {
        if (registryUrl == null || registryUrl.equalsIgnoreCase("none")) {
            throw new CommandLine.ParameterException(cmd, "--format mcap decodes the records: it needs the registry");
        }
        if (java.nio.file.Files.isDirectory(output)) {
            throw new CommandLine.ParameterException(
                    cmd, "--format mcap writes one file: --output names it (run.mcap)");
        }
        Map<String, Object> serde = new HashMap<>(props);
        serde.put(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        McapRecorder.Result r;
        try {
            r = new McapRecorder(props, serde, progress::update).record(ts, output, fromMs, toMs, follow, compression);
        } finally {
            progress.finish();
        }
        PrintWriter out = cmd.getOut();
        out.printf("%-40s %10s%n", "ROS topic", "messages");
        r.messages().forEach((t, n) -> out.printf("%-40s %10d%n", t, n));
        out.println("records read: " + r.records() + ", skipped: " + r.skipped());
        out.println("wrote " + output + " and " + r.mapping());
        out.println("import it with: braid import --bag " + output + " --map " + r.mapping());
        out.flush();
        return 0;
    }

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Connection", "--bootstrap-servers", "--schema-registry-url", "--consumer-config")
                .add("What", "--topics", "--from", "--to", "--follow")
                .add("Output", "--output", "--format", "--compression");
    }

    static Long instant(CommandLine cmd, String name, String value) {
        if (value == null) return null;
        try {
            return Durations.parseInstant(value, System.currentTimeMillis());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, name + ": " + e.getMessage());
        }
    }
}
