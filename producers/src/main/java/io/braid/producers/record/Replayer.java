package io.braid.producers.record;

import io.braid.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends recordings back to Kafka in timestamp order across files: with the original spacing ({@code speed} 1), rescaled
 * (2 = twice as fast), or as fast as possible ({@code speed} 0). Keys, values and timestamps are kept; with a target
 * registry, recorded writer schemas are registered under the target topic's subject and schema ids are rewritten.
 */
public final class Replayer {
    /** Records sent per target topic. */
    public record Result(Map<String, Long> records, long errors, String firstError, double seconds) {}

    private final Producer<byte[], byte[]> producer;
    private final SchemaRegistryClient registry;
    private final Consumer<String> progress;

    public Replayer(Producer<byte[], byte[]> producer, SchemaRegistryClient registry, Consumer<String> progress) {
        this.producer = producer;
        this.registry = registry;
        this.progress = progress;
    }

    private static final class Source {
        final DataFileReader<GenericRecord> reader;
        final String topic;
        final int index;
        final Map<Integer, Integer> idMap = new HashMap<>();
        GenericRecord head;

        Source(Path file, int index) throws IOException {
            this.reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>());
            String t = reader.getMetaString(RecordedRecord.META_TOPIC);
            if (t == null)
                throw new IOException(file + " is not a braid recording (no " + RecordedRecord.META_TOPIC + ")");
            this.topic = t;
            this.index = index;
        }

        boolean advance() {
            head = reader.hasNext() ? reader.next() : null;
            return head != null;
        }

        long ts() {
            return (Long) head.get("timestamp");
        }
    }

    public Result replay(List<Path> files, String topicPrefix, double speed, Long fromMs, Long toMs)
            throws IOException, InterruptedException {
        List<Source> sources = new ArrayList<>();
        PriorityQueue<Source> heads = new PriorityQueue<>(
                (a, b) -> a.ts() != b.ts() ? Long.compare(a.ts(), b.ts()) : Integer.compare(a.index, b.index));
        Map<String, Long> counts = new LinkedHashMap<>();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long t0 = System.nanoTime();
        try {
            for (Path f : files) {
                Source s = new Source(f, sources.size());
                sources.add(s);
                counts.put(topicPrefix + s.topic, 0L);
                if (s.advance()) heads.add(s);
            }
            Long firstTs = null;
            long lastReport = System.currentTimeMillis(), total = 0;
            while (!heads.isEmpty()) {
                Source s = heads.poll();
                GenericRecord r = s.head;
                long ts = s.ts();
                if ((fromMs == null || ts >= fromMs) && (toMs == null || ts < toMs)) {
                    if (firstTs == null) firstTs = ts;
                    if (speed > 0) {
                        long dueNs = t0 + (long) ((ts - firstTs) * 1e6 / speed);
                        long waitNs = dueNs - System.nanoTime();
                        if (waitNs > 0) Thread.sleep(waitNs / 1_000_000L, (int) (waitNs % 1_000_000L));
                    }
                    String topic = topicPrefix + s.topic;
                    byte[] value = bytes(r.get("value"));
                    Integer id = (Integer) r.get("schema_id");
                    Object text = r.get("writer_schema");
                    if (id != null && text != null && registry != null) {
                        s.idMap.put(id, registry.register(topic + "-value", text.toString()));
                    }
                    if (id != null
                            && value != null
                            && s.idMap.containsKey(id)
                            && s.idMap.get(id).intValue() != id) {
                        value = RecordedRecord.withSchemaId(value, s.idMap.get(id));
                    }
                    producer.send(new ProducerRecord<>(topic, null, ts, bytes(r.get("key")), value), (m, ex) -> {
                        if (ex != null) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, ex.toString());
                        }
                    });
                    counts.merge(topic, 1L, Long::sum);
                    total++;
                    if (progress != null && System.currentTimeMillis() - lastReport > 5000) {
                        progress.accept("replay: " + total + " records " + counts);
                        lastReport = System.currentTimeMillis();
                    }
                }
                if (s.advance()) heads.add(s);
            }
            producer.flush();
        } finally {
            for (Source s : sources) s.reader.close();
        }
        return new Result(counts, errors.get(), firstError.get(), (System.nanoTime() - t0) / 1e9);
    }

    private static byte[] bytes(Object o) {
        if (o == null) return null;
        ByteBuffer b = ((ByteBuffer) o).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
