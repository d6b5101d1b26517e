package io.braid.producers.sim;

import java.util.EnumMap;
import java.util.Map;

/** What the simulator has done so far: events rendered, dropped, sent, and every injected fault by kind. */
public final class SimulatorStats {
    private final EnumMap<SimStream, Long> rendered = new EnumMap<>(SimStream.class);
    private final EnumMap<SimStream, Long> dropped = new EnumMap<>(SimStream.class);
    private final EnumMap<SimStream, Long> emitted = new EnumMap<>(SimStream.class);
    private final EnumMap<Malformation, Long> malformed = new EnumMap<>(Malformation.class);
    private long duplicates;
    private long late;
    private long outOfOrder;
    private long segments;

    void countRendered(SimStream s) {
        rendered.merge(s, 1L, Long::sum);
    }

    void countDropped(SimStream s) {
        dropped.merge(s, 1L, Long::sum);
    }

    void countEmitted(SimEvent e) {
        emitted.merge(e.stream(), 1L, Long::sum);
        if (e.duplicate()) duplicates++;
    }

    void countMalformed(Malformation m) {
        malformed.merge(m, 1L, Long::sum);
    }

    void countLate() {
        late++;
    }

    void countOutOfOrder() {
        outOfOrder++;
    }

    void countSegment() {
        segments++;
    }

    public long rendered(SimStream s) {
        return rendered.getOrDefault(s, 0L);
    }

    public long dropped(SimStream s) {
        return dropped.getOrDefault(s, 0L);
    }

    /** Records handed out by {@link FleetSimulator#next()} for this stream, duplicates included. */
    public long emitted(SimStream s) {
        return emitted.getOrDefault(s, 0L);
    }

    public long emittedTotal() {
        return emitted.values().stream().mapToLong(Long::longValue).sum();
    }

    public long malformed(Malformation m) {
        return malformed.getOrDefault(m, 0L);
    }

    public long malformedTotal() {
        return malformed.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<Malformation, Long> malformedByKind() {
        return new EnumMap<>(malformed);
    }

    /** Second sends of duplicated records. */
    public long duplicates() {
        return duplicates;
    }

    public long late() {
        return late;
    }

    public long outOfOrder() {
        return outOfOrder;
    }

    public long segments() {
        return segments;
    }

    @Override
    public String toString() {
        return "rendered=" + rendered + " dropped=" + dropped + " emitted=" + emitted + " malformed=" + malformed
                + " duplicates=" + duplicates + " late=" + late + " outOfOrder=" + outOfOrder + " segments="
                + segments;
    }
}
