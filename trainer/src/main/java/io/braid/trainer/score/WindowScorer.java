package io.braid.trainer.score;

import io.braid.avro.Embedding;
import io.braid.avro.LinearHead;
import io.braid.avro.Modality;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Prediction;
import io.braid.serde.FloatList;
import io.braid.trainer.eval.LogisticProbe;
import io.braid.trainer.model.ClassScores;
import io.braid.trainer.model.InferenceModel;
import io.braid.trainer.model.WindowEmbedding;
import io.braid.trainer.online.PairRejectedException;
import io.braid.trainer.online.TrainingPairBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Scoring as a plain function, without Kafka: windows + a model version → one {@link Embedding} per window (and a
 * {@link Prediction} when the model has class heads), or the reason the model refuses the window. The scoring
 * processor calls it once per micro-batch; a benchmark can call it directly on a list of windows.
 */
public final class WindowScorer {
    /** A window to score and the wall time it was read (the start of its latency). */
    public record Input(MultimodalWindow window, long readAtMs) {}

    /** One input's outcome, in input order. */
    public sealed interface Result permits Scored, Rejected {}

    /**
     * {@code predictions}: one per prediction head of the version (ModelVersion.heads, on the fused vector) and, for
     * DI-MML, its certainty-weighted classes; empty for a version without heads.
     */
    public record Scored(Embedding embedding, List<Prediction> predictions) implements Result {}

    public record Rejected(PairRejectedException.Reason reason, String message) implements Result {}

    private WindowScorer() {}

    /** True when the model is too old for this window: window_end − trained_through > maxAge (0 = guard off). */
    public static boolean stale(MultimodalWindow w, long trainedThroughMs, Duration maxAge) {
        if (maxAge.isZero()) return false;
        return w.getWindowEnd().toEpochMilli() - trainedThroughMs > maxAge.toMillis();
    }

    /** Scores with the leased model (see {@link #score(InferenceModel, ModelVersion, List, Duration, LongSupplier)}). */
    public static List<Result> score(ModelSource.Lease lease, List<Input> inputs, Duration maxAge, LongSupplier clock) {
        return score(lease.model(), lease.version(), inputs, maxAge, clock);
    }

