package io.braid.trainer.online;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the trainer has consumed of each mm.train partition. The shuffle buffer trains records out of order, so
 * "consumed" is not a single position: it is everything below {@code next} except the {@code pending} offsets still in
 * the buffer. A checkpoint stores both; a restart seeks to the low watermark (the smallest pending offset, else next)
 * and skips the records above it that were already trained, so no pair is lost or trained twice.
 */
public final class OffsetLedger {
    /** One partition's state: the next offset to read and the read-but-untrained offsets below it. */
    public record Partition(long next, List<Long> pending) {
        public long lowWatermark() {
            return pending.isEmpty() ? next : pending.get(0);
        }
    }

    private final Map<Integer, Long> next = new TreeMap<>();
    private final Map<Integer, TreeSet<Long>> pending = new TreeMap<>();
    /** The restored checkpoint's state, to recognise records that were already trained. */
    private final Map<Integer, Partition> restored;

    public OffsetLedger(Map<Integer, Partition> restored) {
        this.restored = new TreeMap<>(restored);
        for (Map.Entry<Integer, Partition> e : restored.entrySet()) {
            // the checkpoint's pending offsets stay pending until they are read again and trained, so a second
            // checkpoint taken before that still knows which records above the low watermark are done
            next.put(e.getKey(), e.getValue().next());
            pending.put(e.getKey(), new TreeSet<>(e.getValue().pending()));
        }
    }

    /** Where to seek a partition on start: its restored low watermark, or -1 when the checkpoint does not know it. */
    public long seekPosition(int partition) {
        Partition p = restored.get(partition);
        return p == null ? -1 : p.lowWatermark();
    }

    /** The restored checkpoint's next offset of a partition, or -1 when the checkpoint does not know it. */
    public long restoredNext(int partition) {
        Partition p = restored.get(partition);
        return p == null ? -1 : p.next();
    }

    /** True when this record was trained before the checkpoint (it lies below next and was not pending). */
    public boolean trainedBefore(int partition, long offset) {
        Partition p = restored.get(partition);
        return p != null && offset < p.next() && !p.pending().contains(offset);
    }

    /** A record entered the shuffle buffer. */
    public void buffered(int partition, long offset) {
        advance(partition, offset);
        pending.computeIfAbsent(partition, k -> new TreeSet<>()).add(offset);
    }

    /** A record was consumed without training (dead-lettered, or trained before the checkpoint). */
    public void passed(int partition, long offset) {
        advance(partition, offset);
    }

    /** A buffered record went into a step. */
    public void trained(int partition, long offset) {
        TreeSet<Long> s = pending.get(partition);
        if (s != null) s.remove(offset);
    }

    private void advance(int partition, long offset) {
        next.merge(partition, offset + 1, Math::max);
    }

    /** Copy of the current state of every partition seen. */
    public Map<Integer, Partition> snapshot() {
        Map<Integer, Partition> out = new TreeMap<>();
        for (Map.Entry<Integer, Long> e : next.entrySet()) {
            TreeSet<Long> s = pending.get(e.getKey());
            out.put(e.getKey(), new Partition(e.getValue(), s == null ? List.of() : new ArrayList<>(s)));
        }
        return out;
    }
}
