package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.Presence;
import io.braid.avro.TrainingPair;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.data.ImageNorm;
import io.braid.trainer.model.Batch;
import io.braid.trainer.online.PairRejectedException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingPairBatchesTest {
    static final SimulatedDataset D = Fixtures.dataset(8);
    static final TrainingPairBatches A =
            new TrainingPairBatches(new TrainingPairBatches.Expectation(Fixtures.tiny("comm"), Tokenizer.VERSION));
    static final int T = SimulatedDataset.SENSOR_STEPS, C = SimulatedDataset.SENSOR_CHANNELS;

    static TrainingPair pair(int i) {
        return Fixtures.pair(D, i, "robot-0", Fixtures.START + 1000, Fixtures.all(), Fixtures.all());
    }

    @Test
    void sensorGoesFromTimeMajorOnTheWireToChannelMajorAndImagesAreNormalisedChw() throws Exception {
        TrainingPair p = pair(0);
        TrainingPairBatches.Sample s = A.decode(p);
        List<Float> wire = p.getView1().getSensor();
        for (int t = 0; t < T; t++)
            for (int c = 0; c < C; c++)
                assertEquals(wire.get(t * C + c), s.view1().sensor()[c * T + t]);
        float[] want = new float[3 * 32 * 32];
        ImageNorm.toChw(D.image(0), 32, want, 0);
        assertArrayEquals(want, s.view1().image());
        assertEquals(p.getView2().getTokens(), Fixtures.ints(s.view2().tokens()));
    }

    @Test
    void aGreyFrameFeedsAllThreeChannels() throws Exception {
        TrainingPair p = pair(1);
        byte[] grey = new byte[32 * 32];
        for (int i = 0; i < grey.length; i++) grey[i] = (byte) (i * 7);
        p.setImageChannels(1);
        p.getView1().setImage(ByteBuffer.wrap(grey));
        p.getView2().setImage(ByteBuffer.wrap(grey));
        float[] img = A.decode(p).view1().image();
        int px = 32 * 32;
        byte[] rgb = new byte[px * 3];
        for (int i = 0; i < px; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
        float[] want = new float[3 * px];
        ImageNorm.toChw(rgb, 32, want, 0);
        assertArrayEquals(want, img);
    }

    @Test
    void eachRowOfTheBatchCarriesItsOwnViewsPresence() throws Exception {
        TrainingPair p = Fixtures.pair(
                D,
                2,
                "robot-1",
                Fixtures.START + 2000,
                new Presence(true, false, true),
                new Presence(false, true, true));
        List<TrainingPairBatches.Sample> ss = List.of(A.decode(pair(3)), A.decode(p));
        Batch b = A.batch(ss, null);
        assertEquals(4, b.rows);
        // rows: [view' of pair 0, view' of pair 1, view'' of pair 0, view'' of pair 1]
        assertTrue(b.present(1, Batch.SENSOR) && !b.present(1, Batch.IMAGE) && b.present(1, Batch.TEXT));
        assertTrue(!b.present(3, Batch.SENSOR) && b.present(3, Batch.IMAGE) && b.present(3, Batch.TEXT));
        assertTrue(b.present(0, Batch.IMAGE) && b.present(2, Batch.SENSOR));
        // an absent modality's input is zeros, not the other view's values
        int sl = C * T;
        for (int k = 0; k < sl; k++) assertEquals(0f, b.sensor[3 * sl + k]);
    }

    static Reason rejection(TrainingPair p) {
        return assertThrows(PairRejectedException.class, () -> A.decode(p)).reason();
    }

    @Test
    void wrongShapesAreRefusedWithTheReason() {
        TrainingPair grid = pair(0);
        grid.setSensorSteps(T + 1);
        assertEquals(Reason.WRONG_SHAPE, rejection(grid));
        TrainingPair shortSensor = pair(0);
        shortSensor
                .getView2()
                .setSensor(new ArrayList<>(shortSensor.getView2().getSensor().subList(0, 5)));
        assertEquals(Reason.WRONG_SHAPE, rejection(shortSensor));
        TrainingPair image = pair(0);
        image.setImageWidth(16);
        assertEquals(Reason.WRONG_SHAPE, rejection(image));
        TrainingPair bytes = pair(0);
        bytes.getView1().setImage(ByteBuffer.wrap(new byte[10]));
        assertEquals(Reason.WRONG_SHAPE, rejection(bytes));
        TrainingPair tokens = pair(0);
        tokens.getView1().setTokens(List.of(3, 4));
        assertEquals(Reason.WRONG_SHAPE, rejection(tokens));
    }

    @Test
    void anotherVocabularyOutOfRangeTokensNonFiniteValuesAndEmptyViewsAreRefused() {
        TrainingPair vocab = pair(0);
        vocab.setVocabVersion("v0");
        assertEquals(Reason.VOCAB_MISMATCH, rejection(vocab));
        TrainingPair token = pair(0);
        List<Integer> t = new ArrayList<>(token.getView1().getTokens());
        t.set(0, 10_000);
        token.getView1().setTokens(t);
        assertEquals(Reason.TOKEN_OUT_OF_RANGE, rejection(token));
        TrainingPair nan = pair(0);
        List<Float> s = new ArrayList<>(nan.getView2().getSensor());
        s.set(7, Float.NaN);
        nan.getView2().setSensor(s);
        assertEquals(Reason.NON_FINITE, rejection(nan));
        TrainingPair empty = pair(0);
        empty.getView1().setPresence(new Presence(false, false, false));
        assertEquals(Reason.EMPTY_VIEW, rejection(empty));
    }

    @Test
    void aPairFromWritersWithoutTheVocabularyFieldIsAccepted() throws Exception {
        TrainingPair p = pair(0);
        p.setVocabVersion(null);
        assertEquals("robot-0", A.decode(p).sourceId());
    }
}
