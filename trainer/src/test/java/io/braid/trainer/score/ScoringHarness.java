package io.braid.trainer.score;

import io.braid.avro.DeadLetter;
import io.braid.avro.Embedding;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Prediction;
import io.braid.registry.RegistryClients;
import io.braid.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The scoring topology on a {@link TopologyTestDriver} with an in-process registry ({@code mock://} scope of its own)
 * and a synchronous {@link ModelSource}: a version piped to mm.models is loaded (or refused) before pipeModel returns,
 * and the batch punctuator runs on {@link #tick()}, so tests are deterministic without sleeps.
 */
final class ScoringHarness implements AutoCloseable {
    final ScoringOptions options;
    final ScoringMetrics metrics = new ScoringMetrics();
    final ModelSource models;
    final TopologyTestDriver driver;
    final List<String> log = new ArrayList<>();
    private final String scope = "scorer-test-" + UUID.randomUUID();
    private final Map<String, Object> serde;
    private final TestInputTopic<String, byte[]> windows;
    private final TestInputTopic<String, ModelVersion> modelTopic;
    private final TestOutputTopic<String, Embedding> embeddings;
    private final TestOutputTopic<String, Prediction> predictions;
    private final TestOutputTopic<String, DeadLetter> dlq;
    private final Serializer<MultimodalWindow> windowSerializer;

    ScoringHarness(ScoringOptions.Builder b) {
        b.registryUrl = "mock://" + scope;
        b.applicationId = "scorer-test-" + UUID.randomUUID();
        this.options = b.build();
        this.models =
                ModelSource.synchronous(new FileArtifactFetcher(null), options.objective(), null, metrics, log::add);
        this.serde = ScoringTopology.serdeConfig(options);
        Properties props = ScoringApp.config(options);
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(
                ScoringTopology.build(new StreamsBuilder(), options, models), props, Instant.ofEpochMilli(0));
        metrics.exportStreamsMetrics(driver::metrics);
        windowSerializer = Topics.WINDOWS.valueSerde(serde).serializer();
        windows = driver.createInputTopic(options.windowsTopic(), new StringSerializer(), new ByteArraySerializer());
        modelTopic = driver.createInputTopic(
                options.modelsTopic(),
                new StringSerializer(),
                Topics.MODELS.valueSerde(serde).serializer());
        embeddings = driver.createOutputTopic(
                options.embeddingsTopic(),
                new StringDeserializer(),
                Topics.EMBEDDINGS.valueSerde(serde).deserializer());
        predictions = driver.createOutputTopic(
                options.predictionsTopic(),
                new StringDeserializer(),
                Topics.PREDICTIONS.valueSerde(serde).deserializer());
        dlq = driver.createOutputTopic(
                options.dlqTopic(),
                new StringDeserializer(),
                Topics.DLQ.valueSerde(serde).deserializer());
    }

    static ScoringOptions.Builder options() {
        return ScoringOptions.defaults().toBuilder();
    }

    void pipeModel(ModelVersion v) {
        modelTopic.pipeInput(v.getObjective(), v);
    }

    byte[] bytes(MultimodalWindow w) {
        return windowSerializer.serialize(options.windowsTopic(), w);
    }

    void pipe(MultimodalWindow w) {
        pipeRaw(w.getSourceId(), bytes(w));
    }

    void pipeRaw(String key, byte[] value) {
        windows.pipeInput(key, value);
    }

    /** Advances wall-clock time by the max batch wait: the batch punctuator fires once. */
    void tick() {
        driver.advanceWallClockTime(options.maxBatchWait());
    }

    void advance(Duration d) {
        driver.advanceWallClockTime(d);
    }

    List<Embedding> embeddings() {
        return embeddings.readValuesToList();
    }

    List<org.apache.kafka.streams.KeyValue<String, Embedding>> embeddingRecords() {
        return embeddings.readKeyValuesToList();
    }

    List<Prediction> predictions() {
        return predictions.readValuesToList();
    }

    List<DeadLetter> deadLetters() {
        return dlq.readValuesToList();
    }

    /** Windows buffered in the task's store (read through the driver). */
    long buffered() {
        return driver.getKeyValueStore(ScoringTopology.BUFFER_STORE).approximateNumEntries();
    }

    @Override
    public void close() {
        driver.close();
        models.close();
        metrics.close();
        RegistryClients.dropMockScope(scope);
    }
}
