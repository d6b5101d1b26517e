package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.braid.trainer.loss.DiMml;
import io.braid.trainer.loss.Losses;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * DI-MML (§4, three-modality form §4.5). Stage 1: per-modality heads h_m and a shared classifier g on each pooled
 * feature, each encoder trained only by its own CE terms, plus DUC for every ordered pair teacher → student on the
 * teacher-only effective dimensions (once {@link #setDucMasks} has been called). Stage 2: encoders frozen, a concat
 * fusion head is trained. Inference: certainty-weighted sum of the unimodal and fused logits. A missing modality gets
 * weight 0 in its CE and DUC terms, a zero block in the fusion input and no vote in the certainty weighting.
 */
public final class DiMmlModel extends MultimodalModel {
    private int stage = 1;
    private float[][][] ducMasks; // [teacher][student] -> D mask, or null

    DiMmlModel(ModelConfig cfg, NDManager parent, boolean trainable) {
        super(cfg, parent, trainable);
        for (int m = 0; m < Batch.MODALITIES; m++) ps.linear("h" + m, cfg.d(), cfg.numClasses(), true);
        ps.linear("g", cfg.d(), cfg.numClasses(), true);
        ps.linear("fusionhead", Batch.MODALITIES * cfg.d(), cfg.numClasses(), true);
    }

    @Override
    public int viewsPerSample() {
        return 1;
    }

    public void setStage(int stage) {
        this.stage = stage;
    }

    public int stage() {
        return stage;
    }

    /** masks[t][s] = 1 on dims in E_t \ E_s (effective for teacher t only); DUC is active once set. */
    public void setDucMasks(float[][][] masks) {
        this.ducMasks = masks;
    }

    /** Effective-dimension masks from pooled features per modality of a labelled set. */
    public static float[][][] ducMasks(float[][][] features, int[] labels, int classes) {
        int m = features.length;
        boolean[][] e = new boolean[m][];
        for (int i = 0; i < m; i++) e[i] = DiMml.effectiveDims(features[i], labels, classes);
        float[][][] masks = new float[m][m][];
        for (int t = 0; t < m; t++)
            for (int s = 0; s < m; s++) {
                if (t == s) continue;
                float[] mask = new float[e[t].length];
                boolean any = false;
                for (int j = 0; j < mask.length; j++) {
                    mask[j] = e[t][j] && !e[s][j] ? 1f : 0f;
                    any |= mask[j] > 0;
                }
                masks[t][s] = any ? mask : null;
            }
        return masks;
    }

    @Override
    public Set<String> trainable() {
        Set<String> all = new LinkedHashSet<>(ps.params().keySet());
        if (stage == 1) all.removeIf(n -> n.startsWith("fusionhead"));
        else all.removeIf(n -> !n.startsWith("fusionhead"));
        return all;
    }

    @Override
    public NDArray loss(Batch.Nd b) {
        NDArray[] f = pooled(b);
        NDArray y = Losses.oneHot(b.manager(), b.host().labels, cfg.numClasses());
        NDArray[] w = new NDArray[Batch.MODALITIES];
        for (int m = 0; m < Batch.MODALITIES; m++) w[m] = b.presence(m);
        if (stage == 2) {
            NDArray x = concatFeatures(f).stopGradient();
            return Losses.crossEntropy(Nn.linear(x, ps, "fusionhead"), y, null);
        }
        NDArray loss = null;
        for (int m = 0; m < Batch.MODALITIES; m++) {
            NDArray l = Losses.crossEntropy(Nn.linear(f[m], ps, "h" + m), y, w[m])
                    .add(Losses.crossEntropy(Nn.linear(f[m], ps, "g"), y, w[m]));
            loss = loss == null ? l : loss.add(l);
        }
        if (ducMasks != null) {
            for (int t = 0; t < Batch.MODALITIES; t++)
                for (int s = 0; s < Batch.MODALITIES; s++) {
                    if (t == s || ducMasks[t][s] == null) continue;
                    NDArray mask = b.manager().create(ducMasks[t][s]);
                    loss = loss.add(Losses.duc(f[s], f[t], mask, w[s].mul(w[t]), cfg.ducTau(), cfg.ducNormalize()));
                }
        }
        return loss;
    }

    @Override
    public NDArray features(Batch.Nd b) {
        return concatFeatures(pooled(b));
    }

    /** Logits per branch [h_sensor, h_image, h_text, fusion] as (4, B, C) host arrays. */
    public double[][][] branchLogits(Batch.Nd b) {
        return branchLogits(pooled(b));
    }

    /** As {@link #branchLogits(Batch.Nd)} from already pooled features (the scorer has them from its embeddings). */
    public double[][][] branchLogits(NDArray[] f) {
        double[][][] out = new double[Batch.MODALITIES + 1][][];
        for (int m = 0; m < Batch.MODALITIES; m++) out[m] = host(Nn.linear(f[m], ps, "h" + m));
        out[Batch.MODALITIES] = host(Nn.linear(concatFeatures(f), ps, "fusionhead"));
        return out;
    }

    /** Certainty-weighted prediction per row (§4.3) over the present branches. */
    public int[] predict(Batch.Nd b) {
        double[][][] logits = branchLogits(b);
        int rows = b.rows();
        boolean[][] present = new boolean[logits.length][rows];
        for (int r = 0; r < rows; r++) {
            for (int m = 0; m < Batch.MODALITIES; m++) present[m][r] = b.host().present(r, m);
            present[Batch.MODALITIES][r] = true;
        }
        double[][] fused = DiMml.fuse(logits, DiMml.certaintyWeights(logits, present, cfg.certaintyT()));
        int[] pred = new int[rows];
        for (int r = 0; r < rows; r++) pred[r] = DiMml.argmax(fused[r]);
        return pred;
    }

    private static double[][] host(NDArray a) {
        int r = (int) a.getShape().get(0), c = (int) a.getShape().get(1);
        float[] v = a.toFloatArray();
        double[][] o = new double[r][c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) o[i][j] = v[i * c + j];
        return o;
    }
}
