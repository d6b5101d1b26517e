package io.braid.trainer.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** Sets the torch intra-op thread count (inter-op 1) for this JVM; must run before heavy work. */
public final class TorchThreads {
    private TorchThreads() {}

    public static void set(int threads) {
        if (threads <= 0) return;
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine.getInstance(); // load natives with the properties above
        JniUtils.setNumThreads(threads);
    }
}
