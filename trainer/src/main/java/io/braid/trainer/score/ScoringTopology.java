package io.braid.trainer.score;

import io.braid.avro.DeadLetter;
import io.braid.avro.Embedding;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Prediction;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.Topics;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The scoring job as a pure topology builder (no I/O; {@link ScoringApp} wires it to a cluster):
 *
 * <pre>
 * mm.models ──► global store (key = objective) ──► ModelSource (fetch, verify, load, hot-swap)
 * mm.windows (bytes) ──► score (changelogged buffer, micro-batches) ──┬► mm.embeddings
 *                                                                     ├► mm.predictions
 *                                                                     └► mm.dlq
 * </pre>
 *
 * Windows are read as bytes and decoded in the processor, so bad bytes become dead letters instead of a failed
 * stream thread.
 */
public final class ScoringTopology {
    /** The changelogged buffer of windows waiting for their batch (or their model). */
    public static final String BUFFER_STORE = "scorer-buffer";
    /** The global store of mm.models. */
    public static final String MODELS_STORE = "scorer-models";

    private ScoringTopology() {}

    /** The registry settings the serdes use. */
    public static Map<String, Object> serdeConfig(ScoringOptions o) {
        return Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, o.registryUrl());
    }

    public static Topology build(StreamsBuilder builder, ScoringOptions o, ModelSource models) {
        Map<String, Object> serde = serdeConfig(o);
        // cached: a window scored within the commit interval that buffered it reaches the changelog as a tombstone
        // only, not as its full bytes too; the cache is flushed before every commit, so exactly-once holds
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(BUFFER_STORE), Serdes.Long(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(MODELS_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                o.modelsTopic(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("models"),
                () -> new ModelsUpdater(
                        models, new ConfluentAvroDeserializer<>(ModelVersion.class, serde), o.modelsTopic()));

        KStream<String, SpecificRecord> out = builder.stream(
                        o.windowsTopic(),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("windows"))
                .process(
                        () -> new ScoringProcessor(
                                o,
                                models,
                                new ConfluentAvroDeserializer<>(MultimodalWindow.class, serde),
                                new ConfluentAvroDeserializer<>(ModelVersion.class, serde)),
                        Named.as("score"),
                        BUFFER_STORE);
        out.split(Named.as("output-"))
                .branch(
                        (k, v) -> v instanceof Embedding,
                        Branched.withConsumer(
                                s -> s.mapValues(v -> (Embedding) v, Named.as("as-embedding"))
                                        .to(
                                                o.embeddingsTopic(),
                                                Produced.with(Serdes.String(), Topics.EMBEDDINGS.valueSerde(serde))
                                                        .withName("embeddings")),
                                "embeddings"))
                .branch(
                        (k, v) -> v instanceof Prediction,
                        Branched.withConsumer(
                                s -> s.mapValues(v -> (Prediction) v, Named.as("as-prediction"))
                                        .to(
                                                o.predictionsTopic(),
                                                Produced.with(Serdes.String(), Topics.PREDICTIONS.valueSerde(serde))
                                                        .withName("predictions")),
                                "predictions"))
                .branch(
                        (k, v) -> v instanceof DeadLetter,
                        Branched.withConsumer(
                                s -> s.mapValues(v -> (DeadLetter) v, Named.as("as-dead-letter"))
                                        .to(
                                                o.dlqTopic(),
                                                Produced.with(Serdes.String(), Topics.DLQ.valueSerde(serde))
                                                        .withName("dead-letters")),
                                "dead-letters"))
                .noDefaultBranch();
        return builder.build();
    }
}
