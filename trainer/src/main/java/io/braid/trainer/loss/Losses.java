package io.braid.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.braid.trainer.model.Nn;

/**
 * The objectives of methods.md as plain, dtype-generic NDArray math (autograd-traced). Losses over several independent
 * terms are batched over a leading group axis G to keep the number of native calls small.
 */
public final class Losses {
    private Losses() {}

    static NDArray eye(NDArray like, long n) {
        return like.getManager().eye((int) n, (int) n, 0, like.getDataType());
    }

    /** v / max(||v||_2, 1e-12) over the last axis. */
    public static NDArray l2normalize(NDArray v) {
        return v.div(Nn.atLeast(v.norm(new int[] {-1}, true), 1e-12f));
    }

    /**
     * NT-Xent (SimCLR 2N-anchor form, §1) for G independent pairs of (G, N, D) matrices. {@code weights} (G, N) or null
     * weights the anchors (both a_i and b_i get weight w_i); the result is (G) weighted means, for masking samples
     * whose embedding is meaningless (missing modality). Self-similarity gets -1e8 on the diagonal.
     */
    public static NDArray ntXent(NDArray a, NDArray b, NDArray weights, double tau) {
        return ntXent(a, b, weights, null, tau);
    }

    /**
     * As {@link #ntXent(NDArray, NDArray, NDArray, double)} with {@code falseNegatives} (N, N) or null: 1 where sample
     * j is no true negative of anchor i (e.g. a window of the same source moments apart on a stream without segment
     * ids); those similarities get -1e8 in every block, like self-similarity. The diagonal must be 0 (positives stay).
     */
    public static NDArray ntXent(NDArray a, NDArray b, NDArray weights, NDArray falseNegatives, double tau) {
        long n = a.getShape().get(1);
        a = l2normalize(a);
        b = l2normalize(b);
        NDArray inv = Nn.scalar(a, (float) (1.0 / tau));
        NDArray ab = Nn.matMul(a, b.transpose(0, 2, 1)).mul(inv);
        NDArray eye = eye(a, n);
        NDArray selfMask = eye.mul(Nn.scalar(eye, 1e8f));
        if (falseNegatives != null) {
            NDArray fn = falseNegatives.mul(Nn.scalar(falseNegatives, 1e8f));
            ab = ab.sub(fn);
            selfMask = selfMask.add(fn);
        }
        NDArray aa = Nn.matMul(a, a.transpose(0, 2, 1)).mul(inv).sub(selfMask);
        NDArray bb = Nn.matMul(b, b.transpose(0, 2, 1)).mul(inv).sub(selfMask);
        NDArray top = ab.concat(aa, 2);
        NDArray bot = bb.concat(ab.transpose(0, 2, 1), 2);
        NDArray s = top.concat(bot, 1); // (G, 2N, 2N); positive of row r is column r
        NDArray logp = s.logSoftmax(2).mul(eye(a, 2 * n)).sum(new int[] {2}); // (G, 2N)
        if (weights == null) return logp.mean(new int[] {1}).neg();
        NDArray w = weights.concat(weights, 1);
        return logp.mul(w).sum(new int[] {1}).neg().div(Nn.atLeast(w.sum(new int[] {1}), 1e-6f));
    }

    /** NT-Xent of one pair of (N, D) matrices, a scalar. */
    public static NDArray ntXent(NDArray a, NDArray b, double tau) {
        return ntXent(a.expandDims(0), b.expandDims(0), null, tau).squeeze(0);
    }

    /**
     * CoMM loss, code version (§2.4): {@code z1}, {@code z2} are (K, N, D) head outputs of views ' and '' with the K =
     * M+1 embeddings ordered [Z_1..Z_M, Z_full]. L_k = ½[NCE(z'_k, z''_full) + NCE(z''_k, z'_full)], loss = mean_k L_k.
     * {@code w1}, {@code w2} (K, N) or null: anchor weights per embedding (0 where that unimodal embedding has no input).
     * Returns (K+1): the K terms followed by the loss.
     */
    public static NDArray comm(NDArray z1, NDArray z2, NDArray w1, NDArray w2, double tau) {
        return comm(z1, z2, w1, w2, null, tau);
    }

