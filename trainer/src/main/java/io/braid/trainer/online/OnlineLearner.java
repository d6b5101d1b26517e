package io.braid.trainer.online;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.braid.trainer.Pretrainer;
import io.braid.trainer.model.AdamW;
import io.braid.trainer.model.Batch;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.model.ModelStore;
import io.braid.trainer.model.MultimodalModel;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The engine side of online training, without Kafka: a model and its AdamW, the shuffle RNG and the offset ledger,
 * steps on drawn batches under the {@link StepGuard}, checkpoints into a {@link ModelStore}, resume from the latest
 * good checkpoint (a corrupt one falls back to the previous) and roll back to it.
 */
public final class OnlineLearner implements AutoCloseable {
    /** Global gradient-norm clip, as offline. */
    static final double CLIP_NORM = 5.0;

    public record StepReport(double loss, boolean applied, StepGuard.Action action, int pairs, String batchHash) {}

    private final NDManager manager;
    private final MultimodalModel model;
    private final AdamW opt;
    private final Pretrainer steps;
    private final TrainingPairBatches adapter;
    private final StepGuard guard;
    private final ModelStore store;
    private final String topic;
    private final SplitMix rng;
    private final OffsetLedger ledger;
    private final Checkpoint.Meta resumedFrom;
    private Checkpoint.Meta lastGood;
    private long step, pairsTrained, trainedThrough = Long.MIN_VALUE;
    private double lastLoss = Double.NaN;

    /**
     * Opens the store's latest good checkpoint (or starts fresh from {@code config} and {@code seed}); {@code log}
     * hears about skipped corrupt checkpoints.
     */
    public OnlineLearner(
            ModelStore store,
            ModelConfig config,
            String vocabVersion,
            String topic,
            double lr,
            double wd,
            long seed,
            StepGuard guard,
            Consumer<String> log)
            throws IOException {
        this(store, config, vocabVersion, topic, lr, wd, seed, guard, log, null, Device.cpu());
    }

    /**
     * As above, with the model, its optimizer state and every batch on {@code device}; when the store holds no
     * checkpoint and {@code initFrom} is given, the parameters start from that checkpoint (its architecture; fresh
     * AdamW state, step 0, offsets from the beginning) instead of a fresh initialisation: {@code replay --from-model}.
     */
    public OnlineLearner(
            ModelStore store,
            ModelConfig config,
            String vocabVersion,
            String topic,
            double lr,
            double wd,
            long seed,
            StepGuard guard,
            Consumer<String> log,
            Checkpoint.Opened initFrom,
            Device device)
            throws IOException {
        this.store = store;
        this.topic = topic;
        this.guard = guard;
        Checkpoint.Opened latest = latestGood(store, log);
        ModelConfig cfg = config;
        if (latest != null) {
            if (!latest.config().objective().equals(config.objective()))
                throw new IllegalStateException(
                        "the model store holds a " + latest.config().objective() + " model, not " + config.objective()
                                + ": use another --model-dir");
            if (!latest.meta().vocabVersion().equals(vocabVersion))
                throw new IllegalStateException(
                        "the checkpoint's vocabulary " + latest.meta().vocabVersion() + " != " + vocabVersion);
            cfg = latest.config();
        } else if (initFrom != null) {
            if (!initFrom.config().objective().equals(config.objective()))
                throw new IllegalStateException(
                        "--from-model " + initFrom.meta().version() + " is a "
                                + initFrom.config().objective() + " model, not " + config.objective());
            cfg = initFrom.config();
        }
        manager = NDManager.newBaseManager(device);
        model = MultimodalModel.create(cfg, manager);
        opt = new AdamW(model.params(), lr, wd);
        opt.setClipNorm(CLIP_NORM);
        steps = new Pretrainer(model, manager, new Pretrainer.Options(1, 1, lr, wd, seed, 0));
        adapter = new TrainingPairBatches(new TrainingPairBatches.Expectation(cfg, vocabVersion));
        if (latest != null) {
            Checkpoint.restore(latest, model, opt);
            Checkpoint.Meta m = latest.meta();
            step = m.step();
            pairsTrained = m.pairsTrained();
            trainedThrough = m.trainedThrough();
            lastLoss = m.loss();
            rng = new SplitMix(m.rngState());
            ledger = new OffsetLedger(m.offsets());
            resumedFrom = m;
            lastGood = m;
        } else {
            if (initFrom != null) Checkpoint.restore(initFrom, model, null);
            rng = new SplitMix(seed);
            ledger = new OffsetLedger(Map.of());
            resumedFrom = null;
        }
    }

