package io.braid.trainer.online;

import io.braid.avro.LinearHead;
import io.braid.trainer.eval.LogisticProbe;
import io.braid.trainer.eval.ProbeSuite;
import io.braid.trainer.model.InferenceModel;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.model.ModelStore;
import io.braid.trainer.model.WindowEmbedding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * R / U / S probe accuracies of a model version on the {@link ProbeSet}, for its {@code ModelVersion.metrics}. The
 * version is loaded from the store for inference (no gradients, grad mode off), the probe windows are embedded (the
 * fused vector, the features eval probes), and the eval suite's linear probes ({@link ProbeSuite#probes},
 * {@link LogisticProbe#fitCv}: class-balanced, C by stratified CV) are cross-fitted over 5 folds of segments (SHA-256 of
 * the segment key, so windows of one segment never sit on both sides of a fit) and scored on the out-of-fold
 * predictions of every window (balanced accuracy). A probe whose labels have fewer than two classes on either side (S1 when every
 * segment is BIASED) is left out. The untrained model (the fresh trainer's parameters, same init seed) is probed the
 * same way once per probe-set generation: {@code probe_untrained_*}, the step-0 reference.
 */
public final class VersionProbes {
    static final int FOLDS = 3, SEGMENT_FOLDS = 5;
    /**
     * The probes that become prediction heads, by task name: each is refitted on every probe window and published
     * with the version (ModelVersion.heads), so the scorer predicts the simulator's factors. The synergy probes stay
     * measurements.
     */
    static final Map<String, String> TASKS =
            Map.of("R", "object", "U_sensor", "profile", "U_image", "texture", "U_text", "verb");

    /** Probe metrics of a version and the prediction heads fitted for it. */
    public record Measured(Map<String, Double> metrics, List<LinearHead> heads) {
        static final Measured NONE = new Measured(Map.of(), List.of());
    }

    static final long SEED = 48;

    private final ProbeSet set;
    private final ModelConfig config;
    private final String vocabVersion;
    private final int minWindows;
    private final Consumer<String> log;
    private long baselineGeneration = -1;
    private Map<String, Double> baseline = Map.of();
    private String lastSkip;

    public VersionProbes(ProbeSet set, ModelConfig config, String vocabVersion, int minWindows, Consumer<String> log) {
        this.set = set;
        this.config = config;
        this.vocabVersion = vocabVersion;
        this.minWindows = minWindows;
        this.log = log;
    }

    /**
     * Probe metrics of the stored version plus the untrained reference, and its prediction heads; empty (reason logged)
     * when too few windows.
     */
    public Measured measure(ModelStore store, String version) throws IOException {
        long t0 = System.nanoTime();
        ProbeSet.Snapshot s = set.snapshot();
        if (s.examples().size() < minWindows || s.colorMap() == null) {
            String why = "probes skipped for " + version + ": " + s.examples().size()
                    + " labelled held-out windows, need " + minWindows;
            if (!why.substring(why.indexOf(':')).equals(lastSkip)) log.accept(why);
            lastSkip = why.substring(why.indexOf(':'));
            return Measured.NONE;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        List<LinearHead> heads = new ArrayList<>();
        try (InferenceModel m = InferenceModel.load(store, version)) {
            for (Map.Entry<String, Double> e : probe(m, s, heads).entrySet())
                out.put("probe_" + e.getKey(), e.getValue());
        }
        if (baselineGeneration != s.generation()) {
            try (InferenceModel m = InferenceModel.untrained(config, vocabVersion, "untrained")) {
                baseline = probe(m, s, null);
            }
            baselineGeneration = s.generation();
        }
        for (Map.Entry<String, Double> e : baseline.entrySet())
            if (!e.getKey().equals("windows")) out.put("probe_untrained_" + e.getKey(), e.getValue());
        double secs = (System.nanoTime() - t0) / 1e9;
        out.put("probe_seconds", secs);
        log.accept(String.format(
                "probes of %s on %d windows in %.2f s: R %.3f (untrained %.3f)",
                version,
                s.examples().size(),
                secs,
                out.getOrDefault("probe_R", Double.NaN),
                out.getOrDefault("probe_untrained_R", Double.NaN)));
        return new Measured(out, heads);
    }

    /**
     * Balanced accuracy of each probe of the suite on {@code m}'s fused vectors, cross-fitted by segment: each of
     * {@link #SEGMENT_FOLDS} segment folds is predicted by a probe fitted on the other folds, and one balanced accuracy
     * is taken over every window's out-of-fold prediction. Every segment is tested once (a single 3:2 split tested
     * only 2 in 5 segments, and with ~30 test segments R moved by ±0.07 between consecutive versions); plus the window
     * count. With {@code heads} non-null, each {@link #TASKS} probe is refitted on every window and added to it.
     */
    public static Map<String, Double> probe(InferenceModel m, ProbeSet.Snapshot s, List<LinearHead> heads) {
        List<ProbeSet.Example> ex = s.examples();
        List<TrainingPairBatches.View> views = new ArrayList<>(ex.size());
        for (ProbeSet.Example e : ex) views.add(e.view());
        List<WindowEmbedding> emb = m.embedAll(views, null);
        int[] fold = new int[ex.size()];
        for (int i = 0; i < ex.size(); i++) fold[i] = segmentFold(ex.get(i).segmentKey());
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("windows", (double) ex.size());
        for (ProbeSuite.Probe p : ProbeSuite.probes(s.colorMap())) {
            int[] y = new int[ex.size()];
            for (int i = 0; i < y.length; i++)
                y[i] = p.label().applyAsInt(ex.get(i).factors());
            int[] pred = new int[y.length];
            List<Integer> tested = new ArrayList<>();
            for (int f = 0; f < SEGMENT_FOLDS; f++) {
                List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
                for (int i = 0; i < y.length; i++) (fold[i] == f ? test : train).add(i);
                int[] ytr = pick(y, train);
                if (test.isEmpty() || classes(ytr, p.classes()) < 2) continue;
                int[] pf = LogisticProbe.fitCv(rows(emb, train), ytr, p.classes(), FOLDS, SEED)
                        .predict(rows(emb, test));
                for (int j = 0; j < test.size(); j++) pred[test.get(j)] = pf[j];
                tested.addAll(test);
            }
            int[] yt = pick(y, tested), pt = pick(pred, tested);
            if (classes(yt, p.classes()) < 2) continue;
            double acc = LogisticProbe.balancedAccuracy(yt, pt, p.classes());
            out.put(p.name(), acc);
            if (heads != null && TASKS.containsKey(p.name())) {
                List<Integer> all = new ArrayList<>();
                for (int i = 0; i < y.length; i++) all.add(i);
                List<String> labels = new ArrayList<>();
                for (int k = 0; k < p.classes(); k++) labels.add(TASKS.get(p.name()) + "_" + k);
                heads.add(LogisticProbe.fitCv(rows(emb, all), y, p.classes(), FOLDS, SEED)
                        .toHead(TASKS.get(p.name()), labels, acc));
            }
        }
        return out;
    }

    /** The segment's cross-fitting fold, by the first byte of SHA-256 of the segment key. */
    static int segmentFold(String segmentKey) {
        return (ProbeSet.sha256(segmentKey)[0] & 0xff) % SEGMENT_FOLDS;
    }

    private static int[] pick(int[] v, List<Integer> idx) {
        int[] out = new int[idx.size()];
        for (int i = 0; i < out.length; i++) out[i] = v[idx.get(i)];
        return out;
    }

    private static float[][] rows(List<WindowEmbedding> emb, List<Integer> idx) {
        float[][] x = new float[idx.size()][];
        for (int i = 0; i < x.length; i++) x[i] = emb.get(idx.get(i)).fused();
        return x;
    }

    private static int classes(int[] y, int k) {
        boolean[] seen = new boolean[k];
        int n = 0;
        for (int v : y)
            if (!seen[v]) {
                seen[v] = true;
                n++;
            }
        return n;
    }
}
