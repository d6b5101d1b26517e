package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * AdamW with decoupled weight decay applied only to the parameters {@link ParamStore#decays} selects (§2.6): DJL's
 * fused native Adam update is called once per tensor with that tensor's own decay (0 for biases, norms, 1-D). The
 * native update also zeroes the gradient.
 */
public final class AdamW {
    private final ParamStore ps;
    private final Map<String, NDArray[]> state = new HashMap<>();
    private final float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
    private float lr;
    private final float wd;
    private final Map<String, Integer> steps = new HashMap<>();
    private double clipNorm;
    private int skipped;

    public AdamW(ParamStore ps, double lr, double wd) {
        this.ps = ps;
        this.lr = (float) lr;
        this.wd = (float) wd;
    }

    public void setLearningRate(double lr) {
        this.lr = (float) lr;
    }

    /** Global gradient-norm clipping threshold (0 = off); applied through the native update's gradient rescale. */
    public void setClipNorm(double clip) {
        this.clipNorm = clip;
    }

    public int skippedSteps() {
        return skipped;
    }

    /**
     * Updates the named parameters. Returns false (and zeroes the gradients without updating) when the global gradient
     * norm is not finite, so one bad batch cannot poison the weights.
     */
    public boolean step(Set<String> names) {
        NDArray[] grads = new NDArray[names.size()];
        int i = 0;
        double norm2;
        try {
            // gradients (and anything computed from them) live in the parameters' long-lived manager: close every
            // intermediate here, or it leaks once per step (djl.md §5.2)
            norm2 = 0;
            for (String name : names) {
                grads[i] = ps.get(name).getGradient();
                try (NDArray sq = grads[i++].square();
                        NDArray sum = sq.sum()) {
                    norm2 += sum.getFloat();
                }
            }
            if (!Double.isFinite(norm2)) {
                if (skipped++ == 0) reportNonFinite(names, grads);
                for (String name : names) JniUtils.zeroGrad((PtNDArray) ps.get(name));
                return false;
            }
            float rescale = 1f;
            double norm = Math.sqrt(norm2);
            if (clipNorm > 0 && norm > clipNorm) rescale = (float) (clipNorm / norm);
            i = 0;
            for (String name : names) {
                NDArray p = ps.get(name);
                NDArray g = grads[i++];
                NDArray[] mv = state.computeIfAbsent(name, k -> new NDArray[] {p.zerosLike(), p.zerosLike()});
                int t = steps.merge(name, 1, Integer::sum);
                double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
                float lrCorr = (float) (lr * Math.sqrt(c2) / c1);
                float decay = ParamStore.decays(name, p) ? wd : 0f;
                p.getNDArrayInternal()
                        .adamUpdate(
                                new NDList(p, g, mv[0], mv[1]),
                                new NDList(p),
                                lr,
                                lrCorr,
                                decay,
                                rescale,
                                -1f,
                                beta1,
                                beta2,
                                eps,
                                true,
                                true);
            }
            return true;
        } finally {
            for (NDArray g : grads) if (g != null) g.close();
        }
    }

    /** Drops the accumulated gradients without updating (a step refused because its loss was not finite). */
    public void discard(Set<String> names) {
        skipped++;
        for (String name : names) JniUtils.zeroGrad((PtNDArray) ps.get(name));
    }

    /** Writes the moments and per-tensor step counts (so a resumed run keeps Adam's bias correction). */
    public void save(DataOutputStream o) throws IOException {
        o.writeInt(skipped);
        o.writeInt(state.size());
        for (String name : ps.params().keySet()) {
            NDArray[] mv = state.get(name);
            if (mv == null) continue;
            o.writeUTF(name);
            o.writeInt(steps.getOrDefault(name, 0));
            for (NDArray a : mv)
                for (float f : a.toType(DataType.FLOAT32, false).toFloatArray()) o.writeFloat(f);
        }
        o.flush();
    }

    /** Restores what {@link #save} wrote; the parameters must already have the saved layout. */
    public void load(DataInputStream in) throws IOException {
        skipped = in.readInt();
        int n = in.readInt();
        for (NDArray[] mv : state.values()) for (NDArray a : mv) a.close();
        state.clear();
        steps.clear();
        for (int k = 0; k < n; k++) {
            String name = in.readUTF();
            NDArray p = ps.params().get(name);
            if (p == null) throw new IOException("optimizer state for unknown tensor " + name);
            steps.put(name, in.readInt());
            NDArray[] mv = {p.zerosLike(), p.zerosLike()};
            for (NDArray a : mv) {
                float[] v = new float[(int) p.size()];
                for (int j = 0; j < v.length; j++) v[j] = in.readFloat();
                a.set(v);
            }
            state.put(name, mv);
        }
    }

    private static void reportNonFinite(Set<String> names, NDArray[] grads) {
        StringBuilder sb = new StringBuilder("non-finite gradients in:");
        int i = 0;
        for (String name : names) {
            // the same test as the step's: a sum of squares overflows before a sum of magnitudes does
            try (NDArray sq = grads[i++].square();
                    NDArray sum = sq.sum()) {
                float v = sum.getFloat();
                if (!Float.isFinite(v)) sb.append(' ').append(name).append(Float.isNaN(v) ? " (NaN)" : " (inf)");
            }
        }
        System.err.println(sb);
    }
}
