package io.braid.trainer.online;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deterministic merge of several partitions' records for bounded runs. Kafka's poll order across partitions depends
 * on fetch timing, so a bounded run would batch differently each time; this feed emits the smallest head (by the
 * given order, e.g. event time, then partition, then offset) only once every partition that has not ended has a head.
 * The output is then a function of each partition's record sequence alone, and, since the choice looks only at the
 * heads, the continuation from given per-partition positions is a function of the records from there on: a resumed run
 * continues exactly where an uninterrupted one would.
 */
final class OrderedFeed<T> {
    private final Map<Integer, ArrayDeque<T>> heads = new TreeMap<>();
    private final Set<Integer> ended = new HashSet<>();
    private final Comparator<T> order;

    OrderedFeed(Collection<Integer> partitions, Comparator<T> order) {
        for (int p : partitions) heads.put(p, new ArrayDeque<>());
        this.order = order;
    }

    void add(int partition, T t) {
        heads.get(partition).addLast(t);
    }

    /** The partition delivered all its records of the run. */
    void ended(int partition) {
        ended.add(partition);
    }

    /** The next record in merge order, or null when a partition that has not ended has nothing buffered yet. */
    T poll() {
        T best = null;
        ArrayDeque<T> from = null;
        for (Map.Entry<Integer, ArrayDeque<T>> e : heads.entrySet()) {
            T h = e.getValue().peekFirst();
            if (h == null) {
                if (!ended.contains(e.getKey())) return null;
                continue;
            }
            if (best == null || order.compare(h, best) < 0) {
                best = h;
                from = e.getValue();
            }
        }
        if (from != null) from.pollFirst();
        return best;
    }

    /** Every partition ended and everything was emitted. */
    boolean finished() {
        if (!ended.containsAll(heads.keySet())) return false;
        for (ArrayDeque<T> q : heads.values()) if (!q.isEmpty()) return false;
        return true;
    }
}