    /**
     * Validates every window with the model's adapter, embeds the valid ones in one batched forward pass and builds the
     * output records, stamped with {@code version}; {@code stale} is set where {@link #stale} holds for {@code maxAge}.
     */
    public static List<Result> score(
            InferenceModel model, ModelVersion version, List<Input> inputs, Duration maxAge, LongSupplier clock) {
        Result[] out = new Result[inputs.size()];
        List<TrainingPairBatches.View> views = new ArrayList<>(inputs.size());
        List<String> ids = new ArrayList<>(inputs.size());
        List<Integer> at = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            MultimodalWindow w = inputs.get(i).window();
            try {
                views.add(model.adapter().window(w));
                ids.add(w.getWindowId());
                at.add(i);
            } catch (PairRejectedException e) {
                out[i] = new Rejected(e.reason(), e.getMessage());
            }
        }
        List<InferenceModel.Scored> scored = views.isEmpty() ? List.of() : model.scoreAll(views, ids);
        List<Head> heads = heads(version);
        long now = clock.getAsLong();
        long trainedThrough = version.getTrainedThrough().toEpochMilli();
        for (int k = 0; k < scored.size(); k++) {
            Input in = inputs.get(at.get(k));
            boolean isStale = stale(in.window(), trainedThrough, maxAge);
            InferenceModel.Scored s = scored.get(k);
            List<Prediction> predictions = new ArrayList<>(heads.size() + 1);
            if (s.classes() != null) predictions.add(prediction(in.window(), s.classes(), version, isStale, now));
            float[] fused = s.embedding().fused();
            for (Head h : heads)
                if (h.probe().dim() == fused.length)
                    predictions.add(
                            headPrediction(in.window(), h, h.probe().probabilities(fused), version, isStale, now));
            out[at.get(k)] = new Scored(embedding(in, s, version, isStale, now), predictions);
        }
        return Arrays.asList(out);
    }

    static Embedding embedding(Input in, InferenceModel.Scored s, ModelVersion v, boolean stale, long now) {
        MultimodalWindow w = in.window();
        WindowEmbedding e = s.embedding();
        Map<String, List<Float>> per = new LinkedHashMap<>();
        List<Modality> used = new ArrayList<>();
        Map<String, Float> certainty = new LinkedHashMap<>();
        for (Modality m : Modality.values())
            if (e.modalities().contains(m)) {
                used.add(m);
                per.put(m.name(), floats(e.perModality().get(m)));
                if (s.classes() != null && s.classes().certaintyWeights().containsKey(m.name()))
                    certainty.put(m.name(), s.classes().certaintyWeights().get(m.name()));
                else if (v.getObjective().equals("comm") && e.perModality().get(m).length == e.fused().length)
                    certainty.put(m.name(), agreement(e.perModality().get(m), e.fused()));
            }
        return Embedding.newBuilder()
                .setWindowId(w.getWindowId())
                .setSourceId(w.getSourceId())
                .setWindowEnd(w.getWindowEnd())
                .setModelVersion(v.getVersion())
                .setModelTrainedThrough(v.getTrainedThrough())
                .setFused(floats(e.fused()))
                .setPerModality(per)
                .setModalitiesUsed(used)
                .setCertainty(certainty)
                .setLatencyMs((double) Math.max(0, now - in.readAtMs()))
                .setScoredAt(Instant.ofEpochMilli(now))
                .setStale(stale)
                .build();
    }

    static Prediction prediction(MultimodalWindow w, ClassScores c, ModelVersion v, boolean stale, long now) {
        List<String> labels = new ArrayList<>(c.probabilities().length);
        for (int i = 0; i < c.probabilities().length; i++) labels.add(Integer.toString(i));
        return Prediction.newBuilder()
                .setWindowId(w.getWindowId())
                .setSourceId(w.getSourceId())
                .setWindowEnd(w.getWindowEnd())
                .setTask(v.getObjective())
                .setClassLabels(labels)
                .setProbabilities(floats(c.probabilities()))
                .setPredicted(c.predicted())
                .setCertaintyWeights(new LinkedHashMap<>(c.certaintyWeights()))
                .setModelVersion(v.getVersion())
                .setModelTrainedThrough(v.getTrainedThrough())
                .setScoredAt(Instant.ofEpochMilli(now))
                .setStale(stale)
                .build();
    }

    /**
     * CoMM's per-modality certainty: how far the modality alone (its unimodal Z_m, the other modalities' tokens
     * removed) agrees with the fused Z, as (1 + cos) / 2 in [0, 1]. A modality whose evidence the fusion overrides
     * scores low. DI-MML gives its own certainty weights; the other objectives have no fused space to compare with.
     */
    static float agreement(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        if (na == 0 || nb == 0) return 0.5f;
        return (float) ((1 + dot / Math.sqrt(na * nb)) / 2);
    }

    /** A published linear head, ready to apply. */
    record Head(LinearHead spec, LogisticProbe probe) {}

    /** The version's heads; one whose sizes do not add up is left out (the others still predict). */
    static List<Head> heads(ModelVersion v) {
        List<Head> out = new ArrayList<>(v.getHeads().size());
        for (LinearHead h : v.getHeads()) {
            try {
                out.add(new Head(h, LogisticProbe.fromHead(h)));
            } catch (IllegalArgumentException e) {
                // a malformed head in a version: the embedding and the other heads are still good
            }
        }
        return out;
    }

    static Prediction headPrediction(MultimodalWindow w, Head h, double[] p, ModelVersion v, boolean stale, long now) {
        List<Float> probs = new ArrayList<>(p.length);
        int best = 0;
        for (int i = 0; i < p.length; i++) {
            probs.add((float) p[i]);
            if (p[i] > p[best]) best = i;
        }
        return Prediction.newBuilder()
                .setWindowId(w.getWindowId())
                .setSourceId(w.getSourceId())
                .setWindowEnd(w.getWindowEnd())
                .setTask(h.spec().getTask())
                .setClassLabels(new ArrayList<>(h.spec().getClassLabels()))
                .setProbabilities(probs)
                .setPredicted(best)
                .setModelVersion(v.getVersion())
                .setModelTrainedThrough(v.getTrainedThrough())
                .setScoredAt(Instant.ofEpochMilli(now))
                .setStale(stale)
                .build();
    }

    private static List<Float> floats(float[] a) {
        return new FloatList(a);
    }
}
