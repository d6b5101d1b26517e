package io.braid.trainer.online;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Mini-batches from the stream. mm.train carries no segment ids, and consecutive windows of one source are
 * near-duplicates (false negatives for contrastive losses), so a shuffle buffer mixes sources, a batch takes at most
 * {@code maxPerSourceSpan} pairs of one source within {@code sourceSpanMs} of each other, and the pairs of one source
 * closer than {@code falseNegativeSpanMs} that still share a batch are masked out of each other's negatives. A batch
 * is drawn when the buffer is full, or when its oldest pair has waited {@code maxWaitMs}. Pure and deterministic for
 * a given RNG state and arrival order.
 */
public final class PairBatcher {
    public record Options(
            int batchSize,
            int minBatch,
            int shuffleBuffer,
            long maxWaitMs,
            int maxPerSourceSpan,
            long sourceSpanMs,
            long falseNegativeSpanMs) {
        public Options {
            if (minBatch < 2) throw new IllegalArgumentException("minBatch must be >= 2 (contrastive losses)");
            if (batchSize < minBatch) throw new IllegalArgumentException("batchSize must be >= minBatch");
            if (shuffleBuffer < batchSize) throw new IllegalArgumentException("shuffleBuffer must be >= batchSize");
            if (maxPerSourceSpan < 1) throw new IllegalArgumentException("maxPerSourceSpan must be >= 1");
        }
    }

    /** A buffered pair with its position on mm.train and its arrival time (wall clock of the poll). */
    public record Item(TrainingPairBatches.Sample sample, int partition, long offset, long arrivedMs) {}

    /** A drawn batch: its pairs in batch order, the false-negative mask (N×N) and a hash of the window ids. */
    public record Drawn(List<Item> items, float[] falseNegatives, String hash) {
        public List<TrainingPairBatches.Sample> samples() {
            return items.stream().map(Item::sample).toList();
        }
    }

    private final Options o;
    private final SplitMix rng;
    private final List<Item> buffer = new ArrayList<>();

    public PairBatcher(Options options, SplitMix rng) {
        this.o = options;
        this.rng = rng;
    }

    public void add(Item item) {
        buffer.add(item);
    }

    public int buffered() {
        return buffer.size();
    }

    /** The next batch if one is due at {@code nowMs} ({@code flush}: draw whatever is there), else null. */
    public Drawn next(long nowMs, boolean flush) {
        if (buffer.size() < o.minBatch()) return null;
        long oldest = Long.MAX_VALUE;
        for (Item i : buffer) oldest = Math.min(oldest, i.arrivedMs());
        boolean due = flush || buffer.size() >= o.shuffleBuffer() || nowMs - oldest >= o.maxWaitMs();
        if (!due) return null;
        return draw();
    }

    /**
     * The next batch of a bounded, deterministic run: drawn only when the buffer is full ({@code flush}: whatever is
     * there), never on wall time, from the buffer sorted by (partition, offset). The draw then depends only on the
     * buffered set and the RNG state, not on arrival order, so a resumed run that re-reads its checkpoint's pending
     * pairs (in whatever order) draws what an uninterrupted run draws.
     */
    public Drawn nextFull(boolean flush) {
        if (buffer.size() < o.minBatch()) return null;
        if (!flush && buffer.size() < o.shuffleBuffer()) return null;
        buffer.sort(java.util.Comparator.comparingInt(Item::partition).thenComparingLong(Item::offset));
        return draw();
    }

    private Drawn draw() {
        int[] order = new int[buffer.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<Item> chosen = new ArrayList<>();
        boolean[] taken = new boolean[buffer.size()];
        for (int k = 0; k < order.length && chosen.size() < o.batchSize(); k++) {
            Item c = buffer.get(order[k]);
            if (withinSourceBound(chosen, c)) {
                chosen.add(c);
                taken[order[k]] = true;
            }
        }
        if (chosen.size() < o.minBatch()) return null; // the source bound left too few: wait for other sources
        List<Item> rest = new ArrayList<>(buffer.size() - chosen.size());
        for (int i = 0; i < buffer.size(); i++) if (!taken[i]) rest.add(buffer.get(i));
        buffer.clear();
        buffer.addAll(rest);
        return new Drawn(chosen, falseNegatives(chosen, o.falseNegativeSpanMs()), hash(chosen));
    }

    /** True when adding {@code c} leaves no span of {@code sourceSpanMs} with more than the bound of its source. */
    private boolean withinSourceBound(List<Item> chosen, Item c) {
        List<Long> t = new ArrayList<>();
        t.add(c.sample().windowEnd());
        for (Item x : chosen)
            if (x.sample().sourceId().equals(c.sample().sourceId()))
                t.add(x.sample().windowEnd());
        if (t.size() <= o.maxPerSourceSpan()) return true;
        t.sort(null);
        for (int i = 0, j = 0; j < t.size(); j++) {
            while (t.get(j) - t.get(i) >= o.sourceSpanMs()) i++;
            if (j - i + 1 > o.maxPerSourceSpan()) return false;
        }
        return true;
    }

    /** 1 where pairs i ≠ j come from one source less than {@code spanMs} apart (window ends), else 0. */
    static float[] falseNegatives(List<Item> items, long spanMs) {
        int n = items.size();
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j && sameSourceWithin(items.get(i), items.get(j), spanMs)) m[i * n + j] = 1f;
        return m;
    }

    private static boolean sameSourceWithin(Item a, Item b, long spanMs) {
        return a.sample().sourceId().equals(b.sample().sourceId())
                && Math.abs(a.sample().windowEnd() - b.sample().windowEnd()) < spanMs;
    }

    /** SHA-256 (first 16 hex digits) of the window ids in batch order: equal batches, equal hashes. */
    static String hash(List<Item> items) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Item i : items) {
                d.update(i.sample().windowId().getBytes(StandardCharsets.UTF_8));
                d.update((byte) '\n');
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
