package io.braid.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.Pretrainer;
import io.braid.trainer.data.Windows;
import java.nio.file.Files;
import java.nio.file.Path;
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
                MultimodalModel model = MultimodalModel.create(cfg(o), s);
                if (model instanceof DiMmlModel di) {
                    float[][][] masks = new float[3][3][];
                    masks[0][1] = new float[64];
                    masks[0][1][3] = 1;
                    di.setDucMasks(masks);
                }
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
            try (var gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
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
}