    /** CoMM loss with a false-negative mask (N, N) or null, see {@link #ntXent(NDArray, NDArray, NDArray, NDArray, double)}. */
    public static NDArray comm(NDArray z1, NDArray z2, NDArray w1, NDArray w2, NDArray falseNegatives, double tau) {
        long k = z1.getShape().get(0);
        NDIndex uni = new NDIndex("0:{}", k - 1);
        NDIndex full = new NDIndex("{}:", k - 1);
        NDArray f1 = z1.get(full), f2 = z2.get(full);
        NDArray a = NDArrays.concat(new NDList(z1.get(uni), z2.get(uni), f1), 0);
        NDArray b = NDArrays.concat(new NDList(f2.repeat(0, k - 1), f1.repeat(0, k - 1), f2), 0);
        NDArray w = null;
        if (w1 != null)
            w = NDArrays.concat(
                    new NDList(w1.get(uni), w2.get(uni), w1.get(full).mul(w2.get(full))), 0);
        NDArray nce = ntXent(a, b, w, falseNegatives, tau); // (2K-1)
        NDArray terms = nce.get(uni)
                .add(nce.get(new NDIndex("{}:{}", k - 1, 2 * k - 2)))
                .mul(Nn.scalar(a, 0.5f))
                .concat(nce.get(new NDIndex("{}:", 2 * k - 2)));
        return terms.concat(terms.mean().reshape(1));
    }

    /**
     * Per-feature standardisation over axis 1 of (G, N, K) with batch statistics (biased variance, eps 1e-5), optionally
     * weighted per sample by {@code w} (G, N, 1) (weights 0 exclude a sample).
     */
    public static NDArray bn0(NDArray z, NDArray w) {
        if (w == null) {
            NDArray c = z.sub(z.mean(new int[] {1}, true));
            return c.div(c.square()
                    .mean(new int[] {1}, true)
                    .add(Nn.scalar(c, 1e-5f))
                    .sqrt());
        }
        NDArray sw = Nn.atLeast(w.sum(new int[] {1}, true), 1e-6f);
        NDArray c = z.sub(z.mul(w).sum(new int[] {1}, true).div(sw));
        NDArray var = c.square().mul(w).sum(new int[] {1}, true).div(sw);
        return c.div(var.add(Nn.scalar(var, 1e-5f)).sqrt());
    }

    /** Cross-correlation C = BN0(a)ᵀ·diag(w)·BN0(b) / Σw, batched: (G, K, K). */
    public static NDArray crossCorrelation(NDArray a, NDArray b, NDArray w) {
        NDArray na = bn0(a, w), nb = bn0(b, w);
        if (w == null)
            return Nn.matMul(na.transpose(0, 2, 1), nb)
                    .div(Nn.scalar(na, a.getShape().get(1)));
        NDArray sw = Nn.atLeast(w.sum(new int[] {1}, true), 1e-6f); // (G,1,1)
        return Nn.matMul(na.mul(w).transpose(0, 2, 1), nb).div(sw);
    }

    /** Σ_i (1 − C_ii)² + λ Σ_{i≠j} C_ij² per group (Barlow Twins); with {@code unique} the diagonal target is 0. */
    public static NDArray barlow(NDArray c, double lambda, boolean unique) {
        NDArray diag = c.mul(eye(c, c.getShape().get(1))).sum(new int[] {2}); // (G, K)
        NDArray on = unique
                ? diag.square().sum(new int[] {1})
                : diag.sub(Nn.scalar(diag, 1f)).square().sum(new int[] {1});
        NDArray off = c.square().sum(new int[] {1, 2}).sub(diag.square().sum(new int[] {1}));
        return on.add(off.mul(Nn.scalar(off, (float) lambda)));
    }

