package io.braid.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.Pretrainer;
import io.braid.trainer.data.Windows;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
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

    static ModelConfig cfg(String objective) {
        return ModelConfig.defaults(objective, Tokenizer.defaultTokenizer().vocabularySize(), 11);
    }

    /** A fresh model of objective {@code o}; DI-MML gets one DUC mask so that every parameter has a gradient. */
    static MultimodalModel trainable(String o, NDManager s) {
        MultimodalModel model = MultimodalModel.create(cfg(o), s);
        if (model instanceof DiMmlModel di) {
            float[][][] masks = new float[3][3][];
            masks[0][1] = new float[64];
            masks[0][1][3] = 1;
            di.setDucMasks(masks);
        }
        return model;
    }

    static int[] rows(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i * 5 % data.size;
        return r;
    }

    static float[] withoutPresence(Batch b, int keep) {
        float[] p = new float[b.rows * 3];
        for (int r = 0; r < b.rows; r++) p[r * 3 + keep] = 1f;
        return p;
    }

    @Test
    void removingModalitiesEqualsFusingThatModalityAlone() {
        try (NDManager s = m.newSubManager();
                CommModel model = (CommModel) MultimodalModel.create(cfg("comm"), s)) {
            Batch full = data.plain(rows(6), null);
            for (int keep = 0; keep < 3; keep++) {
                Batch only = new Batch(
                        full.rows,
                        full.channels,
                        full.steps,
                        full.imageSize,
                        full.textLength,
                        full.sensor,
                        full.image,
                        full.tokens,
                        withoutPresence(full, keep),
                        null);
                Batch.Nd nd = full.toNd(s);
                NDArray[] tok = Encoders.tokens(model.params(), model.config(), nd);
                float[] alone = model.fuse(tok, new int[] {keep}, nd).toFloatArray();
                float[] removed = model.features(only.toNd(s)).toFloatArray();
                assertArrayEquals(alone, removed, 1e-5f, "modality " + keep);
            }
        }
    }

    /** The one-pass inference embeddings (four stacked, masked copies) equal four separate fusions. */
    @Test
    void onePassEmbeddingsEqualSeparateFusions() {
        try (NDManager s = m.newSubManager();
                CommModel model = (CommModel) MultimodalModel.create(cfg("comm"), s)) {
            Batch full = data.plain(rows(6), null);
            // rows with only vision present: their Z_sensor and Z_text are CLS alone, as when fused on their own
            Batch partial = new Batch(
                    full.rows,
                    full.channels,
                    full.steps,
                    full.imageSize,
                    full.textLength,
                    full.sensor,
                    full.image,
                    full.tokens,
                    withoutPresence(full, Batch.IMAGE),
                    null);
            for (Batch b : new Batch[] {full, partial}) {
                Batch.Nd nd = b.toNd(s);
                NDArray[] tok = Encoders.tokens(model.params(), model.config(), nd);
                MultimodalModel.Embeddings e = model.embeddings(nd);
                assertArrayEquals(
                        model.fuse(tok, CommModel.ALL, nd).toFloatArray(),
                        e.fused().toFloatArray(),
                        1e-5f);
                for (int k : CommModel.ALL)
                    assertArrayEquals(
                            model.fuse(tok, new int[] {k}, nd).toFloatArray(),
                            e.perModality()[k].toFloatArray(),
                            1e-5f,
                            "modality " + k);
            }
        }
    }

    @Test
    void clsOnlyLastLayerEqualsFullLayer() {
        try (NDManager s = m.newSubManager();
                CommModel model = (CommModel) MultimodalModel.create(cfg("comm"), s)) {
            Batch.Nd nd = data.plain(rows(5), null).toNd(s);
            NDArray[] tok = Encoders.tokens(model.params(), model.config(), nd);
            assertArrayEquals(
                    model.fuse(tok, CommModel.ALL, nd, false).toFloatArray(),
                    model.fuse(tok, CommModel.ALL, nd, true).toFloatArray(),
                    1e-5f);
        }
    }

    @Test
    void saveLoadInFreshModelGivesIdenticalOutputs(@TempDir Path tmp) throws Exception {
        for (String o : new String[] {"comm", "decur", "cross", "crossself", "dimml"}) {
            Path dir = tmp.resolve(o);
            Batch b = data.plain(rows(4), null);
            float[] before;
            try (NDManager s = m.newSubManager()) {
                MultimodalModel model = MultimodalModel.create(cfg(o).withObjective(o), s);
                // move the weights away from their init so loading is observable
                Pretrainer t = new Pretrainer(model, s, new Pretrainer.Options(1, 8, 1e-3, 1e-2, 1, 1));
                int[] lab = new int[8];
                t.step(
                        data.augmented(Windows.adapter(model.config()), rows(8), model.viewsPerSample(), 0, lab),
                        new AdamW(model.params(), 1e-2, 1e-2));
                before = model.features(b.toNd(s)).toFloatArray();
                ModelStore.save(model, dir);
                ModelStore.save(model, dir); // replacing an existing model is atomic too
                model.close();
            }
            try (NDManager s = m.newSubManager();
                    MultimodalModel loaded = ModelStore.load(dir, s)) {
                assertEquals(o, loaded.config().objective());
                assertArrayEquals(before, loaded.features(b.toNd(s)).toFloatArray(), 0f);
            }
            try (var files = Files.list(tmp)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temp dirs left");
            }
        }
    }

    @Test
    void everyObjectiveTrainsEveryParameterAndStaysFinite() {
        for (String o : new String[] {"comm", "decur", "cross", "crossself", "dimml"}) {
            try (NDManager s = m.newSubManager()) {
                MultimodalModel model = trainable(o, s);
                Map<String, float[]> init = new java.util.HashMap<>();
                for (var e : model.params().params().entrySet())
                    init.put(e.getKey(), e.getValue().toFloatArray());
                Pretrainer t = new Pretrainer(model, s, new Pretrainer.Options(1, 16, 1e-3, 1e-2, 1, 1));
                int[] lab = new int[16];
                for (int i = 0; i < 16; i++) lab[i] = i % 16;
                double loss = t.step(
                        data.augmented(Windows.adapter(model.config()), rows(16), model.viewsPerSample(), 0, lab),
                        new AdamW(model.params(), 1e-3, 1e-2));
                assertTrue(Double.isFinite(loss), o);
                for (String name : model.trainable()) {
                    float[] now = model.params().get(name).toFloatArray();
                    assertTrue(!java.util.Arrays.equals(now, init.get(name)), o + ": " + name + " not updated");
                }
                model.close();
            }
        }
    }

    @Test
    void adamWStepMatchesClosedFormAndExcludesBiasesFromDecay() {
        try (NDManager s = m.newSubManager();
                ParamStore ps = new ParamStore(s, 1)) {
            NDArray w = ps.fill("x.weight", new ai.djl.ndarray.types.Shape(1, 2), 1f);
            NDArray b = ps.fill("x.bias", new ai.djl.ndarray.types.Shape(2), 1f);
            try (var gc = io.braid.trainer.model.ThreadGradients.open()) {
                gc.backward(w.mul(2f).sum().add(b.mul(2f).sum()));
            }
            new AdamW(ps, 0.1, 0.5).step(ps.params().keySet());
            // first Adam step moves by lr·sign(g) (up to eps); decoupled decay multiplies by (1 − lr·wd) first
            assertEquals((1 - 0.1 * 0.5) - 0.1, w.toFloatArray()[0], 1e-6);
            assertEquals(1 - 0.1, b.toFloatArray()[0], 1e-6);
        }
    }

    @Test
    void commFullWeightIsANormalisedWeightedMeanAndOldConfigsReadAsOne() {
        Batch b = data.augmented(Windows.adapter(cfg("comm")), rows(8), 2, 0, null);
        try (NDManager s = m.newSubManager()) {
            ModelConfig base = cfg("comm");
            float plain, weighted;
            try (MultimodalModel a = MultimodalModel.create(base, s)) {
                plain = a.loss(b.toNd(s)).getFloat();
            }
            try (MultimodalModel a = MultimodalModel.create(base.withComm(base.d(), base.fusionLayers(), 1.0), s)) {
                assertEquals(plain, a.loss(b.toNd(s)).getFloat(), 1e-6f);
            }
            try (MultimodalModel a = MultimodalModel.create(base.withComm(base.d(), base.fusionLayers(), 3.0), s)) {
                weighted = a.loss(b.toNd(s)).getFloat();
            }
            assertTrue(Math.abs(weighted - plain) > 1e-4f, "weight 3 changes the loss");
        }
        String old = cfg("comm").toJson().replaceAll("\\s*\"commFullWeight\": [0-9.]+,", "");
        assertTrue(!old.contains("commFullWeight"));
        assertEquals(1.0, ModelConfig.fromJson(old).commFullWeight());
        assertEquals(cfg("comm"), ModelConfig.fromJson(old));
    }

    /**
     * A step's gradients do not depend on what the JVM does between its forward and backward pass. On the CPU, DJL's
     * scalar overloads ({@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)}, ...) wrap a temporary direct
     * buffer without copying and close it right after the op, while autograd keeps that scalar for the backward pass: once
     * a GC frees the buffer and the memory is handed out again, backward reads garbage. In training that was a few
     * percent of steps with gradients of 1e8, inf or NaN, always on the first backward after the augmenting thread had
     * allocated (the forward, and so the loss, stayed exact). The graph therefore takes its constants from
     * {@link Nn#scalar}, and the test frees and overwrites native memory between forward and backward.
     */
    @Test
    void everyObjectivesGradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws Exception {
        for (String o : new String[] {"comm", "decur", "cross", "crossself", "dimml"}) {
            try (NDManager s = m.newSubManager()) {
                MultimodalModel model = trainable(o, s);
                int[] lab = new int[16];
                for (int i = 0; i < 16; i++) lab[i] = i % 11;
                Batch b = data.augmented(Windows.adapter(model.config()), rows(16), model.viewsPerSample(), 0, lab);
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
                var gc = io.braid.trainer.model.ThreadGradients.open()) {
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
