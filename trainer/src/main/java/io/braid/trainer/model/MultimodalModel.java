package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashSet;
import java.util.Set;

/** A model = config + parameters + an objective. Subclasses add their heads and define loss and probe features. */
public abstract class MultimodalModel implements AutoCloseable {
    protected final ModelConfig cfg;
    protected final ParamStore ps;

    protected MultimodalModel(ModelConfig cfg, NDManager parent, boolean trainable) {
        this.cfg = cfg;
        this.ps = new ParamStore(parent, cfg.initSeed(), trainable);
        Encoders.init(ps, cfg);
    }

    public static MultimodalModel create(ModelConfig cfg, NDManager parent) {
        return create(cfg, parent, true);
    }

    /** {@code trainable = false}: parameters without gradients, for inference ({@link InferenceModel}). */
    public static MultimodalModel create(ModelConfig cfg, NDManager parent, boolean trainable) {
        return switch (cfg.objective()) {
            case ModelConfig.COMM -> new CommModel(cfg, parent, trainable);
            case ModelConfig.DECUR -> new DecurModel(cfg, parent, trainable);
            case ModelConfig.CROSS, ModelConfig.CROSS_SELF -> new CrossModel(cfg, parent, trainable);
            case ModelConfig.DIMML -> new DiMmlModel(cfg, parent, trainable);
            default -> throw new IllegalArgumentException("unknown objective " + cfg.objective());
        };
    }

    public ModelConfig config() {
        return cfg;
    }

    public ParamStore params() {
        return ps;
    }

    /** 2 for the contrastive objectives (rows = [view '; view '']), 1 for supervised DI-MML. */
    public int viewsPerSample() {
        return 2;
    }

    /** Scalar training loss of one batch. */
    public abstract NDArray loss(Batch.Nd batch);

    /** Frozen probe features (B, F) of un-augmented inputs. */
    public abstract NDArray features(Batch.Nd batch);

    /** Probe features after the objective's projection (Cross), or null where the model has none to report. */
    public NDArray projections(Batch.Nd batch) {
        return null;
    }

    /**
     * Inference embeddings of un-augmented rows: the fused vector (B, F) and one (B, d) vector per modality (rows
     * where a modality is absent carry no meaning in its vector). Default: the probe features as the fused vector
     * and the mean-pooled encoder features per modality; CoMM fuses with its transformer.
     */
    public Embeddings embeddings(Batch.Nd batch) {
        return new Embeddings(features(batch), pooled(batch));
    }

    /** Result of {@link #embeddings}: tensors attached to the batch's manager. */
    public record Embeddings(NDArray fused, NDArray[] perModality) {}

    /** Names of the parameters the optimiser updates in the current training phase. */
    public Set<String> trainable() {
        return new LinkedHashSet<>(ps.params().keySet());
    }

    /** Unimodal token sequences → mean-pooled (B, d) per modality. */
    protected NDArray[] pooled(Batch.Nd b) {
        return Encoders.pooled(Encoders.tokens(ps, cfg, b), b);
    }

    protected static NDArray concatFeatures(NDArray[] f) {
        return NDArrays.concat(new NDList(f), 1);
    }

    /** Registers Linear → BN → ReLU → ... → Linear (BN affine), the SimCLR-style projection head. */
    protected void initMlp(String p, boolean bias, int... dims) {
        for (int i = 0; i + 1 < dims.length; i++) {
            ps.linear(p + ".l" + i, dims[i], dims[i + 1], bias);
            if (i + 2 < dims.length) ps.layerNormLike(p + ".bn" + i, dims[i + 1]);
        }
    }

    /** Applies {@link #initMlp} to (G, N, in); BN uses separate batch statistics for each group G (§2.2). */
    protected NDArray mlp(String p, NDArray x, int layers) {
        for (int i = 0; i < layers; i++) {
            x = Nn.linear(x, ps, p + ".l" + i);
            if (i + 1 < layers) {
                x = Nn.groupBatchNorm(x, ps.get(p + ".bn" + i + ".gamma"), ps.get(p + ".bn" + i + ".beta"));
                x = Nn.relu(x);
            }
        }
        return x;
    }

    /** (M, N) presence tensor of the first N rows, or null when every modality is present in every row. */
    protected NDArray presenceMatrix(Batch.Nd b, int n) {
        Batch h = b.host();
        boolean all = true;
        float[] p = new float[Batch.MODALITIES * n];
        for (int m = 0; m < Batch.MODALITIES; m++)
            for (int r = 0; r < n; r++) {
                p[m * n + r] = h.presence[r * Batch.MODALITIES + m];
                all &= p[m * n + r] > 0;
            }
        return all ? null : b.manager().create(p, new Shape(Batch.MODALITIES, n));
    }

    @Override
    public void close() {
        ps.close();
    }
}
