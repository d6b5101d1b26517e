package io.braid.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.braid.avro.Modality;
import io.braid.avro.MultimodalWindow;
import io.braid.text.Tokenizer;
import io.braid.trainer.loss.DiMml;
import io.braid.trainer.online.Checkpoint;
import io.braid.trainer.online.PairRejectedException;
import io.braid.trainer.online.TrainingPairBatches;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A published model loaded for inference (the scorer's entry point):
 *
 * <pre>{@code
 * try (InferenceModel m = InferenceModel.load(store, version)) {
 *     WindowEmbedding e = m.embed(window);
 * }
 * }</pre>
 *
 * <p>Parameters are created without gradients (no autograd buffers; djl.md §5). Every call runs with grad mode off on
 * the calling thread (PyTorch's grad mode is thread-local, djl.md §5.5) and in its own sub-manager, and the forward
 * code only ever uses parameters as the second operand of an op, so results never attach to the parameters' manager:
 * one instance serves any number of threads concurrently. Windows go through the one adapter
 * ({@link TrainingPairBatches#window}), with the same validation as training pairs.
 */
public final class InferenceModel implements AutoCloseable {
    /** Rows per forward pass of {@link #embedAll}. */
    public static final int BATCH = 256;

    private static final Modality[] MODALITY = new Modality[Batch.MODALITIES];

    static {
        MODALITY[Batch.SENSOR] = Modality.SENSOR;
        MODALITY[Batch.IMAGE] = Modality.VISION;
        MODALITY[Batch.TEXT] = Modality.TEXT;
    }

    private final NDManager manager;
    private final MultimodalModel model;
    private final TrainingPairBatches adapter;
    private final String version;

    private InferenceModel(NDManager manager, MultimodalModel model, String vocabVersion, String version) {
        this.manager = manager;
        this.model = model;
        this.adapter = new TrainingPairBatches(new TrainingPairBatches.Expectation(model.config(), vocabVersion));
        this.version = version;
    }

    /** The version {@code version} of the store (an online checkpoint), its checksum verified. */
    public static InferenceModel load(ModelStore store, String version) throws IOException {
        return fromCheckpoint(store.read(version), version);
    }

    /** A model from online-checkpoint bytes (parameters only; the optimizer state is not read). */
    public static InferenceModel fromCheckpoint(byte[] bytes, String version) throws IOException {
        Checkpoint.Opened c = Checkpoint.open(bytes);
        NDManager m = NDManager.newBaseManager();
        MultimodalModel model = null;
        try {
            model = MultimodalModel.create(c.config(), m, false);
            Checkpoint.restore(c, model, null);
            return new InferenceModel(m, model, c.meta().vocabVersion(), version);
        } catch (IOException | RuntimeException e) {
            if (model != null) model.close();
            m.close();
            throw e;
        }
    }

    /** A model saved with {@link ModelStore#save} (a directory with config.json and params.bin). */
    public static InferenceModel loadDirectory(Path dir, String version) throws IOException {
        ModelConfig cfg =
                ModelConfig.fromJson(Files.readString(dir.resolve(ModelStore.CONFIG), StandardCharsets.UTF_8));
        NDManager m = NDManager.newBaseManager();
        MultimodalModel model = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve(ModelStore.PARAMS)))) {
            model = MultimodalModel.create(cfg, m, false);
            model.params().load(in);
            return new InferenceModel(m, model, Tokenizer.VERSION, version);
        } catch (IOException | RuntimeException e) {
            if (model != null) model.close();
            m.close();
            throw e;
        }
    }

    /**
     * The untrained model of {@code cfg}: the parameters a fresh trainer starts from (same init seed), the reference
     * of "step 0" for probe metrics.
     */
    public static InferenceModel untrained(ModelConfig cfg, String vocabVersion, String version) {
        NDManager m = NDManager.newBaseManager();
        try {
            return new InferenceModel(m, MultimodalModel.create(cfg, m, false), vocabVersion, version);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public String version() {
        return version;
    }

    public ModelConfig config() {
        return model.config();
    }

    /** The adapter windows go through (its {@link TrainingPairBatches#window} validates one). */
    public TrainingPairBatches adapter() {
        return adapter;
    }

    /** Embeds one window; a window the model cannot take (shape, vocabulary, values) is refused with its reason. */
    public WindowEmbedding embed(MultimodalWindow window) throws PairRejectedException {
        return embedAll(List.of(adapter.window(window)), List.of(window.getWindowId()))
                .get(0);
    }

    /** Embeds validated views ({@link TrainingPairBatches#window}) in batches of {@link #BATCH}; ids may be null. */
    public List<WindowEmbedding> embedAll(List<TrainingPairBatches.View> views, List<String> ids) {
        List<Scored> scored = run(views, ids, false);
        List<WindowEmbedding> out = new ArrayList<>(scored.size());
        for (Scored s : scored) out.add(s.embedding());
        return out;
    }

    /** True when the model has class heads ({@link #scoreAll} then returns {@link ClassScores}): DI-MML. */
    public boolean classifies() {
        return model instanceof DiMmlModel;
    }

    /** One window's embedding and, for a model that {@link #classifies()}, its class scores (else null). */
    public record Scored(WindowEmbedding embedding, ClassScores classes) {}

    /**
     * As {@link #embedAll}, plus the certainty-weighted class probabilities of a DI-MML model, computed from the same
     * pooled features in the same forward pass.
     */
    public List<Scored> scoreAll(List<TrainingPairBatches.View> views, List<String> ids) {
        return run(views, ids, classifies());
    }

    private List<Scored> run(List<TrainingPairBatches.View> views, List<String> ids, boolean classes) {
        List<Scored> out = new ArrayList<>(views.size());
        boolean grad = gradModeOff();
        try {
            for (int start = 0; start < views.size(); start += BATCH) {
                List<TrainingPairBatches.View> part = views.subList(start, Math.min(views.size(), start + BATCH));
                try (NDManager call = manager.newSubManager()) {
                    Batch host = adapter.plain(part);
                    MultimodalModel.Embeddings e = model.embeddings(host.toNd(call));
                    float[][] fused = rows(e.fused(), part.size());
                    float[][][] per = new float[Batch.MODALITIES][][];
                    for (int m = 0; m < Batch.MODALITIES; m++) per[m] = rows(e.perModality()[m], part.size());
                    ClassScores[] cls = classes ? classScores((DiMmlModel) model, e, host, part.size()) : null;
                    for (int r = 0; r < part.size(); r++) {
                        Map<Modality, float[]> byModality = new EnumMap<>(Modality.class);
                        Set<Modality> used = EnumSet.noneOf(Modality.class);
                        for (int m = 0; m < Batch.MODALITIES; m++)
                            if (host.present(r, m)) {
                                used.add(MODALITY[m]);
                                byModality.put(MODALITY[m], per[m][r]);
                            }
                        out.add(new Scored(
                                new WindowEmbedding(
                                        version,
                                        ids == null ? null : ids.get(start + r),
                                        fused[r],
                                        Collections.unmodifiableMap(byModality),
                                        Collections.unmodifiableSet(used)),
                                cls == null ? null : cls[r]));
                    }
                }
            }
        } finally {
            restoreGradMode(grad);
        }
        return out;
    }

    /** DI-MML inference (§4.3): branch logits from the pooled features, certainty weights over present branches. */
    private ClassScores[] classScores(DiMmlModel di, MultimodalModel.Embeddings e, Batch host, int rows) {
        double[][][] logits = di.branchLogits(e.perModality());
        boolean[][] present = new boolean[logits.length][rows];
        for (int r = 0; r < rows; r++) {
            for (int m = 0; m < Batch.MODALITIES; m++) present[m][r] = host.present(r, m);
            present[Batch.MODALITIES][r] = true;
        }
        double[][] w = DiMml.certaintyWeights(logits, present, di.config().certaintyT());
        double[][] fused = DiMml.fuse(logits, w);
        ClassScores[] out = new ClassScores[rows];
        for (int r = 0; r < rows; r++) {
            double[] o = fused[r];
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (double v : o) max = Math.max(max, v);
            for (double v : o) z += Math.exp(v - max);
            float[] p = new float[o.length];
            for (int c = 0; c < o.length; c++) p[c] = (float) (Math.exp(o[c] - max) / z);
            Map<String, Float> weights = new LinkedHashMap<>();
            for (int k = 0; k < logits.length; k++)
                if (present[k][r])
                    weights.put(k < Batch.MODALITIES ? MODALITY[k].name() : ClassScores.FUSION, (float) w[k][r]);
            out[r] = new ClassScores(p, DiMml.argmax(o), Collections.unmodifiableMap(weights));
        }
        return out;
    }

    private static float[][] rows(NDArray a, int n) {
        float[] v = a.toFloatArray();
        int cols = v.length / n;
        float[][] out = new float[n][cols];
        for (int r = 0; r < n; r++) System.arraycopy(v, r * cols, out[r], 0, cols);
        return out;
    }

    private static boolean pytorch() {
        return "PyTorch".equals(Engine.getInstance().getEngineName());
    }

    /** Turns grad mode off on this thread; returns the previous mode. */
    static boolean gradModeOff() {
        if (!pytorch()) return false;
        boolean prev = JniUtils.isGradMode();
        if (prev) JniUtils.setGradMode(false);
        return prev;
    }

    private static void restoreGradMode(boolean prev) {
        if (prev) JniUtils.setGradMode(true);
    }

    /** True when this thread's grad mode is on (PyTorch; false on other engines). */
    public static boolean gradMode() {
        return pytorch() && JniUtils.isGradMode();
    }

    /** True when no parameter records gradients (what {@link #load} promises). */
    public boolean parametersWithoutGradients() {
        for (NDArray p : model.params().params().values()) if (p.hasGradient()) return false;
        return true;
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