    /**
     * DeCUR, M-modality extension (§3.3, §3.8). {@code z} is (M, 2, N, K): projector outputs of modality m, view v.
     * {@code presence} (M, N), or (M, 2, N) with each view's own presence, or null. Intra-modal BT for each modality (views 1 vs 2); for each pair m < n the
     * cross-correlation of the first views, split into the common block [0, Kc) (target identity) and the unique block
     * [Kc, K) (target zero); total = (Σ_m L_Mm + Σ_{m<n} ½(L_com + L_uni)) / (M + M(M−1)/2). Returns [total, L_M1..L_MM,
     * then (L_com, L_uni) per pair].
     */
    public static NDArray decur(NDArray z, NDArray presence, int kc, double lambda) {
        int m = (int) z.getShape().get(0);
        long k = z.getShape().get(3);
        NDList as = new NDList(), bs = new NDList(), ws = new NDList();
        boolean perView = presence != null && presence.getShape().dimension() == 3;
        for (int i = 0; i < m; i++) {
            as.add(z.get(i, 0));
            bs.add(z.get(i, 1));
            // intra term pairs view ' with view '': a sample counts when the modality is in both views
            if (presence != null) ws.add(perView ? presence.get(i, 0).mul(presence.get(i, 1)) : presence.get(i));
        }
        int pairs = 0;
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++) {
                as.add(z.get(i, 0));
                bs.add(z.get(j, 0));
                if (presence != null)
                    ws.add(
                            perView
                                    ? presence.get(i, 0).mul(presence.get(j, 0))
                                    : presence.get(i).mul(presence.get(j)));
                pairs++;
            }
        NDArray w = presence == null ? null : NDArrays.stack(ws).expandDims(2);
        NDArray c = crossCorrelation(NDArrays.stack(as), NDArrays.stack(bs), w); // (M + P, K, K)
        NDArray intra = barlow(c.get(new NDIndex("0:{}", m)), lambda, false);
        NDArray cross = c.get(new NDIndex("{}:", m));
        NDArray com = barlow(cross.get(new NDIndex(":, 0:{}, 0:{}", kc, kc)), lambda, false);
        NDArray uni = barlow(cross.get(new NDIndex(":, {}:, {}:", kc, kc)), lambda, true);
        NDArray total =
                intra.sum().add(com.add(uni).sum().mul(Nn.scalar(com, 0.5f))).div(Nn.scalar(com, m + pairs));
        NDArray parts = com.stack(uni, 1).reshape(2L * pairs);
        return total.reshape(1).concat(intra).concat(parts);
    }

    /**
     * DI-MML DUC term for one teacher → student direction (§4.2): rows of student and teacher are restricted to the
     * dimensions in {@code dimMask} (D) (1 = in the teacher-only effective set), the teacher is stop-gradient, logits
     * are raw (or L2-normalised) dot products / τ, CE against the diagonal (denominator includes the positive).
     * {@code weights} (B) or null.
     */
    public static NDArray duc(
            NDArray student, NDArray teacher, NDArray dimMask, NDArray weights, double tau, boolean normalize) {
        NDArray s = student.mul(dimMask);
        NDArray t = teacher.stopGradient().mul(dimMask);
        if (normalize) {
            s = l2normalize(s);
            t = l2normalize(t);
        }
        NDArray logits = Nn.matMul(s, t.transpose()).div(Nn.scalar(s, (float) tau));
        long b = logits.getShape().get(0);
        NDArray logp = logits.logSoftmax(1).mul(eye(logits, b)).sum(new int[] {1});
        if (weights == null) return logp.mean().neg();
        return logp.mul(weights).sum().neg().div(Nn.atLeast(weights.sum(), 1e-6f));
    }

    /** Class-balanced-free cross-entropy of logits (B, C) with int labels, optional per-row weights. */
    public static NDArray crossEntropy(NDArray logits, NDArray oneHot, NDArray weights) {
        NDArray nll = logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
        if (weights == null) return nll.mean();
        return nll.mul(weights).sum().div(Nn.atLeast(weights.sum(), 1e-6f));
    }

    /** One-hot (B, C) float tensor from int labels. */
    public static NDArray oneHot(NDManager m, int[] labels, int classes) {
        float[] o = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) o[i * classes + labels[i]] = 1f;
        return m.create(o, new Shape(labels.length, classes));
    }
}
