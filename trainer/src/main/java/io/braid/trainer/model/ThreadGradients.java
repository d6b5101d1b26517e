package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A gradient collector that may be open on several threads at once. DJL's {@code PtGradientCollector} allows one per
 * JVM (a static flag), although what it switches, libtorch's grad mode, is per thread; {@code braid eval --parallel}
 * trains independent seeds on parallel threads, each with its own model and graph.
 */
public final class ThreadGradients implements AutoCloseable {
    private final boolean wasGradMode;

    private ThreadGradients() {
        wasGradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Records the graph of what this thread computes until {@link #close()}. */
    public static ThreadGradients open() {
        return new ThreadGradients();
    }

    /**
     * Back-propagates {@code target} (seeded with ones) into the gradients of the leaves it depends on; they accumulate
     * until {@link AdamW} consumes and zeroes them.
     */
    public void backward(NDArray target) {
        JniUtils.backward((PtNDArray) target, (PtNDArray) target.onesLike(), false, false);
    }

    @Override
    public void close() {
        if (!wasGradMode) JniUtils.setGradMode(false);
    }
}
