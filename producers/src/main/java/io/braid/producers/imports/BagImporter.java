package io.braid.producers.imports;

import io.braid.avro.CameraFrame;
import io.braid.avro.DeadLetter;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.producers.bag.BagChannel;
import io.braid.producers.bag.BagMessage;
import io.braid.producers.bag.BagProblem;
import io.braid.producers.bag.BagReader;
import io.braid.producers.ros.BuiltinDefinitions;
import io.braid.producers.ros.CdrDecoder;
import io.braid.producers.ros.CdrException;
import io.braid.producers.ros.MsgDefinitions;
import io.braid.topics.DeadLetterBound;
import io.braid.topics.TopicCatalog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns a bag's messages into Braid records: decodes each with its topic's definition (the bag's own schema, else a
 * built-in one), maps it by its {@link TopicRule} into a TextEvent, a CameraFrame or samples of a SensorChunk, and hands
 * the records to a {@link Sink}. A message that does not decode or map becomes a DeadLetter on mm.dlq (bounded by
 * {@link DeadLetterBound}) with its reason, and the import goes on; so does an unreadable part of the bag
 * ({@link BagProblem}).
 */
public final class BagImporter {
    /** Where records go (Kafka in the command; a list in tests and the benchmark). */
    @FunctionalInterface
    public interface Sink {
        void send(String topic, String key, long timestampMs, SpecificRecord value) throws IOException;
    }

    /** Per ROS topic: messages read, records sent, dead letters, skipped; plus records per Braid topic. */
    public static final class Counts {
        public long read;
        public long records;
        public long deadLetters;
        public long skipped;
        public String type = "";
        public String becomes = "";
    }

    /** What an import did. */
    public record Result(
            Map<String, Counts> topics,
            Map<String, Long> records,
            long messages,
            long deadLetters,
            long firstNs,
            long lastNs,
            double seconds,
            Map<String, Long> deadLetterReasons) {}

    public static final String STAGE = "import";

    private final ImportMapping mapping;
    private final Sink sink;
    private final double rate; // 0 = as fast as possible; else event-time seconds per wall second
    private final Consumer<String> progress;
    private final long progressEveryMs;
    private final Map<String, TopicState> states = new HashMap<>();
    private final Map<String, Counts> counts = new LinkedHashMap<>();
    private final Map<String, Long> records = new LinkedHashMap<>();
    private final Map<String, Long> reasons = new LinkedHashMap<>();
    private final Map<String, long[]> seqs = new HashMap<>();
    private long deadLetters;
    private final int dlqBound = TopicCatalog.DLQ_MAX_MESSAGE_BYTES - TopicCatalog.RECORD_HEADROOM_BYTES;
    private final int frameBound = TopicCatalog.INPUT_MAX_MESSAGE_BYTES - TopicCatalog.RECORD_HEADROOM_BYTES;
    private final boolean dryRun;

    private static final class TopicState {
        TopicRule rule;
        String source;
        CdrDecoder decoder;
        CdrDecoder builtin; // Braid's own definition of the type, tried when the bag's does not fit a message
        String type;
        SensorChunker chunker;
        String undecodable; // why this topic cannot decode at all (no definition), or null
    }

    public BagImporter(
            ImportMapping mapping,
            Sink sink,
            double rate,
            boolean dryRun,
            long progressEveryMs,
            Consumer<String> progress) {
        this.mapping = mapping;
        this.sink = sink;
        this.rate = rate;
        this.dryRun = dryRun;
        this.progressEveryMs = progressEveryMs;
        this.progress = progress;
    }

