package io.braid.trainer.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.avro.LinearHead;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.trainer.model.InferenceModel;
import io.braid.trainer.model.ModelStore;
import io.braid.trainer.score.ScoringBroker.TopicSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer that has only the published Avro schemas and the registry reads what the scorer writes: a plain
 * {@code KafkaConsumer<byte[], byte[]>}, the Confluent wire format parsed by hand, the writer schema fetched over the
 * registry's REST API, and Avro's {@link GenericDatumReader} with the schema files of the repository as reader schemas
 * (the current ones and the last released contract, v2). No Braid class is used on the reading side.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GenericConsumerIT {
    static final int SOURCES = 2, ROUNDS = 8, N = SOURCES * ROUNDS;
    static final Path SCHEMAS = Path.of("..", "schemas");
    static final List<String> LABELS = List.of("cube", "ball", "cone");

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aGenericAvroConsumerReadsEmbeddingsAndPredictionsWithThePublishedSchemas(KafkaBroker broker) throws Exception {
        ModelStore.Artifact comm = ScoringFixtures.checkpoint(dir.resolve("comm"), "comm", 11);
        SimulatedDataset data = ScoringFixtures.dataset(ROUNDS);
        List<String> sources = ScoringBroker.sources("cell", SOURCES);
        List<MultimodalWindow> produced = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) for (String s : sources) produced.add(ScoringFixtures.window(data, r, s));
        int dim;
        try (InferenceModel m = ScoringIT.model(comm, "v1")) {
            dim = m.embed(produced.get(0)).fused().length;
        }
        ModelVersion v1 = ScoringFixtures.version(comm, "v1", "comm", 0, ScoringFixtures.START + 7_000);
        v1.setHeads(List.of(head(dim)));

        try (EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            TopicSet t = TopicSet.create(broker, "it-score-generic");
            try (ScoringBroker.Producer p = new ScoringBroker.Producer(broker, registry.url(), t)) {
                produced.forEach(p::window);
                p.flush();
                p.publish(v1);
            }
            ScoringOptions o = ScoringBroker.options(
                    broker.bootstrapServers(), registry.url(), t, "it-score-generic", dir.resolve("state"));
            List<ConsumerRecord<byte[], byte[]>> embeddings, predictions;
            try (ScoringApp app = ScoringApp.start(
                    o, new Properties(), Duration.ofSeconds(60), m -> System.err.println("score: " + m))) {
                embeddings = readCommitted(broker, t.embeddings(), N);
                predictions = readCommitted(broker, t.predictions(), N);
            }

            GenericReader reader = new GenericReader(registry.url());
            Schema embedding = parse("src/main/avro", "common/Modality.avsc", "Embedding.avsc");
            Schema embeddingV2 = parse("released/v2", "common/Modality.avsc", "Embedding.avsc");
            Schema prediction = parse("src/main/avro", "Prediction.avsc");
            Schema predictionV2 = parse("released/v2", "Prediction.avsc");
            assertNull(embeddingV2.getField("stale"), "released v2 predates the stale flag");

            Map<String, MultimodalWindow> byId = new HashMap<>();
            for (MultimodalWindow w : produced) byId.put(w.getWindowId(), w);
            Map<String, Integer> seen = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : embeddings) {
                assertEquals(
                        "io.braid.avro.Embedding",
                        reader.writerSchema(r.value()).getFullName());
                for (Schema readerSchema : List.of(embedding, embeddingV2)) {
                    GenericRecord e = reader.decode(r.value(), readerSchema);
                    String id = e.get("window_id").toString();
                    MultimodalWindow w = byId.get(id);
                    assertNotNull(w, "an embedding of a window nobody produced: " + id);
                    assertEquals(w.getSourceId(), new String(r.key(), StandardCharsets.UTF_8));
                    assertEquals(w.getSourceId(), e.get("source_id").toString());
                    assertEquals(w.getWindowEnd().toEpochMilli(), e.get("window_end"));
                    assertEquals("v1", e.get("model_version").toString());
                    assertEquals(v1.getTrainedThrough().toEpochMilli(), e.get("model_trained_through"));
                    List<?> fused = (List<?>) e.get("fused");
                    assertEquals(dim, fused.size());
                    for (Object x : fused) assertTrue(Float.isFinite((Float) x));
                    assertEquals(
                            List.of("SENSOR", "VISION", "TEXT"),
                            ((List<?>) e.get("modalities_used"))
                                    .stream().map(Object::toString).toList());
                    if (readerSchema == embedding) {
                        assertEquals(false, e.get("stale"));
                        seen.merge(id, 1, Integer::sum);
                    }
                }
            }
            assertEquals(byId.keySet(), seen.keySet(), "every window has an embedding");
            assertEquals(N, embeddings.size(), "and only one: " + seen);

            Map<String, Integer> predicted = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : predictions) {
                assertEquals(
                        "io.braid.avro.Prediction",
                        reader.writerSchema(r.value()).getFullName());
                for (Schema readerSchema : List.of(prediction, predictionV2)) {
                    GenericRecord pr = reader.decode(r.value(), readerSchema);
                    String id = pr.get("window_id").toString();
                    assertTrue(byId.containsKey(id), id);
                    assertEquals("object", pr.get("task").toString());
                    assertEquals("v1", pr.get("model_version").toString());
                    assertEquals(v1.getTrainedThrough().toEpochMilli(), pr.get("model_trained_through"));
                    assertEquals(
                            LABELS,
                            ((List<?>) pr.get("class_labels"))
                                    .stream().map(Object::toString).toList());
                    List<?> probabilities = (List<?>) pr.get("probabilities");
                    assertEquals(LABELS.size(), probabilities.size());
                    double sum = 0;
                    int best = 0;
                    for (int k = 0; k < probabilities.size(); k++) {
                        float q = (Float) probabilities.get(k);
                        assertTrue(q >= 0 && q <= 1, id + ": " + probabilities);
                        sum += q;
                        if (q > (Float) probabilities.get(best)) best = k;
                    }
                    assertEquals(1.0, sum, 1e-5, id + ": " + probabilities);
                    assertEquals(best, pr.get("predicted"), id);
                    if (readerSchema == prediction) {
                        assertEquals(false, pr.get("stale"));
                        predicted.merge(id, 1, Integer::sum);
                    }
                }
            }
            assertEquals(byId.keySet(), predicted.keySet(), "every window has a prediction of the one head");
            assertEquals(N, predictions.size(), "and only one: " + predicted);
        }
    }

    /** A linear head over the fused vector with three classes, seeded. */
    static LinearHead head(int dim) {
        SplittableRandom r = new SplittableRandom(5);
        List<Float> mean = new ArrayList<>(), scale = new ArrayList<>(), weights = new ArrayList<>();
        for (int j = 0; j < dim; j++) {
            mean.add((float) r.nextGaussian());
            scale.add(1f + (float) r.nextDouble());
        }
        for (int i = 0; i < LABELS.size() * (dim + 1); i++) weights.add((float) r.nextGaussian());
        return new LinearHead("object", LABELS, mean, scale, weights, 0.9);
    }

    /** The schema of the last file, parsed after the files it references, from {@code schemas/<root>}. */
    static Schema parse(String root, String... files) throws Exception {
        Schema.Parser parser = new Schema.Parser();
        Schema last = null;
        for (String f : files)
            last = parser.parse(SCHEMAS.resolve(root).resolve(f).toFile());
        return last;
    }

    /** Every record of {@code topic}, read_committed from the beginning of each partition, until there are n. */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(KafkaBroker broker, String topic, int n) {
        Properties c = new Properties();
        c.put("bootstrap.servers", broker.bootstrapServers());
        c.put("isolation.level", "read_committed");
        c.put("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> k =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo pi : k.partitionsFor(topic)) tps.add(new TopicPartition(topic, pi.partition()));
            k.assign(tps);
            k.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < n) {
                assertTrue(System.nanoTime() < deadline, topic + ": " + out.size() + " of " + n + " after 60 s");
                k.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a little longer: anything beyond n would be a duplicate
            Map<TopicPartition, Long> end = k.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> k.position(tp) < end.get(tp)))
                k.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    /** The Confluent wire format by hand: magic byte 0, a 4-byte big-endian schema id, Avro binary. */
    static final class GenericReader {
        private final String registryUrl;
        private final HttpClient http = HttpClient.newHttpClient();
        private final ObjectMapper json = new ObjectMapper();
        private final Map<Integer, Schema> writers = new HashMap<>();

        GenericReader(String registryUrl) {
            this.registryUrl = registryUrl;
        }

        Schema writerSchema(byte[] value) {
            assertTrue(value.length > 5, "shorter than the wire header");
            ByteBuffer b = ByteBuffer.wrap(value);
            assertEquals(0, b.get(), "magic byte");
            int id = b.getInt();
            return writers.computeIfAbsent(id, this::fetch);
        }

        private Schema fetch(int id) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id))
                                .header("Accept", "application/vnd.schemaregistry.v1+json")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), "GET /schemas/ids/" + id + ": " + r.body());
                return new Schema.Parser()
                        .parse(json.readTree(r.body()).get("schema").asText());
            } catch (Exception e) {
                throw new AssertionError("schema " + id + " from the registry: " + e, e);
            }
        }

        GenericRecord decode(byte[] value, Schema reader) {
            Schema writer = writerSchema(value);
            try {
                return new GenericDatumReader<GenericRecord>(writer, reader)
                        .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
            } catch (java.io.IOException e) {
                throw new AssertionError("undecodable with " + reader.getFullName() + ": " + e, e);
            }
        }
    }
}
