package io.braid.trainer.score;

import io.braid.avro.ModelVersion;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Feeds the global store of mm.models (compacted, key = objective) and tells the {@link ModelSource} about each version.
 * It only puts what it reads (filtering in a global-store updater breaks restore, KAFKA-7663); the source decides
 * what to load. A record that is no ModelVersion is logged and counted, never fatal: the global thread must not die.
 */
final class ModelsUpdater implements Processor<String, byte[], Void, Void> {
    private final ModelSource models;
    private final Deserializer<ModelVersion> deserializer;
    private final String topic;
    private KeyValueStore<String, byte[]> store;

    ModelsUpdater(ModelSource models, Deserializer<ModelVersion> deserializer, String topic) {
        this.models = models;
        this.deserializer = deserializer;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(ScoringTopology.MODELS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) return;
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        store.put(record.key(), record.value());
        offer(models, deserializer, topic, record.value());
    }

    /** Decodes and offers one stored version; false when the bytes are no ModelVersion. */
    static boolean offer(ModelSource models, Deserializer<ModelVersion> de, String topic, byte[] value) {
        ModelVersion v;
        try {
            v = de.deserialize(topic, value);
        } catch (RuntimeException e) {
            models.metrics().loadFailures.labelValues("UNREADABLE_VERSION").inc();
            return false;
        }
        models.offer(v);
        return true;
    }
}