    /** Sends bag problems found while reading as dead letters; give this to the reader. */
    public void problem(BagProblem p) {
        try {
            deadLetter(p.topic() == null ? "bag" : p.topic(), mapping.sourceId(), p.bytes(), p.reason(), p.detail());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public Result run(BagReader reader, long totalHint) throws IOException, InterruptedException {
        long wallStart = System.nanoTime();
        long first = Long.MIN_VALUE, last = Long.MIN_VALUE, n = 0;
        long nextReport = progressEveryMs;
        for (BagMessage m = reader.next(); m != null; m = reader.next()) {
            if (first == Long.MIN_VALUE) first = m.logTimeNs();
            last = m.logTimeNs();
            if (rate > 0 && !dryRun) {
                long dueNs = wallStart + (long) ((m.logTimeNs() - first) / rate);
                long waitNs = dueNs - System.nanoTime();
                if (waitNs > 0) Thread.sleep(waitNs / 1_000_000L, (int) (waitNs % 1_000_000L));
            }
            handle(m);
            n++;
            if (progress != null && progressEveryMs > 0) {
                long elapsedMs = (System.nanoTime() - wallStart) / 1_000_000L;
                if (elapsedMs >= nextReport) {
                    progress.accept(String.format(
                            "import: %d messages%s, %.1f s of bag time, %d records, %d dead letters",
                            n,
                            totalHint > 0 ? String.format(" (%.0f%%)", 100.0 * n / totalHint) : "",
                            (last - first) / 1e9,
                            records.values().stream().mapToLong(Long::longValue).sum(),
                            deadLetters));
                    nextReport = elapsedMs + progressEveryMs;
                }
            }
        }
        for (Map.Entry<String, TopicState> e : states.entrySet()) {
            if (e.getValue().chunker != null)
                emitChunk(e.getKey(), e.getValue(), e.getValue().chunker.flush());
        }
        return new Result(counts, records, n, deadLetters, first, last, (System.nanoTime() - wallStart) / 1e9, reasons);
    }

    private TopicState state(BagChannel ch) {
        return states.computeIfAbsent(ch.topic(), t -> {
            TopicState s = new TopicState();
            s.type = ch.type();
            s.rule = mapping.rule(t, ch.type());
            s.source = mapping.sourceOf(s.rule);
            Counts c = counts.computeIfAbsent(t, k -> new Counts());
            c.type = ch.type();
            c.becomes = s.rule.describe(mapping.sourceId());
            if (s.rule.modality() == TopicRule.Modality.SKIP) return s;
            MsgDefinitions defs = null;
            try {
                if (ch.schema() != null && ch.schema().data().length > 0) {
                    if (!ch.schema().encoding().equals("ros2msg")) {
                        s.undecodable = "UNKNOWN_SCHEMA_ENCODING:schema encoding '"
                                + ch.schema().encoding() + "' is not ros2msg";
                    } else {
                        defs = new MsgDefinitions()
                                .add(ch.type(), new String(ch.schema().data(), StandardCharsets.UTF_8));
                    }
                } else {
                    defs = BuiltinDefinitions.of(ch.type());
                    if (defs == null) s.undecodable = "UNKNOWN_TYPE:the bag carries no definition of " + ch.type();
                }
            } catch (IllegalArgumentException e) {
                s.undecodable = "BAD_SCHEMA:" + e.getMessage();
            }
            if (s.undecodable == null && !ch.messageEncoding().equals("cdr")) {
                s.undecodable = "UNKNOWN_MESSAGE_ENCODING:message encoding '" + ch.messageEncoding() + "' is not cdr";
            }
            if (defs != null) s.decoder = new CdrDecoder(defs);
            MsgDefinitions own = BuiltinDefinitions.of(ch.type());
            if (own != null && ch.schema() != null) s.builtin = new CdrDecoder(own);
            if (s.rule.modality() == TopicRule.Modality.SENSOR) {
                s.chunker = new SensorChunker(s.rule.fields().size(), s.rule.maxSamples(), s.rule.gapFactor(), 100.0);
            }
            return s;
        });
    }

    private void handle(BagMessage m) throws IOException {
        TopicState s = state(m.channel());
        Counts c = counts.get(m.channel().topic());
        c.read++;
        if (s.rule.modality() == TopicRule.Modality.SKIP) {
            c.skipped++;
            return;
        }
        String topic = m.channel().topic();
        if (s.undecodable != null) {
            int colon = s.undecodable.indexOf(':');
            deadLetter(
                    topic, s.source, m.data(), s.undecodable.substring(0, colon), s.undecodable.substring(colon + 1));
            return;
        }
        Map<String, Object> v;
        try {
            v = decode(s, m.data());
        } catch (CdrException e) {
            deadLetter(topic, s.source, m.data(), e.reason(), topic + " (" + s.type + "): " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            deadLetter(topic, s.source, m.data(), "CDR_DECODE", topic + " (" + s.type + "): " + e);
            return;
        }
        try {
            long tNs = eventTimeNs(v, m.logTimeNs());
            switch (s.rule.modality()) {
                case TEXT -> {
                    Object text = FieldPath.get(v, s.rule.fields().get(0));
                    if (!(text instanceof String str)) {
                        throw new MappingException(
                                "NOT_A_STRING", s.rule.fields().get(0) + " is not a string");
                    }
                    send(
                            topic,
                            TopicCatalog.TEXT,
                            s.source,
                            tNs / 1_000_000L,
                            TextEvent.newBuilder()
                                    .setSourceId(s.source)
                                    .setSeq(seq(s.source, 2))
                                    .setEventTime(Instant.ofEpochMilli(Math.floorDiv(tNs, 1_000_000L)))
                                    .setKind(s.rule.kind())
                                    .setText(str)
                                    .build());
                }
                case VISION -> {
                    ImageFrames.Frame f = s.type.endsWith("/CompressedImage")
                            ? ImageFrames.compressed(v, s.rule)
                            : ImageFrames.image(v, s.rule);
                    if (f.data().length > frameBound) {
                        throw new MappingException(
                                "OVERSIZED_FRAME",
                                f.width() + "x" + f.height() + " frame is " + f.data().length
                                        + " bytes, more than a robot.vision record holds; resize it in the mapping"
                                        + " (width, height)");
                    }
                    send(
                            topic,
                            TopicCatalog.VISION,
                            s.source,
                            tNs / 1_000_000L,
                            CameraFrame.newBuilder()
                                    .setSourceId(s.source)
                                    .setSeq(seq(s.source, 1))
                                    .setEventTime(Instant.ofEpochMilli(Math.floorDiv(tNs, 1_000_000L)))
                                    .setWidth(f.width())
                                    .setHeight(f.height())
                                    .setChannels(f.channels())
                                    .setEncoding(f.encoding())
                                    .setData(ByteBuffer.wrap(f.data()))
                                    .setUri(null)
                                    .build());
                }
                case SENSOR -> {
                    List<String> fields = s.rule.fields();
                    float[] row = new float[fields.size()];
                    for (int i = 0; i < row.length; i++) {
                        double x = FieldPath.number(v, fields.get(i));
                        if (!Double.isFinite(x)) throw new MappingException("NON_FINITE", fields.get(i) + " is " + x);
                        row[i] = (float) x;
                    }
                    emitChunk(topic, s, s.chunker.add(tNs, row));
                }
                default -> {}
            }
        } catch (MappingException e) {
            deadLetter(topic, s.source, m.data(), e.reason(), topic + " (" + s.type + "): " + e.getMessage());
        }
    }

    /**
     * Decodes with the bag's definition; a message it does not fit exactly (an error, or bytes left past the
     * padding) is tried with Braid's own definition of the type, which the topic then keeps (rosbag2 has written
     * truncated definitions into .db3 files).
     */
    private static Map<String, Object> decode(TopicState s, byte[] data) throws CdrException {
        CdrException first;
        try {
            CdrDecoder.Decoded d = s.decoder.decode(s.type, data);
            if (d.trailingBytes() <= d.declaredPadding() || s.builtin == null) return d.value();
            first = new CdrException(
                    "CDR_TRAILING_BYTES", d.trailingBytes() + " bytes left after the last field of " + s.type);
        } catch (CdrException e) {
            if (s.builtin == null) throw e;
            first = e;
        }
        try {
            CdrDecoder.Decoded d = s.builtin.decode(s.type, data);
            if (d.trailingBytes() <= d.declaredPadding()) {
                s.decoder = s.builtin;
                s.builtin = null;
                return d.value();
            }
        } catch (CdrException ignored) {
            // the bag's definition's error is the one to report
        }
        throw first;
    }

    private long eventTimeNs(Map<String, Object> v, long logTimeNs) {
        if (mapping.time() == ImportMapping.TimeSource.LOG) return logTimeNs;
        Object stamp = v.get("header") instanceof Map<?, ?> h ? h.get("stamp") : v.get("stamp");
        if (stamp instanceof Map<?, ?> st
                && st.get("sec") instanceof Integer sec
                && st.get("nanosec") instanceof Long ns) {
            long t = sec * 1_000_000_000L + ns;
            if (t > 0) return t;
        }
        return logTimeNs;
    }

    private void emitChunk(String topic, TopicState s, SensorChunker.Chunk c) throws IOException {
        if (c == null) return;
        List<Float> values = new ArrayList<>(c.values().length);
        for (float f : c.values()) values.add(f);
        send(
                topic,
                TopicCatalog.SENSOR,
                s.source,
                c.startNs() / 1_000_000L,
                SensorChunk.newBuilder()
                        .setSourceId(s.source)
                        .setSeq(seq(s.source, 0))
                        .setStartTime(Instant.ofEpochMilli(Math.floorDiv(c.startNs(), 1_000_000L)))
                        .setSampleRateHz(c.rateHz())
                        .setChannelNames(new ArrayList<>(s.rule.channelNames()))
                        .setNumSamples(c.samples())
                        .setValues(values)
                        .build());
    }

    private long seq(String source, int modality) {
        return seqs.computeIfAbsent(source, k -> new long[3])[modality]++;
    }

    private void send(String rosTopic, String topic, String key, long tsMs, SpecificRecord r) throws IOException {
        counts.get(rosTopic).records++;
        records.merge(topic, 1L, Long::sum);
        if (!dryRun) sink.send(topic, key, tsMs, r);
    }

    private void deadLetter(String rosTopic, String key, byte[] value, String reason, String error) throws IOException {
        deadLetters++;
        reasons.merge(reason, 1L, Long::sum);
        Counts c = counts.computeIfAbsent(rosTopic, k -> new Counts());
        c.deadLetters++;
        if (dryRun) return;
        DeadLetter d = DeadLetter.newBuilder()
                .setSourceTopic(rosTopic)
                .setSourcePartition(-1)
                .setSourceOffset(-1)
                .setKey(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(value == null ? new byte[0] : value))
                .setStage(STAGE)
                .setReason(reason)
                .setError(error)
                .setFailedAt(Instant.now())
                .build();
        DeadLetterBound.apply(d, dlqBound);
        records.merge(TopicCatalog.DLQ, 1L, Long::sum);
        sink.send(TopicCatalog.DLQ, key, System.currentTimeMillis(), d);
    }
}
