package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.braid.trainer.loss.Losses;

/**
 * CoMM (§2): tokens of all modalities are fused by a pre-LN transformer with a CLS token and a final LayerNorm into Z.
 * Unimodal embeddings Z_m re-run the fusion on [CLS; T_m] only (other modalities' tokens removed). The last layer only
 * computes the CLS query, which is exact because only the CLS output is read.
 */
public final class CommModel extends MultimodalModel {
    static final int[] ALL = {Batch.SENSOR, Batch.IMAGE, Batch.TEXT};
    private final int[] lengths;

    CommModel(ModelConfig cfg, NDManager parent, boolean trainable) {
        super(cfg, parent, trainable);
        int d = cfg.d();
        lengths = new int[] {Encoders.SENSOR_TOKENS, Encoders.IMAGE_TOKENS, cfg.textLength()};
        ps.normal("fusion.cls", new Shape(1, 1, d), 1.0);
        for (int l = 0; l < cfg.fusionLayers(); l++)
            Nn.initPreLnBlock(ps, "fusion.block" + l, d, 4 * d, cfg.fusionLayers());
        ps.layerNorm("fusion.ln", d);
        initMlp("head", true, d, cfg.headHidden(), cfg.headHidden(), cfg.headOut());
    }

    /** Z (B, d) of the fusion over the listed modalities' tokens. */
    public NDArray fuse(NDArray[] tokens, int[] modalities, Batch.Nd b) {
        return fuse(tokens, modalities, b, true);
    }

    /** {@code clsOnly=false} runs the last layer on every token (reference path for tests). */
    public NDArray fuse(NDArray[] tokens, int[] modalities, Batch.Nd b, boolean clsOnly) {
        return fuse(sequence(tokens, modalities, b.manager(), b.rows()), Masks.fusion(b, modalities, lengths), clsOnly);
    }

    /** [CLS; the listed modalities' tokens] (B, L, d). */
    private NDArray sequence(NDArray[] tokens, int[] modalities, NDManager manager, int rows) {
        NDList parts = new NDList();
        parts.add(manager.zeros(new Shape(rows, 1, cfg.d())).add(ps.get("fusion.cls")));
        for (int m : modalities) parts.add(tokens[m]);
        return NDArrays.concat(parts, 1);
    }

    /** Z of the fusion of {@code x} (B, L, d) under the additive key mask (B, 1, 1, L). */
    private NDArray fuse(NDArray x, NDArray mask, boolean clsOnly) {
        int layers = cfg.fusionLayers();
        for (int l = 0; l < layers; l++) {
            String p = "fusion.block" + l;
            if (l == layers - 1 && clsOnly) x = clsBlock(x, mask, p);
            else x = Nn.preLnBlock(x, mask, ps, p, cfg.fusionHeads());
        }
        return Nn.layerNorm(x.get(new NDIndex(":, 0, :")), ps, "fusion.ln");
    }

    /** The pre-LN block evaluated for the CLS query only: returns (B, 1, d). */
    private NDArray clsBlock(NDArray x, NDArray mask, String p) {
        Shape s = x.getShape();
        long b = s.get(0), l = s.get(1), d = s.get(2);
        int heads = cfg.fusionHeads();
        long dh = d / heads;
        NDArray h = Nn.layerNorm(x, ps, p + ".ln1");
        NDArray qkv = Nn.linear(h, ps, p + ".qkv"); // (B, L, 3d)
        NDArray q = qkv.get(new NDIndex(":, 0:1, 0:{}", d)).reshape(b, heads, 1, dh);
        q = q.mul(Nn.scalar(q, (float) (1.0 / Math.sqrt(dh))));
        NDArray kv =
                qkv.get(new NDIndex(":, :, {}:", d)).reshape(b, l, 2, heads, dh).transpose(2, 0, 3, 1, 4);
        NDArray att = Nn.matMul(q, kv.get(0).transpose(0, 1, 3, 2)).add(mask).softmax(-1); // (B, H, 1, L)
        NDArray o = Nn.matMul(att, kv.get(1)).reshape(b, 1, d);
        NDArray x0 = x.get(new NDIndex(":, 0:1, :")).add(Nn.linear(o, ps, p + ".out"));
        NDArray f =
                Nn.linear(Nn.quickGelu(Nn.linear(Nn.layerNorm(x0, ps, p + ".ln2"), ps, p + ".fc1")), ps, p + ".fc2");
        return x0.add(f);
    }

