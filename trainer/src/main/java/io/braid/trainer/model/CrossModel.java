package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.braid.trainer.loss.Losses;

/**
 * The CoMM-paper baselines on pooled unimodal features. Cross (CMC form, §2.8, §5): a linear projector per modality and
 * the mean NT-Xent over all modality pairs, in each augmented view. Cross+Self (SLIP-style, code version): a 3-layer
 * head per modality, the same pairwise cross term through those heads plus ½·Σ_m of the intra-modal NT-Xent between
 * the two views (methods.md §6.8: "cross NT-Xent + ½·Σ intra NT-Xent"; before issue 10 it was the mean over the three
 * modalities, i.e. 2/3 of this weight). Pairs with a missing modality get anchor weight 0.
 */
public final class CrossModel extends MultimodalModel {
    private final boolean self;

    /** Cross+Self: the intra-modal NT-Xent terms are summed over modalities with this weight (§6.8). */
    static final float INTRA_WEIGHT = 0.5f;

    CrossModel(ModelConfig cfg, NDManager parent, boolean trainable) {
        super(cfg, parent, trainable);
        self = ModelConfig.CROSS_SELF.equals(cfg.objective());
        for (int m = 0; m < Batch.MODALITIES; m++) {
            if (self) initMlp("head" + m, true, cfg.d(), cfg.headHidden(), cfg.headHidden(), cfg.headOut());
            else ps.normal("proj" + m + ".weight", new Shape(cfg.crossDim(), cfg.d()), Math.pow(cfg.d(), -0.5));
        }
    }

    @Override
    public NDArray loss(Batch.Nd b) {
        NDArray[] f = pooled(b);
        int n = b.rows() / 2;
        NDArray[] z = new NDArray[Batch.MODALITIES]; // (2, n, D): both views
        for (int m = 0; m < Batch.MODALITIES; m++) {
            NDArray x = f[m].reshape(2, n, cfg.d());
            z[m] = self ? mlp("head" + m, x, 3) : Nn.linear(x, ps, "proj" + m);
        }
        NDArray p = presenceMatrix(b, 2 * n); // each view's own presence
        if (p != null) p = p.reshape(Batch.MODALITIES, 2, n);
        NDArray fn = b.falseNegatives();
        NDList as = new NDList(), bs = new NDList(), ws = new NDList();
        for (int i = 0; i < Batch.MODALITIES; i++)
            for (int j = i + 1; j < Batch.MODALITIES; j++) {
                as.add(z[i]);
                bs.add(z[j]);
                if (p != null) ws.add(p.get(i).mul(p.get(j))); // (2, n): the pair within view ' and within view ''
            }
        NDArray a = NDArrays.concat(as, 0), c = NDArrays.concat(bs, 0); // (6, n, D)
        NDArray cross = Losses.ntXent(a, c, p == null ? null : NDArrays.concat(ws, 0), fn, cfg.tau())
                .mean();
        if (!self) return cross;
        NDList v1 = new NDList(), v2 = new NDList();
        for (int m = 0; m < Batch.MODALITIES; m++) {
            v1.add(z[m].get(0));
            v2.add(z[m].get(1));
        }
        NDArray both = p == null ? null : p.get(":, 0").mul(p.get(":, 1")); // (3, n): modality in both views
        NDArray intra = Losses.ntXent(NDArrays.stack(v1), NDArrays.stack(v2), both, fn, cfg.tau())
                .sum()
                .mul(Nn.scalar(cross, INTRA_WEIGHT));
        return cross.add(intra);
    }

    @Override
    public NDArray features(Batch.Nd b) {
        return concatFeatures(pooled(b));
    }

    /** Cross: the concatenated linear projections (3 × crossDim), CoMM's probe features for Cross (§2.8). */
    @Override
    public NDArray projections(Batch.Nd b) {
        if (self) return null;
        NDArray[] f = pooled(b);
        NDArray[] z = new NDArray[Batch.MODALITIES];
        for (int m = 0; m < Batch.MODALITIES; m++) z[m] = Nn.linear(f[m], ps, "proj" + m);
        return concatFeatures(z);
    }
}
