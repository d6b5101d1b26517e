package io.braid.producers.record;

import io.braid.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Records topics into Avro container files (one per topic) with assign + seek, no consumer group: from the beginning
 * (or the first offset at/after {@code fromMs}) up to the end offsets seen at start, or for a follow period.
 */
public final class Recorder {
    /** Records written per topic. */
    public record Result(Map<String, Long> records, Map<String, Path> files) {}

    private final Map<String, Object> consumerProps;
    private final SchemaRegistryClient registry;
    private final Consumer<String> progress;

    /** {@code registry} may be null: then writer schemas are not stored. */
    public Recorder(Map<String, Object> consumerProps, SchemaRegistryClient registry, Consumer<String> progress) {
        this.consumerProps = consumerProps;
        this.registry = registry;
        this.progress = progress;
    }

    public Result record(List<String> topics, Path dir, Long fromMs, Long toMs, Duration follow) throws IOException {
        Files.createDirectories(dir);
        Map<String, DataFileWriter<GenericRecord>> writers = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Set<Integer>> seenIds = new HashMap<>();
        Map<Integer, String> schemaText = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                var infos = c.partitionsFor(t, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty())
                    throw new IllegalArgumentException("topic " + t + " does not exist");
                infos.forEach(i -> parts.add(new TopicPartition(t, i.partition())));
                Path file = dir.resolve(RecordedRecord.fileName(t));
                DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(RecordedRecord.SCHEMA));
                w.setCodec(CodecFactory.deflateCodec(1));
                w.setMeta(RecordedRecord.META_TOPIC, t);
                w.setMeta(RecordedRecord.META_FORMAT, RecordedRecord.FORMAT_VERSION);
                w.create(RecordedRecord.SCHEMA, file.toFile());
                writers.put(t, w);
                files.put(t, file);
                counts.put(t, 0L);
                seenIds.put(t, new HashSet<>());
            }
            c.assign(parts);
            consume(c, parts, fromMs, toMs, follow, progress, counts, r -> {
                GenericRecord g = new GenericData.Record(RecordedRecord.SCHEMA);
                g.put("partition", r.partition());
                g.put("offset", r.offset());
                g.put("timestamp", r.timestamp());
                g.put("timestamp_type", r.timestampType().name);
                g.put("key", r.key() == null ? null : ByteBuffer.wrap(r.key()));
                g.put("value", r.value() == null ? null : ByteBuffer.wrap(r.value()));
                Integer id = RecordedRecord.schemaId(r.value());
                String text = null;
                if (id != null && registry != null && seenIds.get(r.topic()).add(id)) {
                    text = schemaText.computeIfAbsent(id, this::lookup);
                }
                g.put("schema_id", id);
                g.put("writer_schema", text);
                writers.get(r.topic()).append(g);
            });
        } finally {
            for (DataFileWriter<GenericRecord> w : writers.values()) w.close();
        }
        return new Result(counts, files);
    }

    /** Takes one consumed record (in partition order). */
    public interface RecordSink {
        void accept(ConsumerRecord<byte[], byte[]> r) throws IOException;
    }

    /**
     * Reads the assigned partitions from the beginning (or the first offset at/after {@code fromMs}) to the end offsets
     * at start, or for {@code follow}; records with a timestamp at/after {@code toMs} are left out. Counts per topic go
     * into {@code counts}.
     */
    static void consume(
            KafkaConsumer<byte[], byte[]> c,
            List<TopicPartition> parts,
            Long fromMs,
            Long toMs,
            Duration follow,
            Consumer<String> progress,
            Map<String, Long> counts,
            RecordSink sink)
            throws IOException {
        c.seekToBeginning(parts);
        if (fromMs != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            parts.forEach(tp -> query.put(tp, fromMs));
            Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            for (TopicPartition tp : parts) {
                OffsetAndTimestamp o = found.get(tp);
                c.seek(tp, o == null ? end.get(tp) : o.offset());
            }
        }
        Map<TopicPartition, Long> end = follow == null ? c.endOffsets(parts) : null;
        long deadline = follow == null ? Long.MAX_VALUE : System.currentTimeMillis() + follow.toMillis();
        long total = 0, lastReport = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            if (end != null && parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) break;
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                if (end != null && r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) continue;
                if (toMs != null && r.timestamp() >= toMs) continue;
                sink.accept(r);
                counts.merge(r.topic(), 1L, Long::sum);
                total++;
            }
            if (progress != null && System.currentTimeMillis() - lastReport > 5000) {
                progress.accept("record: " + total + " records " + counts);
                lastReport = System.currentTimeMillis();
            }
        }
    }

    /** The schema text for an id, or null when the registry does not know it (e.g. a corrupt record's id). */
    private String lookup(int id) {
        try {
            return registry.schemaById(id);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
