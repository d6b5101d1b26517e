package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * Functional layers over {@link ParamStore} tensors. The input is always the first operand, so every result lives in
 * the caller's (per-step) manager. Each matmul-like op reports its FLOPs to {@link Flops}.
 */
public final class Nn {
    public static final float NEG = -1e9f;

    private Nn() {}

    /**
     * A constant for a differentiable op, owned by {@code like}'s manager (the step's). Never use DJL's scalar
     * overloads ({@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)}, ...) in the graph: on the CPU they
     * wrap a temporary direct buffer without copying and close it right after the op, while autograd keeps the scalar
     * for the backward pass, which then reads freed memory once a GC has run (gradients of 1e8, inf or NaN on a few
     * percent of training steps; tested in {@code ModelTest}).
     */
    public static NDArray scalar(NDArray like, float v) {
        return like.getManager().create(v);
    }

    /** max(x, floor), the floor a {@link #scalar}. */
    public static NDArray atLeast(NDArray x, float floor) {
        return x.maximum(scalar(x, floor));
    }

    public static NDArray linear(NDArray x, ParamStore ps, String prefix) {
        NDArray w = ps.get(prefix + ".weight");
        NDArray b = ps.params().get(prefix + ".bias");
        Shape s = x.getShape();
        long rows = s.size() / s.get(s.dimension() - 1);
        Flops.add(2L * rows * w.getShape().get(0) * w.getShape().get(1));
        return b == null
                ? Linear.linear(x, w).singletonOrThrow()
                : Linear.linear(x, w, b).singletonOrThrow();
    }

    /** Conv1d on (B, C, T). */
    public static NDArray conv1d(NDArray x, ParamStore ps, String prefix, int stride, int pad) {
        NDArray w = ps.get(prefix + ".weight");
        NDArray y = Conv1d.conv1d(x, w, ps.get(prefix + ".bias"), new Shape(stride), new Shape(pad), new Shape(1))
                .singletonOrThrow();
        Shape ws = w.getShape();
        Flops.add(2L * y.getShape().size() * ws.get(1) * ws.get(2));
        return y;
    }

