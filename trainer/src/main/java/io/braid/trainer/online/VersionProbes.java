package io.braid.trainer.online;

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
 * fused vector, the features eval probes), split into probe-train and probe-test by segment (SHA-256 of the segment
 * key: 3 in 5 segments train, so windows of one segment never sit on both sides), and the eval suite's linear probes
 * ({@link ProbeSuite#probes}, {@link LogisticProbe#fitCv}: class-balanced, C by stratified CV) are fitted on train and
 * scored on test (balanced accuracy). A probe whose labels have fewer than two classes on either side (S1 when every
 * segment is BIASED) is left out. The untrained model (the fresh trainer's parameters, same init seed) is probed the
 * same way once per probe-set generation: {@code probe_untrained_*}, the step-0 reference.
 */
public final class VersionProbes {
    static final int FOLDS = 3;
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

    /** Probe metrics of the stored version plus the untrained reference; empty (reason logged) when too few windows. */
    public Map<String, Double> metrics(ModelStore store, String version) throws IOException {
        long t0 = System.nanoTime();
        ProbeSet.Snapshot s = set.snapshot();
        if (s.examples().size() < minWindows || s.colorMap() == null) {
            String why = "probes skipped for " + version + ": " + s.examples().size()
                    + " labelled held-out windows, need " + minWindows;
            if (!why.substring(why.indexOf(':')).equals(lastSkip)) log.accept(why);
            lastSkip = why.substring(why.indexOf(':'));
            return Map.of();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        try (InferenceModel m = InferenceModel.load(store, version)) {
            for (Map.Entry<String, Double> e : probe(m, s).entrySet()) out.put("probe_" + e.getKey(), e.getValue());
        }
        if (baselineGeneration != s.generation()) {
            try (InferenceModel m = InferenceModel.untrained(config, vocabVersion, "untrained")) {
                baseline = probe(m, s);
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
        return out;
    }

    /** Balanced test accuracy of each probe of the suite on {@code m}'s fused vectors, plus the window counts. */
    public static Map<String, Double> probe(InferenceModel m, ProbeSet.Snapshot s) {
        List<ProbeSet.Example> ex = s.examples();
        List<TrainingPairBatches.View> views = new ArrayList<>(ex.size());
        for (ProbeSet.Example e : ex) views.add(e.view());
        List<WindowEmbedding> emb = m.embedAll(views, null);
        List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
        for (int i = 0; i < ex.size(); i++) (trainSegment(ex.get(i).segmentKey()) ? train : test).add(i);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("windows", (double) ex.size());
        float[][] xtr = rows(emb, train), xte = rows(emb, test);
        for (ProbeSuite.Probe p : ProbeSuite.probes(s.colorMap())) {
            int[] ytr = labels(ex, train, p), yte = labels(ex, test, p);
            if (classes(ytr, p.classes()) < 2 || classes(yte, p.classes()) < 2) continue;
            LogisticProbe lp = LogisticProbe.fitCv(xtr, ytr, p.classes(), FOLDS, SEED);
            out.put(p.name(), LogisticProbe.balancedAccuracy(yte, lp.predict(xte), p.classes()));
        }
        return out;
    }

    /** 3 in 5 segments are probe-train, by the first byte of SHA-256 of the segment key. */
    static boolean trainSegment(String segmentKey) {
        return (ProbeSet.sha256(segmentKey)[0] & 0xff) % 5 < 3;
    }

    private static float[][] rows(List<WindowEmbedding> emb, List<Integer> idx) {
        float[][] x = new float[idx.size()][];
        for (int i = 0; i < x.length; i++) x[i] = emb.get(idx.get(i)).fused();
        return x;
    }

    private static int[] labels(List<ProbeSet.Example> ex, List<Integer> idx, ProbeSuite.Probe p) {
        int[] y = new int[idx.size()];
        for (int i = 0; i < y.length; i++)
            y[i] = p.label().applyAsInt(ex.get(idx.get(i)).factors());
        return y;
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
