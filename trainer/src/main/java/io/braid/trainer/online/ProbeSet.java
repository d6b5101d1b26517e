package io.braid.trainer.online;

import io.braid.avro.MultimodalWindow;
import io.braid.avro.SegmentLabels;
import io.braid.producers.sim.SegmentFactors;
import io.braid.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The small held-out streaming probe set of the online trainer: un-augmented windows of mm.windows joined with the
 * simulator's ground truth on robot.labels (same source, window inside the segment's [start, end)).
 *
 * <p>Held out = the windows whose id falls into the held-out bucket: the first 8 bytes of SHA-256(window id, UTF-8)
 * as an unsigned number mod 100 below {@code heldOutPercent}. The rule depends on the window id alone, so the trainer
 * skips exactly these windows' pairs on mm.train ({@link #heldOut}) and no probe window is ever trained on, on every
 * run and replay. The set fills with the first {@code maxWindows} labelled held-out windows read and then stays fixed,
 * so later versions are compared on the same windows. Windows the model cannot take and windows that straddle two
 * segments are left out and counted.
 */
public final class ProbeSet implements AutoCloseable {
    /** One labelled held-out window in model layout. */
    public record Example(String windowId, String segmentKey, TrainingPairBatches.View view, SegmentFactors factors) {}

    /** An immutable view of the set; {@code generation} changes whenever the set does. */
    public record Snapshot(long generation, List<Example> examples, int[] colorMap, boolean full) {}

    /** Where the windows and the labels are, and how big the set is. */
    public record Options(String windowsTopic, String labelsTopic, int heldOutPercent, int maxWindows) {
        public Options {
            if (heldOutPercent < 1 || heldOutPercent > 50)
                throw new IllegalArgumentException("held-out percent must be in 1..50, got " + heldOutPercent);
            if (maxWindows < 1) throw new IllegalArgumentException("probe windows must be >= 1, got " + maxWindows);
        }
    }

    /** Windows waiting for their label (labels may arrive after the window). */
    static final int MAX_PENDING = 4096;

    private final Options o;
    private final TrainingPairBatches adapter;
    private final Consumer<String> log;
    private final List<Example> examples = new ArrayList<>();
    private final Map<String, TreeMap<Long, SegmentLabels>> labels = new HashMap<>();
    private final Deque<MultimodalWindow> pending = new ArrayDeque<>();
    private int[] colorMap;
    private long generation, rejected, straddling;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread reader;

    public ProbeSet(Options options, TrainingPairBatches adapter, Consumer<String> log) {
        this.o = options;
        this.adapter = adapter;
        this.log = log;
    }

