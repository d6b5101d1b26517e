package io.braid.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.Embedding;
import io.braid.avro.ModelVersion;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.cli.BraidCli;
import io.braid.topics.TopicCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The demo end to end: stack (on a broker that outlives the demo, so mm.models can be read back), robots with faults,
 * the Flink job, the online trainer, the scorer, the report, the savepoint.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DemoIT {
    static final int ROBOTS = 8, SECONDS = 20;

    @Test
    @Timeout(300)
    void demoStreamsRobotsThroughTheJobTrainsOnlineAndPublishesVersions(KafkaBroker broker, @TempDir Path tmp)
            throws Exception {
        CommandLine cli = BraidCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute(
                "demo",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--state-dir",
                tmp.resolve("state").toString(),
                "--model-dir",
                tmp.resolve("models").toString(),
                "--duration",
                SECONDS + "s",
                "--robots",
                Integer.toString(ROBOTS),
                "--malformed",
                "0.05",
                "--checkpoint-interval-ms",
                "500",
                "--train-batch-size",
                "8",
                "--version-every",
                "4s");
        String text = out.toString();
        assertEquals(0, code, text);
        assertTrue(text.contains("demo report"), text);
        Matcher windows = Pattern.compile("mm\\.windows\\s+(\\d+) records").matcher(text);
        assertTrue(windows.find(), text);
        int committed = Integer.parseInt(windows.group(1));
        // robots x seconds one-second windows; the newest ones stay open (no later data moves the watermark)
        assertTrue(
                committed >= ROBOTS * (SECONDS - 6) && committed <= ROBOTS * SECONDS,
                "committed windows " + committed + "\n" + text);
        assertTrue(text.contains("windows emitted"), text);
        Matcher dlq = Pattern.compile("mm\\.dlq\\s+(\\d+) records").matcher(text);
        assertTrue(dlq.find() && Integer.parseInt(dlq.group(1)) > 0, "malformed records must reach mm.dlq\n" + text);
        assertTrue(text.contains("trainer metrics http://localhost:"), text);
        assertTrue(text.contains("stopped with savepoint"), text);

        // the trainer's versions, read back from mm.models: at least two, in step order, each with offsets
        List<ModelVersion> versions = readModels(broker.clientProps());
        assertTrue(versions.size() >= 2, "versions on mm.models: " + versions.size() + "\n" + text);
        for (int i = 0; i < versions.size(); i++) {
            ModelVersion v = versions.get(i);
            assertEquals("comm", v.getObjective());
            assertTrue(!v.getOffsets().isEmpty() && v.getTrainedThrough().toEpochMilli() > 0, v.toString());
            assertTrue(text.contains(v.getVersion()), "the report lists " + v.getVersion() + "\n" + text);
            if (i > 0)
                assertTrue(
                        v.getMetrics().get("steps")
                                > versions.get(i - 1).getMetrics().get("steps"),
                        v.toString());
        }
        Matcher trainer = Pattern.compile("trainer: (\\d+) steps, (\\d+) pairs").matcher(text);
        assertTrue(trainer.find() && Long.parseLong(trainer.group(2)) > 0, text);

        // the scorer's embeddings, read back read_committed: scored with versions the trainer published
        Set<String> published = versions.stream().map(ModelVersion::getVersion).collect(Collectors.toSet());
        List<Embedding> embeddings = read(broker.clientProps(), TopicCatalog.EMBEDDINGS, Embedding.class);
        assertTrue(!embeddings.isEmpty(), "no embeddings on mm.embeddings\n" + text);
        Map<String, Long> byVersion = new TreeMap<>();
        for (Embedding e : embeddings) {
            assertTrue(
                    published.contains(e.getModelVersion()),
                    "embedding " + e.getWindowId() + " scored with " + e.getModelVersion()
                            + ", not a published version " + published);
            assertEquals(64, e.getFused().size(), e.getWindowId());
            byVersion.merge(e.getModelVersion(), 1L, Long::sum);
        }
        Matcher scorer = Pattern.compile("scorer: (\\d+) windows scored").matcher(text);
        assertTrue(scorer.find() && Long.parseLong(scorer.group(1)) > 0, text);
        assertTrue(embeddings.size() <= committed, embeddings.size() + " embeddings > " + committed + " windows");
        for (String v : byVersion.keySet()) assertTrue(text.contains(v + " ("), "the report names " + v + "\n" + text);
    }

    /** mm.models from the beginning (assign + seek, no group); values in the Confluent wire format. */
    static List<ModelVersion> readModels(Properties clientProps) {
        return read(clientProps, TopicCatalog.MODELS, ModelVersion.class);
    }

    /** A topic from the beginning, read_committed (assign + seek, no group); values in the Confluent wire format. */
    static <T> List<T> read(Properties clientProps, String topic, Class<T> type) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> out = new ArrayList<>();
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            var end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline)
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    ByteBuffer b = ByteBuffer.wrap(r.value());
                    assertEquals(0, b.get(), "Confluent magic byte");
                    b.getInt(); // schema id
                    try {
                        out.add(reader.read(
                                null, DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null)));
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                }
        }
        return out;
    }
}
