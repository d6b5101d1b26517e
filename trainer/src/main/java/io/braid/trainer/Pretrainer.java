package io.braid.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.braid.trainer.data.Windows;
import io.braid.trainer.model.AdamW;
import io.braid.trainer.model.Batch;
import io.braid.trainer.model.DiMmlModel;
import io.braid.trainer.model.MultimodalModel;
import io.braid.trainer.model.ThreadGradients;
import io.braid.trainer.online.TrainingPairBatches;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToIntFunction;

/**
 * Offline training loop: segment-aware batches; each batch's training pairs are made by the Flink job's augmentation
 * and decoded by the mm.train adapter ({@link Windows#augmented}) on a host thread while the previous step runs;
 * one per-step sub-manager and one gradient collector per step (djl.md §5), AdamW with decoupled decay. DI-MML runs its
 * two stages: stage 1 (DUC from epoch {@code max(1, epochs/4)}, dims fixed then), stage 2 fusion head.
 */
public final class Pretrainer {
    /** Called after every step. */
    public interface Progress {
        void step(String phase, int epoch, int epochs, int step, int steps, double loss);
    }

    /** {@code clipNorm}: global gradient-norm clip, 0 = off (methods.md §2.6: no clipping). */
    public record Options(int epochs, int batch, double lr, double wd, long seed, int stage2Epochs, double clipNorm) {
        /** With the previous default clip ({@link #CLIP_NORM}), for the callers that have not chosen one. */
        public Options(int epochs, int batch, double lr, double wd, long seed, int stage2Epochs) {
            this(epochs, batch, lr, wd, seed, stage2Epochs, CLIP_NORM);
        }
    }

    /** Steps with a non-finite loss or gradient are skipped (weights untouched); training aborts beyond this many. */
    static final int MAX_SKIPPED = 20;

    /** The clip of the 6-argument {@link Options}; generous, it only tames rare spikes ({@code eval} defaults to off). */
    static final double CLIP_NORM = 5.0;

    private final MultimodalModel model;
    private final NDManager manager;
    private final Options o;
    private final TrainingPairBatches adapter;

    /** {@code options.seed()} orders the batches; the views are seeded by their windows (see {@link Windows}). */
    public Pretrainer(MultimodalModel model, NDManager manager, Options options) {
        this.model = model;
        this.manager = manager;
        this.o = options;
        this.adapter = Windows.adapter(model.config());
    }

    /** Trains; {@code labels} supplies the supervised label of a row (DI-MML only). Returns the last epoch's mean loss. */
    public double train(Windows data, ToIntFunction<Integer> labels, Progress progress) {
        if (model instanceof DiMmlModel di) {
            di.setStage(1);
            int ducFrom = Math.max(1, o.epochs() / 4);
            double last = 0;
            AdamW opt = new AdamW(model.params(), o.lr(), o.wd());
            opt.setClipNorm(o.clipNorm());
            for (int e = 0; e < o.epochs(); e++) {
                if (e == ducFrom) di.setDucMasks(ducMasks(di, data, labels));
                last = epoch(data, labels, opt, e, o.epochs(), "stage1", progress);
            }
            di.setStage(2);
            AdamW opt2 = new AdamW(model.params(), o.lr(), 1e-4);
            for (int e = 0; e < o.stage2Epochs(); e++)
                last = epoch(data, labels, opt2, e, o.stage2Epochs(), "stage2", progress);
            return last;
        }
        AdamW opt = new AdamW(model.params(), o.lr(), o.wd());
        opt.setClipNorm(o.clipNorm());
        double last = 0;
        for (int e = 0; e < o.epochs(); e++) last = epoch(data, labels, opt, e, o.epochs(), "train", progress);
        return last;
    }

    private double epoch(
            Windows data,
            ToIntFunction<Integer> labels,
            AdamW opt,
            int e,
            int epochs,
            String phase,
            Progress progress) {
        List<int[]> batches = data.epochBatches(o.batch(), new SplittableRandom(o.seed() * 31 + e + phase.hashCode()));
        int views = model.viewsPerSample();
        ExecutorService prep = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "augment");
            t.setDaemon(true);
            return t;
        });
        double sum = 0;
        try {
            CompletableFuture<Batch> next = prepare(prep, data, batches.get(0), views, e, labels);
            for (int s = 0; s < batches.size(); s++) {
                Batch host = next.join();
                if (s + 1 < batches.size()) next = prepare(prep, data, batches.get(s + 1), views, e, labels);
                double loss = step(host, opt);
                if (!Double.isFinite(loss))
                    throw new IllegalStateException("non-finite loss at epoch " + e + " step " + s);
                sum += loss;
                if (progress != null) progress.step(phase, e, epochs, s, batches.size(), loss);
            }
        } finally {
            prep.shutdownNow();
        }
        return sum / batches.size();
    }

    private CompletableFuture<Batch> prepare(
            ExecutorService ex, Windows data, int[] idx, int views, int epoch, ToIntFunction<Integer> labels) {
        return CompletableFuture.supplyAsync(
                () -> {
                    int[] lab = null;
                    if (labels != null) {
                        lab = new int[idx.length];
                        for (int i = 0; i < idx.length; i++) lab[i] = labels.applyAsInt(idx[i]);
                    }
                    return data.augmented(adapter, idx, views, epoch, lab);
                },
                ex);
    }

    /** One optimisation step on a host batch; returns the loss. */
    public double step(Batch host, AdamW opt) {
        StepOutcome r = tryStep(host, opt);
        if (!r.applied()) System.err.printf("%nskipped a step: non-finite loss or gradient (loss %s)%n", r.loss());
        return r.loss();
    }

    /** The loss of a step and whether the update was applied (false: non-finite loss or gradient, weights untouched). */
    public record StepOutcome(double loss, boolean applied) {}

    /** One optimisation step that reports a skipped update instead of printing it (the online trainer's guard). */
    public StepOutcome tryStep(Batch host, AdamW opt) {
        double loss;
        boolean applied;
        try (NDManager step = manager.newSubManager()) {
            Batch.Nd b = host.toNd(step);
            try (var gc = ThreadGradients.open()) {
                NDArray l = model.loss(b);
                gc.backward(l);
                loss = l.getFloat();
            }
            if (Double.isFinite(loss)) applied = opt.step(model.trainable());
            else {
                opt.discard(model.trainable());
                applied = false;
            }
        }
        return new StepOutcome(loss, applied);
    }

    private float[][][] ducMasks(DiMmlModel di, Windows data, ToIntFunction<Integer> labels) {
        int n = data.size;
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = labels.applyAsInt(i);
        float[][][] f = Features.pooled(di, manager, data);
        return DiMmlModel.ducMasks(f, y, di.config().numClasses());
    }
}
