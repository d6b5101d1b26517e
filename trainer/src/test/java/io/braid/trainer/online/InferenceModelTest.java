package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.Modality;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Presence;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.model.InferenceModel;
import io.braid.trainer.model.LocalModelStore;
import io.braid.trainer.model.WindowEmbedding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A published checkpoint loaded for inference: parameters without gradients, grad mode restored on the calling thread,
 * the presence mask honoured, bad windows refused with a reason, and N threads embedding the same windows get
 * bit-for-bit the single-threaded results.
 */
class InferenceModelTest {
    @TempDir
    Path dir;

    static MultimodalWindow window(SimulatedDataset d, int i, Presence p) {
        return Fixtures.window(d, i, "robot-0", p);
    }

    /** A checkpoint written the way the online trainer writes one (fresh parameters, step 0). */
    String publish(LocalModelStore store, String objective) throws Exception {
        try (OnlineLearner l = new OnlineLearner(
                store,
                Fixtures.tiny(objective),
                Tokenizer.VERSION,
                "mm.train",
                1e-3,
                1e-2,
                7,
                new StepGuard(5, 3),
                m -> {})) {
            return l.checkpoint(System.currentTimeMillis()).meta().version();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"comm", "decur"})
    void embedsWithoutGradientsHonouringPresenceAndIsThreadSafe(String objective) throws Exception {
        LocalModelStore store = new LocalModelStore(dir);
        String version = publish(store, objective);
        SimulatedDataset d = Fixtures.dataset(16);
        List<MultimodalWindow> ws = new ArrayList<>();
        for (int i = 0; i < 8; i++) ws.add(window(d, i, i % 4 == 3 ? new Presence(true, true, false) : Fixtures.all()));
        try (InferenceModel m = InferenceModel.load(store, version)) {
            assertTrue(m.parametersWithoutGradients());
            assertEquals(version, m.version());

            List<WindowEmbedding> single = new ArrayList<>();
            for (MultimodalWindow w : ws) single.add(m.embed(w));
            WindowEmbedding full = single.get(0), noText = single.get(3);
            assertEquals(EnumSet.allOf(Modality.class), full.modalities());
            assertEquals(EnumSet.of(Modality.SENSOR, Modality.VISION), noText.modalities());
            assertEquals(noText.modalities(), noText.perModality().keySet());
            int d64 = Fixtures.tiny(objective).d();
            assertEquals(d64, full.perModality().get(Modality.TEXT).length);
            assertEquals(objective.equals("comm") ? d64 : 3 * d64, full.fused().length);

            // an absent modality is not used: changing its values changes nothing
            MultimodalWindow other = MultimodalWindow.newBuilder(ws.get(3))
                    .setTokens(Fixtures.ints(d.tokens(9)))
                    .build();
            assertArrayEquals(noText.fused(), m.embed(other).fused());
            // a present one is used
            MultimodalWindow changed = MultimodalWindow.newBuilder(ws.get(0))
                    .setTokens(Fixtures.ints(d.tokens(9)))
                    .build();
            assertFalse(java.util.Arrays.equals(full.fused(), m.embed(changed).fused()));

            // the calling thread's grad mode is as it was before the call
            boolean before = InferenceModel.gradMode();
            m.embed(ws.get(1));
            assertEquals(before, InferenceModel.gradMode());

            MultimodalWindow bad =
                    MultimodalWindow.newBuilder(ws.get(0)).setSensorChannels(7).build();
            PairRejectedException e = assertThrows(PairRejectedException.class, () -> m.embed(bad));
            assertEquals(PairRejectedException.Reason.WRONG_SHAPE, e.reason());

            int threads = 4, rounds = 25;
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<WindowEmbedding>>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++)
                    fs.add(ex.submit(() -> {
                        List<WindowEmbedding> out = new ArrayList<>();
                        for (int r = 0; r < rounds; r++) for (MultimodalWindow w : ws) out.add(m.embed(w));
                        return out;
                    }));
                for (Future<List<WindowEmbedding>> f : fs) {
                    List<WindowEmbedding> got = f.get();
                    for (int k = 0; k < got.size(); k++) {
                        WindowEmbedding want = single.get(k % ws.size());
                        assertArrayEquals(want.fused(), got.get(k).fused());
                        for (Modality mo : want.modalities())
                            assertArrayEquals(
                                    want.perModality().get(mo),
                                    got.get(k).perModality().get(mo));
                    }
                }
            } finally {
                ex.shutdownNow();
            }
            assertTrue(m.parametersWithoutGradients());
        }
    }
}
