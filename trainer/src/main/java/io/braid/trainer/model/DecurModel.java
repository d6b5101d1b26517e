package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.braid.trainer.loss.Losses;

/**
 * DeCUR, three-modality extension (§3.8): one K-dim projector per modality (or one shared, flag) on the pooled encoder
 * features, intra-modal Barlow Twins per modality and common/unique decoupling per modality pair. A missing modality
 * gets weight 0 in the batch statistics of every correlation that involves it.
 */
public final class DecurModel extends MultimodalModel {
    DecurModel(ModelConfig cfg, NDManager parent, boolean trainable) {
        super(cfg, parent, trainable);
        int k = cfg.decurK();
        for (int m = 0; m < projectors(); m++) initMlp("proj" + m, false, cfg.d(), k, k, k);
    }

    private int projectors() {
        return cfg.decurSharedProjector() ? 1 : Batch.MODALITIES;
    }

    @Override
    public NDArray loss(Batch.Nd b) {
        NDArray[] f = pooled(b);
        int n = b.rows() / 2;
        NDList zs = new NDList();
        for (int m = 0; m < Batch.MODALITIES; m++) {
            String p = "proj" + (cfg.decurSharedProjector() ? 0 : m);
            zs.add(mlp(p, f[m].reshape(2, n, cfg.d()), 3));
        }
        NDArray z = NDArrays.stack(zs); // (3, 2, n, K)
        NDArray p = presenceMatrix(b, 2 * n); // each view's own presence
        if (p != null) p = p.reshape(Batch.MODALITIES, 2, n);
        return Losses.decur(z, p, cfg.decurKc(), cfg.decurLambda()).get(0);
    }

    @Override
    public NDArray features(Batch.Nd b) {
        return concatFeatures(pooled(b));
    }
}