    @Override
    public NDArray loss(Batch.Nd b) {
        NDArray[] tok = Encoders.tokens(ps, cfg, b);
        int n = b.rows() / 2;
        NDList zs = new NDList();
        for (int m : ALL) zs.add(fuse(tok, new int[] {m}, b));
        zs.add(fuse(tok, ALL, b));
        long d = cfg.d();
        NDArray z = NDArrays.stack(zs).reshape(8, n, d); // group = (embedding k, view)
        NDArray h = mlp("head", z, 3).reshape(4, 2, n, cfg.headOut());
        NDArray w1 = null, w2 = null;
        NDArray p = presenceMatrix(b, 2 * n); // (3, 2n)
        if (p != null) {
            NDArray ones = b.manager().ones(new Shape(1, 2L * n));
            NDArray w = p.concat(ones, 0).reshape(4, 2, n); // full embedding always has input
            w1 = w.get(new NDIndex(":, 0, :"));
            w2 = w.get(new NDIndex(":, 1, :"));
        }
        NDArray terms = Losses.comm(
                h.get(new NDIndex(":, 0")), h.get(new NDIndex(":, 1")), w1, w2, b.falseNegatives(), cfg.tau());
        double wf = cfg.commFullWeight();
        if (wf == 1.0) return terms.get(4);
        // (Σ_i L_i + w·L_full) / (M + w), methods.md §2.4 optional per-term weights
        return terms.get(new NDIndex("0:3"))
                .sum()
                .add(terms.get(3).mul(Nn.scalar(terms, (float) wf)))
                .div(Nn.scalar(terms, (float) (3 + wf)));
    }

    @Override
    public NDArray features(Batch.Nd b) {
        return fuse(Encoders.tokens(ps, cfg, b), ALL, b);
    }

    /**
     * Z over the present modalities and the unimodal Z_m (other modalities' tokens removed), encoders run once; Z and
     * every Z_m in ONE fusion pass over four stacked copies of [CLS; all tokens]: the first under the full mask,
     * copy m + 1 with every token but modality m's masked out, which is removal (no token attends to a masked key;
     * {@code removingModalitiesEqualsFusingThatModalityAlone}). For inference a fourth of the op dispatches of four
     * separate passes, which dominate a small batch.
     */
    @Override
    public Embeddings embeddings(Batch.Nd b) {
        NDArray[] tok = Encoders.tokens(ps, cfg, b);
        int rows = b.rows();
        NDArray x = sequence(tok, ALL, b.manager(), rows);
        NDArray full = Masks.fusion(b, ALL, lengths);
        float[] m1 = full.toFloatArray();
        int len = m1.length / rows;
        float[] m4 = new float[4 * m1.length];
        System.arraycopy(m1, 0, m4, 0, m1.length);
        for (int m : ALL) {
            int from = 1, to;
            for (int k = 0; k < m; k++) from += lengths[k];
            to = from + lengths[m];
            int base = (m + 1) * m1.length;
            for (int r = 0; r < rows; r++)
                for (int t = 0; t < len; t++)
                    m4[base + r * len + t] = t == 0 || (t >= from && t < to) ? m1[r * len + t] : Nn.NEG;
        }
        NDArray z = fuse(
                NDArrays.concat(new NDList(x, x, x, x), 0),
                b.manager().create(m4, new Shape(4L * rows, 1, 1, len)),
                true);
        NDArray[] per = new NDArray[ALL.length];
        for (int m : ALL) per[m] = z.get(new NDIndex("{}:{}", (m + 1) * rows, (m + 2) * rows));
        return new Embeddings(z.get(new NDIndex("0:{}", rows)), per);
    }
}
