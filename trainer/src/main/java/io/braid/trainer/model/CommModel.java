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
        int rows = b.rows();
        NDList parts = new NDList();
        parts.add(b.manager().zeros(new Shape(rows, 1, cfg.d())).add(ps.get("fusion.cls")));
        for (int m : modalities) parts.add(tokens[m]);
        NDArray x = NDArrays.concat(parts, 1);
        NDArray mask = Masks.fusion(b, modalities, lengths);
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
        NDArray q =
                qkv.get(new NDIndex(":, 0:1, 0:{}", d)).reshape(b, heads, 1, dh).mul((float) (1.0 / Math.sqrt(dh)));
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
                .add(terms.get(3).mul((float) wf))
                .div((float) (3 + wf));
    }

    @Override
    public NDArray features(Batch.Nd b) {
        return fuse(Encoders.tokens(ps, cfg, b), ALL, b);
    }

    /** Z over the present modalities and the unimodal Z_m (other modalities' tokens removed), encoders run once. */
    @Override
    public Embeddings embeddings(Batch.Nd b) {
        NDArray[] tok = Encoders.tokens(ps, cfg, b);
        NDArray[] per = new NDArray[ALL.length];
        for (int m : ALL) per[m] = fuse(tok, new int[] {m}, b);
        return new Embeddings(fuse(tok, ALL, b), per);
    }
}
