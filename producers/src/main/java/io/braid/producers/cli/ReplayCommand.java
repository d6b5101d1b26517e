package io.braid.producers.cli;

import io.braid.cli.support.HelpSections;
import io.braid.cli.support.ProgressLine;
import io.braid.producers.KafkaClients;
import io.braid.producers.record.Replayer;
import io.braid.registry.RegistryClients;
import io.braid.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `braid play` (paired with `record`): recordings back into Kafka, with the original timing, rescaled, or as fast as possible. */
@Command(
        name = "play",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Replay recorded files into Kafka (original, rescaled or fast timing).",
            "",
            "Replays recordings made by `braid record` (files or directories of <topic>.avro) into Kafka in timestamp",
            "order, keeping keys, values and timestamps. --speed 1 keeps the original spacing, 10 is ten times faster,",
            "--fast sends as fast as possible. With a registry, schemas are registered there and ids rewritten."
        })
public final class ReplayCommand implements Callable<Integer>, HelpSections.Declared {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Recording files or directories.")
    List<Path> inputs;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "localhost:9092",
            description = "Kafka. Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            defaultValue = "http://localhost:8081",
            description = "Registry to register writer schemas in and rewrite ids for ('none' keeps bytes as recorded)."
                    + " Default: ${DEFAULT-VALUE}.")
    String registryUrl;

    @Option(names = "--producer-config", description = "Properties file with extra Kafka producer settings.")
    Path producerConfig;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix for the target topics (e.g. replay.).")
    String topicPrefix;

    @Option(
            names = "--speed",
            defaultValue = "1.0",
            description = "Timing scale: 1 original, 2 twice as fast. Default: ${DEFAULT-VALUE}.")
    double speed;

    @Option(names = "--fast", description = "As fast as possible (ignores --speed).")
    boolean fast;

    @Option(names = "--from", description = "Only records with timestamp >= this (ISO-8601 instant or epoch ms).")
    String from;

    @Option(names = "--to", description = "Only records with timestamp < this (ISO-8601 instant or epoch ms).")
    String to;

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new CommandLine.ParameterException(
                    cmd, "--speed must be > 0, got " + speed + " (use --fast for no pacing)");
        }
        Long fromMs = RecordCommand.instant(cmd, "--from", from), toMs = RecordCommand.instant(cmd, "--to", to);
        List<Path> files = files(cmd);
        Map<String, Object> props = KafkaClients.producer(bootstrapServers, producerConfig);
        SchemaRegistryClient registry = null;
        if (registryUrl != null && !registryUrl.equalsIgnoreCase("none")) {
            Map<String, Object> rc = new HashMap<>(props);
            rc.put("schema.registry.url", registryUrl);
            registry = RegistryClients.create(rc);
        }
        Replayer.Result r;
        ProgressLine progress = ProgressLine.stderr(Duration.ZERO); // the replayer paces its lines
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            r = new Replayer(producer, registry, progress::update)
                    .replay(files, topicPrefix, fast ? 0 : speed, fromMs, toMs);
        } finally {
            progress.finish();
        }
        PrintWriter out = cmd.getOut();
        out.printf("replayed in %.1f s%n%-24s %10s%n", r.seconds(), "topic", "records");
        r.records().forEach((t, n) -> out.printf("%-24s %10d%n", t, n));
        out.flush();
        if (r.errors() > 0) {
            System.err.println("play: " + r.errors() + " sends failed; first: " + r.firstError());
            return 1;
        }
        return 0;
    }

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Connection", "--bootstrap-servers", "--schema-registry-url", "--producer-config")
                .add("What", "--from", "--to", "--topic-prefix")
                .add("Timing", "--speed", "--fast");
    }

    private List<Path> files(CommandLine cmd) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.toString().endsWith(".avro")).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new CommandLine.ParameterException(cmd, "no such recording: " + p);
            }
        }
        if (files.isEmpty()) throw new CommandLine.ParameterException(cmd, "no .avro recordings in " + inputs);
        return files;
    }
}
