package io.braid.trainer.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.data.Windows;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A step's gradients do not depend on what the JVM does between its forward and backward pass. On the CPU, DJL's
 * scalar overloads ({@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)}, ...) wrap a temporary direct
 * buffer without copying and close it right after the op, while autograd keeps that scalar for the backward pass: once
 * a GC frees the buffer and the memory is handed out again, backward reads garbage. In training that was a few
 * percent of steps with gradients of 1e8, inf or NaN, always on the first backward after the augmenting thread had
 * allocated (the forward, and so the loss, stayed exact). The graph therefore takes its constants from
 * {@link Nn#scalar}, and this test frees and overwrites native memory between forward and backward.
 */
class GradientLifetimeTest {
    static NDManager m;
    static Windows data;

    @BeforeAll
    static void up() {
        m = NDManager.newBaseManager();
        data = Windows.of(SimulatedDataset.generate(DatasetSpec.defaults(3, 96)));
    }

    @AfterAll
    static void down() {
        m.close();
    }

    @Test
    void everyObjectivesGradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws Exception {
        for (String o : new String[] {"comm", "decur", "cross", "crossself", "dimml"}) {
            try (NDManager s = m.newSubManager()) {
                MultimodalModel model = MultimodalModel.create(
                        ModelConfig.defaults(o, Tokenizer.defaultTokenizer().vocabularySize(), 11), s);
                if (model instanceof DiMmlModel di) {
                    float[][][] masks = new float[3][3][];
                    masks[0][1] = new float[64];
                    masks[0][1][3] = 1;
                    di.setDucMasks(masks);
                }
                int[] rows = new int[16], lab = new int[16];
                for (int i = 0; i < 16; i++) {
                    rows[i] = i * 5 % data.size;
                    lab[i] = i % 11;
                }
                Batch b = data.augmented(Windows.adapter(model.config()), rows, model.viewsPerSample(), 0, lab);
                Map<String, float[]> calm = gradients(model, b, false);
                for (int round = 0; round < 3; round++) {
                    Map<String, float[]> churned = gradients(model, b, true);
                    for (var e : calm.entrySet()) {
                        float[] want = e.getValue(), got = churned.get(e.getKey());
                        double scale = 1e-6, diff = 0;
                        for (int i = 0; i < want.length; i++) {
                            scale = Math.max(scale, Math.abs(want[i]));
                            diff = Math.max(diff, Math.abs(want[i] - got[i]));
                        }
                        assertTrue(
                                diff <= 1e-4 * scale,
                                o + " " + e.getKey() + ": gradient changed by " + diff + " (largest " + scale + ")");
                    }
                }
                model.close();
            }
        }
    }

    /** The gradient of every parameter for one batch (then zeroed); {@code churn} frees and reuses native memory. */
    private static Map<String, float[]> gradients(MultimodalModel model, Batch b, boolean churn)
            throws InterruptedException {
        List<ByteBuffer> garbage = new ArrayList<>();
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager step = m.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = model.loss(b.toNd(step));
            if (churn) garbage = reuseFreedNativeMemory();
            gc.backward(loss);
        }
        for (String name : model.trainable()) {
            NDArray p = model.params().get(name);
            try (NDArray g = p.getGradient()) {
                out.put(name, g.toFloatArray());
            }
            JniUtils.zeroGrad((PtNDArray) p);
        }
        garbage.clear();
        return out;
    }

    /** Lets the GC free every unreachable direct buffer, then allocates small ones filled with NaN, as a busy JVM would. */
    private static List<ByteBuffer> reuseFreedNativeMemory() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(30);
        }
        List<ByteBuffer> keep = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer buf = ByteBuffer.allocateDirect(4 << (i % 3)).order(ByteOrder.nativeOrder());
            while (buf.remaining() >= 4) buf.putFloat(Float.NaN);
            keep.add(buf);
        }
        return keep;
    }
}
