package io.braid.trainer.score;

import io.braid.avro.Embedding;
import io.braid.avro.Modality;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Prediction;
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

    /** {@code prediction} is null for models without class heads. */
    public record Scored(Embedding embedding, Prediction prediction) implements Result {}

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
        long now = clock.getAsLong();
        long trainedThrough = version.getTrainedThrough().toEpochMilli();
        for (int k = 0; k < scored.size(); k++) {
            Input in = inputs.get(at.get(k));
            boolean isStale = stale(in.window(), trainedThrough, maxAge);
            InferenceModel.Scored s = scored.get(k);
            out[at.get(k)] = new Scored(
                    embedding(in, s, version, isStale, now),
                    s.classes() == null ? null : prediction(in.window(), s.classes(), version, isStale, now));
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

    private static List<Float> floats(float[] a) {
        List<Float> l = new ArrayList<>(a.length);
        for (float x : a) l.add(x);
        return l;
    }
}