    /** Conv2d on (B, C, H, W). */
    public static NDArray conv2d(NDArray x, ParamStore ps, String prefix, int stride, int pad) {
        NDArray w = ps.get(prefix + ".weight");
        NDArray y = Conv2d.conv2d(
                        x, w, ps.get(prefix + ".bias"), new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1))
                .singletonOrThrow();
        Shape ws = w.getShape();
        Flops.add(2L * y.getShape().size() * ws.get(1) * ws.get(2) * ws.get(3));
        return y;
    }

    public static NDArray layerNorm(NDArray x, ParamStore ps, String prefix) {
        NDArray g = ps.get(prefix + ".gamma");
        return LayerNorm.layerNorm(x, g.getShape(), g, ps.get(prefix + ".beta"), 1e-5f)
                .singletonOrThrow();
    }

    public static NDArray relu(NDArray x) {
        return Activation.relu(x);
    }

    /** u * sigmoid(1.702 u) (CLIP's QuickGELU). */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(Activation.sigmoid(x.mul(scalar(x, 1.702f))));
    }

    /** Batched matmul that also counts FLOPs: (..., n, k) x (..., k, m). */
    public static NDArray matMul(NDArray a, NDArray b) {
        Shape sa = a.getShape();
        Shape sb = b.getShape();
        long batch = sa.size() / (sa.get(sa.dimension() - 2) * sa.get(sa.dimension() - 1));
        Flops.add(2L * batch * sa.get(sa.dimension() - 2) * sa.get(sa.dimension() - 1) * sb.get(sb.dimension() - 1));
        return a.matMul(b);
    }

    /**
     * Training-mode batch norm over axis {@code axis} of a (G, N, F) tensor, i.e. separate batch statistics for each of
     * the G groups (one group = one projection-head call, §2.2), biased variance, eps 1e-5, optional affine.
     */
    public static NDArray groupBatchNorm(NDArray x, NDArray gamma, NDArray beta) {
        NDArray mean = x.mean(new int[] {1}, true);
        NDArray c = x.sub(mean);
        NDArray var = c.square().mean(new int[] {1}, true);
        NDArray y = c.div(var.add(scalar(var, 1e-5f)).sqrt());
        if (gamma != null) y = y.mul(gamma).add(beta);
        return y;
    }

    /**
     * Pre-LN transformer block (CLIP style): x + MHA(LN1 x); x + FFN(LN2 x) with QuickGELU. One fused QKV projection.
     * {@code keyMask} is an additive (B, 1, 1, L) mask (0 keep, -1e9 drop) or null.
     */
    public static NDArray preLnBlock(NDArray x, NDArray keyMask, ParamStore ps, String p, int heads) {
        Shape s = x.getShape();
        long b = s.get(0), l = s.get(1), d = s.get(2), dh = d / heads;
        NDArray h = layerNorm(x, ps, p + ".ln1");
        NDArray qkv = linear(h, ps, p + ".qkv").reshape(b, l, 3, heads, dh).transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0);
        q = q.mul(scalar(q, (float) (1.0 / Math.sqrt(dh))));
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray att = matMul(q, k.transpose(0, 1, 3, 2));
        if (keyMask != null) att = att.add(keyMask);
        att = att.softmax(-1);
        NDArray o = matMul(att, v).transpose(0, 2, 1, 3).reshape(b, l, d);
        x = x.add(linear(o, ps, p + ".out"));
        NDArray f = linear(quickGelu(linear(layerNorm(x, ps, p + ".ln2"), ps, p + ".fc1")), ps, p + ".fc2");
        return x.add(f);
    }

    /** Registers the parameters of {@link #preLnBlock} with the CoMM initialisation (§2.2). */
    public static void initPreLnBlock(ParamStore ps, String p, int d, int ffn, int layers) {
        double attnStd = Math.pow(d, -0.5);
        double projStd = attnStd * Math.pow(2.0 * layers, -0.5);
        ps.layerNorm(p + ".ln1", d);
        ps.normal(p + ".qkv.weight", new Shape(3L * d, d), attnStd);
        ps.fill(p + ".qkv.bias", new Shape(3L * d), 0f);
        ps.normal(p + ".out.weight", new Shape(d, d), projStd);
        ps.fill(p + ".out.bias", new Shape(d), 0f);
        ps.layerNorm(p + ".ln2", d);
        ps.normal(p + ".fc1.weight", new Shape(ffn, d), Math.pow(2.0 * d, -0.5));
        ps.uniform(p + ".fc1.bias", new Shape(ffn), 1.0 / Math.sqrt(d));
        ps.normal(p + ".fc2.weight", new Shape(d, ffn), projStd);
        ps.uniform(p + ".fc2.bias", new Shape(d), 1.0 / Math.sqrt(ffn));
    }

    /** 1-D sin-cos table (L, d): first half sin(p·ω_k), second half cos(p·ω_k), ω_k = 10000^(-k/(d/2)). */
    public static float[] sinCos1d(int len, int d) {
        float[] t = new float[len * d];
        int half = d / 2;
        for (int p = 0; p < len; p++)
            for (int k = 0; k < half; k++) {
                double w = Math.pow(10000, -(double) k / half);
                t[p * d + k] = (float) Math.sin(p * w);
                t[p * d + half + k] = (float) Math.cos(p * w);
            }
        return t;
    }

    /** 2-D sin-cos table (h·w, d), MoCo-v3 layout [sin(wω), cos(wω), sin(hω), cos(hω)], q = d/4. */
    public static float[] sinCos2d(int gh, int gw, int d) {
        float[] t = new float[gh * gw * d];
        int q = d / 4;
        for (int h = 0; h < gh; h++)
            for (int w = 0; w < gw; w++) {
                int row = (h * gw + w) * d;
                for (int k = 0; k < q; k++) {
                    double om = Math.pow(10000, -(double) k / q);
                    t[row + k] = (float) Math.sin(w * om);
                    t[row + q + k] = (float) Math.cos(w * om);
                    t[row + 2 * q + k] = (float) Math.sin(h * om);
                    t[row + 3 * q + k] = (float) Math.cos(h * om);
                }
            }
        return t;
    }
}