    /** Newest checkpoint whose checksum and header verify; corrupt ones are reported and skipped. */
    static Checkpoint.Opened latestGood(ModelStore store, Consumer<String> log) throws IOException {
        List<ModelStore.Artifact> all = store.list();
        for (int i = all.size() - 1; i >= 0; i--) {
            String name = all.get(i).name();
            try {
                return Checkpoint.open(store.read(name));
            } catch (IOException | RuntimeException e) {
                log.accept("skipping checkpoint " + name + ": " + e.getMessage());
            }
        }
        return null;
    }

    public TrainingPairBatches adapter() {
        return adapter;
    }

    public SplitMix rng() {
        return rng;
    }

    public OffsetLedger ledger() {
        return ledger;
    }

    /** The checkpoint this learner resumed from, or null for a fresh start. */
    public Checkpoint.Meta resumedFrom() {
        return resumedFrom;
    }

    /** The device every array of this learner lives on. */
    public Device device() {
        return manager.getDevice();
    }

    public MultimodalModel model() {
        return model;
    }

    public long step() {
        return step;
    }

    public long pairsTrained() {
        return pairsTrained;
    }

    public long trainedThrough() {
        return trainedThrough;
    }

    public double lastLoss() {
        return lastLoss;
    }

    public StepGuard guard() {
        return guard;
    }

    /** One step on a drawn batch; its pairs count as consumed whether or not the guard let the update through. */
    public StepReport train(PairBatcher.Drawn d) throws IOException {
        Batch host = adapter.batch(d.samples(), d.falseNegatives());
        return train(host, d);
    }

    /** As {@link #train(PairBatcher.Drawn)} for a prepared host batch (tests inject hostile batches here). */
    StepReport train(Batch host, PairBatcher.Drawn d) throws IOException {
        Pretrainer.StepOutcome r = steps.tryStep(host, opt);
        for (PairBatcher.Item i : d.items()) {
            ledger.trained(i.partition(), i.offset());
            trainedThrough = Math.max(trainedThrough, i.sample().windowEnd());
        }
        pairsTrained += d.items().size();
        StepGuard.Action a = guard.after(r.applied());
        if (r.applied()) {
            step++;
            lastLoss = r.loss();
        } else if (a == StepGuard.Action.ROLLBACK) rollback();
        else if (a == StepGuard.Action.STOP)
            throw new TrainingFailedException("training stopped: " + guard.describe() + " did not help (last loss "
                    + r.loss() + "); check mm.train for bad data or lower --lr");
        return new StepReport(r.loss(), r.applied(), a, d.items().size(), d.hash());
    }

    /** Restores parameters and optimizer state of the last good checkpoint (offsets move on: no poison batch twice). */
    void rollback() throws IOException {
        if (lastGood == null) {
            throw new TrainingFailedException(
                    "non-finite steps in a row before any checkpoint: nothing to roll back to");
        }
        Checkpoint.Opened c = Checkpoint.open(store.read(lastGood.version()));
        Checkpoint.restore(c, model, opt);
        step = c.meta().step();
    }

    /** Writes a checkpoint named after the step; returns its meta and the stored artifact. */
    public Written checkpoint(long createdAt) throws IOException {
        return checkpoint(createdAt, null);
    }

    /** As {@link #checkpoint(long)}, recording the offsets of the last published version (see {@link Checkpoint.Meta}). */
    public Written checkpoint(long createdAt, Map<Integer, Long> publishedFrom) throws IOException {
        String version = String.format("v%012d", step);
        Checkpoint.Meta meta = new Checkpoint.Meta(
                version,
                model.config().objective(),
                topic,
                adapter.expectation().vocabVersion(),
                step,
                rng.state(),
                ledger.snapshot(),
                trainedThrough,
                pairsTrained,
                createdAt,
                lastLoss,
                publishedFrom == null ? null : Checkpoint.Meta.publishedFrom(publishedFrom));
        // a stored artifact of this name is one the resume skipped (corrupt or incomplete): replace it
        store.delete(version);
        ModelStore.Artifact a = store.put(version, out -> Checkpoint.write(out, meta, model, opt));
        lastGood = meta;
        return new Written(meta, a);
    }

    public record Written(Checkpoint.Meta meta, ModelStore.Artifact artifact) {}

    /** True when a checkpoint at the current step already exists (nothing new to save). */
    public boolean savedCurrentStep() {
        return lastGood != null && lastGood.step() == step;
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }

    /** Training cannot go on (sustained non-finite steps). */
    public static final class TrainingFailedException extends IllegalStateException {
        public TrainingFailedException(String message) {
            super(message);
        }
    }
}
