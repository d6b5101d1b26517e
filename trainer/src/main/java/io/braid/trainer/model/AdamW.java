package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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

    public AdamW(ParamStore ps, double lr, double wd) {
        this.ps = ps;
        this.lr = (float) lr;
        this.wd = (float) wd;
    }

    public void setLearningRate(double lr) {
        this.lr = (float) lr;
    }

    public void step(Set<String> names) {
        for (String name : names) {
            NDArray p = ps.get(name);
            NDArray[] mv = state.computeIfAbsent(name, k -> new NDArray[] {p.zerosLike(), p.zerosLike()});
            int t = steps.merge(name, 1, Integer::sum);
            double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
            float lrCorr = (float) (lr * Math.sqrt(c2) / c1);
            float decay = ParamStore.decays(name, p) ? wd : 0f;
            try (NDArray g = p.getGradient()) {
                p.getNDArrayInternal()
                        .adamUpdate(
                                new NDList(p, g, mv[0], mv[1]),
                                new NDList(p),
                                lr,
                                lrCorr,
                                decay,
                                1f,
                                -1f,
                                beta1,
                                beta2,
                                eps,
                                true,
                                true);
            }
        }
    }
}
