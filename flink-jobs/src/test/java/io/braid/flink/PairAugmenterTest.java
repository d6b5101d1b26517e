package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.flink.augment.AugmentationParams;
import io.braid.flink.augment.PairAugmenter;
import io.braid.flink.window.WindowAssembler;
import io.braid.text.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** Seeded augmentation: reproducible bytes, independent views, the §6.7 defaults doing what they say. */
class PairAugmenterTest {
    static MultimodalWindow window(String src, long ws, WindowJobOptions o) {
        var events = new ArrayList<>(Events.second(src, ws, 0));
        for (var e : events) {
            if (e.image != null) for (int i = 0; i < e.image.length; i++) e.image[i] = (byte) ((i * 37) % 251);
        }
        return new WindowAssembler(o, PipelineVersion.of(o)).assemble(src, ws, events);
    }

    static byte[] avro(TrainingPair p) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(TrainingPair.class).write(p, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void theSameWindowGivesBitIdenticalPairsAndAnotherWindowDoesNot() throws Exception {
        WindowJobOptions o = new WindowJobOptions();
        PairAugmenter a = new PairAugmenter(new AugmentationParams(o));
        MultimodalWindow w = window("r1", 3000, o);
        byte[] first = avro(a.augment(w));
        byte[] again = avro(new PairAugmenter(new AugmentationParams(o)).augment(window("r1", 3000, o)));
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(again));
        TrainingPair p = a.augment(w);
        assertNotEquals(p.getSeed1(), p.getSeed2());
        assertNotEquals(p.getView1(), p.getView2());
        assertNotEquals(p.getSeed1(), a.augment(window("r1", 4000, o)).getSeed1());
        assertEquals(32 * 32 * 3, p.getView1().getImage().remaining());
        assertEquals(32 * 4, p.getView1().getSensor().size());
        assertEquals(8, p.getView2().getTokens().size());
    }

    @Test
    void theSeedDependsOnThePipelineVersion() {
        WindowJobOptions o = new WindowJobOptions();
        WindowJobOptions other = new WindowJobOptions();
        other.textMaskP = 0.3;
        assertNotEquals(PipelineVersion.of(o), PipelineVersion.of(other));
        assertEquals(PipelineVersion.of(o), PipelineVersion.of(new WindowJobOptions()));
        assertNotEquals(
                PairAugmenter.seed(PipelineVersion.of(o), "r@0", 1),
                PairAugmenter.seed(PipelineVersion.of(other), "r@0", 1));
    }

    @Test
    void everyPairsSeedsFitIn53BitsSoJavaScriptReadsThemExactly() throws Exception {
        WindowJobOptions o = new WindowJobOptions();
        String pv = PipelineVersion.of(o);
        for (int i = 0; i < 20_000; i++) {
            long s = PairAugmenter.seed(pv, "robot-" + (i % 97) + "@" + (i * 1000L), 1 + i % 2);
            assertTrue(s >= 0 && s <= io.braid.serde.JsonSafeLongs.MAX_SAFE, "seed " + s);
            assertEquals(s, (long) (double) s);
        }
        PairAugmenter a = new PairAugmenter(new AugmentationParams(o));
        for (long ws = 0; ws < 20_000; ws += 1000) {
            TrainingPair p = a.augment(window("r" + ws % 3, ws, o));
            assertTrue(
                    io.braid.serde.JsonSafeLongs.violations(p).isEmpty(),
                    io.braid.serde.JsonSafeLongs.violations(p)::toString);
            assertEquals(p.getSeed1(), (long) Double.parseDouble(Double.toString((double) p.getSeed1())));
            assertEquals(p.getSeed2(), (long) Double.parseDouble(Double.toString((double) p.getSeed2())));
        }
    }

    @Test
    void thePipelineVersionCoversTheAugmentationCodeVersion() {
        WindowJobOptions o = new WindowJobOptions();
        assertEquals(PipelineVersion.of(o), PipelineVersion.of(o, PairAugmenter.AUGMENT_CODE_VERSION));
        assertNotEquals(
                PipelineVersion.of(o, PairAugmenter.AUGMENT_CODE_VERSION),
                PipelineVersion.of(o, PairAugmenter.AUGMENT_CODE_VERSION + 1));
        assertNotEquals(
                PairAugmenter.seed(PipelineVersion.of(o, 1), "r@0", 1),
                PairAugmenter.seed(PipelineVersion.of(o, 2), "r@0", 1),
                "new augmentation code, new seeds");
    }

    @Test
    void textMaskingHitsAboutFifteenPercentOfRealTokensAndNeverPad() {
        WindowJobOptions o = new WindowJobOptions();
        PairAugmenter a = new PairAugmenter(new AugmentationParams(o));
        int real = 0;
        int masked = 0;
        for (int s = 0; s < 400; s++) {
            MultimodalWindow w = window("r" + s, 0, o);
            for (var v : List.of(a.augment(w).getView1(), a.augment(w).getView2())) {
                for (int i = 0; i < 8; i++) {
                    int orig = w.getTokens().get(i);
                    int got = v.getTokens().get(i);
                    if (orig == Tokenizer.PAD) assertEquals(Tokenizer.PAD, got);
                    else {
                        real++;
                        if (got == Tokenizer.MASK) masked++;
                        else assertEquals(orig, got);
                    }
                }
            }
        }
        double rate = (double) masked / real;
        assertTrue(rate > 0.12 && rate < 0.18, "mask rate " + rate);
    }

    @Test
    void modalityDropoutKeepsAtLeastOneModality() {
        WindowJobOptions o = new WindowJobOptions();
        o.modalityDropoutP = 0.9;
        PairAugmenter a = new PairAugmenter(new AugmentationParams(o));
        boolean sawDrop = false;
        for (int s = 0; s < 100; s++) {
            var v = a.augment(window("r" + s, 0, o)).getView1();
            var p = v.getPresence();
            assertTrue(p.getSensor() || p.getVision() || p.getText());
            if (!p.getVision()) {
                sawDrop = true;
                assertEquals(0, v.getImage().remaining());
            }
            if (!p.getSensor()) assertTrue(v.getSensor().isEmpty());
        }
        assertTrue(sawDrop);
    }

    @Test
    void withEveryAugmentationOffTheViewsEqualTheWindow() {
        WindowJobOptions o = new WindowJobOptions();
        o.sensorNoiseP = 0;
        o.sensorDropP = 0;
        o.cropScaleMin = 1;
        o.cropRatioMin = 1;
        o.cropRatioMax = 1;
        o.colorJitterP = 0;
        o.grayscaleP = 0;
        o.blurP = 0;
        o.flipP = 0;
        o.textMaskP = 0;
        MultimodalWindow w = window("r1", 0, o);
        var v = new PairAugmenter(new AugmentationParams(o)).augment(w).getView1();
        assertEquals(w.getSensor(), v.getSensor());
        assertEquals(w.getTokens(), v.getTokens());
        assertEquals(w.getImage(), v.getImage());
        assertFalse(v.getSensor().isEmpty());
    }
}