    /** True when the window is held out for probing at {@code percent} % (and so never trained on). */
    public static boolean heldOut(String windowId, int percent) {
        byte[] h = sha256(windowId);
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 0xff);
        return Long.remainderUnsigned(v, 100) < percent;
    }

    public boolean heldOut(String windowId) {
        return heldOut(windowId, o.heldOutPercent());
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A window read from mm.windows: kept when held out, labelled (now or once its label arrives) and the set not full. */
    public synchronized void offerWindow(MultimodalWindow w) {
        if (examples.size() >= o.maxWindows() || !heldOut(w.getWindowId())) return;
        if (!tryJoin(w)) {
            pending.addLast(w);
            if (pending.size() > MAX_PENDING) pending.removeFirst();
        }
    }

    /** A segment's ground truth read from robot.labels. */
    public synchronized void offerLabel(SegmentLabels l) {
        labels.computeIfAbsent(l.getSourceId(), k -> new TreeMap<>())
                .put(l.getStartTime().toEpochMilli(), l);
        if (colorMap == null && l.getColorMap().size() == 4) {
            colorMap = new int[4];
            for (int i = 0; i < 4; i++) colorMap[i] = l.getColorMap().get(i);
        }
        for (int n = pending.size(); n > 0 && examples.size() < o.maxWindows(); n--) {
            MultimodalWindow w = pending.removeFirst();
            if (!tryJoin(w)) pending.addLast(w);
        }
        if (examples.size() >= o.maxWindows()) pending.clear();
    }

    /** False when the window's label is not there yet; true when it was added or left out for good. */
    private boolean tryJoin(MultimodalWindow w) {
        TreeMap<Long, SegmentLabels> byStart = labels.get(w.getSourceId());
        if (byStart == null) return false;
        long ws = w.getWindowStart().toEpochMilli(), we = w.getWindowEnd().toEpochMilli();
        Map.Entry<Long, SegmentLabels> e = byStart.floorEntry(ws);
        if (e == null) return false;
        SegmentLabels l = e.getValue();
        if (l.getEndTime().toEpochMilli() < we) {
            // the next segment is known: the window spans a boundary and has no single label
            if (byStart.higherKey(ws) != null) {
                straddling++;
                return true;
            }
            return false;
        }
        TrainingPairBatches.View v;
        try {
            v = adapter.window(w);
        } catch (PairRejectedException ex) {
            if (rejected++ == 0) log.accept("probe set: leaving out " + ex.reason() + ": " + ex.getMessage());
            return true;
        }
        SegmentFactors f = new SegmentFactors(
                l.getObj(),
                l.getProf(),
                l.getTex(),
                l.getVerb(),
                l.getRhythm(),
                l.getColor(),
                l.getDrift(),
                l.getZone(),
                l.getBiased());
        examples.add(new Example(w.getWindowId(), l.getSourceId() + "#" + l.getSegmentId(), v, f));
        generation++;
        return true;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(
                generation,
                List.copyOf(examples),
                colorMap == null ? null : colorMap.clone(),
                examples.size() >= o.maxWindows());
    }

    /** Windows left out because the model refused them / because they span two segments. */
    public synchronized long[] leftOut() {
        return new long[] {rejected, straddling};
    }

    /**
     * Starts a reader thread over every partition of both topics from the beginning (read_committed, no group).
     * Returns false, reading nothing, when the labels topic does not exist.
     */
    public boolean start(String bootstrapServers, Map<String, Object> kafka, Map<String, Object> serde) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // asking for a missing labels topic must not create it
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            Map<String, List<PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(30));
            if (!topics.containsKey(o.labelsTopic()) || !topics.containsKey(o.windowsTopic())) {
                log.accept("probes off: topic "
                        + (topics.containsKey(o.labelsTopic()) ? o.windowsTopic() : o.labelsTopic()) + " not found");
                consumer.close();
                return false;
            }
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : List.of(o.windowsTopic(), o.labelsTopic()))
                for (PartitionInfo p : topics.get(t)) tps.add(new TopicPartition(t, p.partition()));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        reader = new Thread(() -> read(consumer, serde), "probe-set-reader");
        reader.setDaemon(true);
        reader.start();
        return true;
    }

    private void read(KafkaConsumer<byte[], byte[]> consumer, Map<String, Object> serde) {
        try (consumer;
                Deserializer<MultimodalWindow> wd =
                        Topics.WINDOWS.valueSerde(serde).deserializer();
                Deserializer<SegmentLabels> ld = Topics.LABELS.valueSerde(serde).deserializer()) {
            long undecodable = 0;
            while (running.get()) {
                if (snapshot().full()) {
                    // the set is fixed from here on
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (r.topic().equals(o.labelsTopic()))
                            offerLabel(ld.deserialize(r.topic(), r.headers(), r.value()));
                        else offerWindow(wd.deserialize(r.topic(), r.headers(), r.value()));
                    } catch (RuntimeException e) {
                        if (undecodable++ == 0)
                            log.accept("probe set: skipping an undecodable record of " + r.topic() + ": " + e);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.accept("probe set reader stopped: " + e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (reader != null) reader.join(10_000);
    }
}
