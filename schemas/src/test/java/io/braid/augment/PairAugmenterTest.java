package io.braid.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.text.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Seeded augmentation: reproducible bytes, independent views, the §6.7 defaults doing what they say. (The pipeline
 * version's part in the seed is tested in flink-jobs' PipelineVersionTest.)
 */
class PairAugmenterTest {
    static final String PV = CompleteWindow.offlinePipelineVersion(AugmentationParams.DEFAULTS);

    /** A complete 32x4 / 32x32x3 / 8-token window whose content depends on (src, ws). */
    static MultimodalWindow window(String src, long ws) {
        long h = PairAugmenter.seed64(src, Long.toString(ws));
        java.util.SplittableRandom r = new java.util.SplittableRandom(h);
        float[] sensor = new float[32 * 4];
        for (int i = 0; i < sensor.length; i++) sensor[i] = (float) r.nextGaussian();
        byte[] image = new byte[32 * 32 * 3];
        for (int i = 0; i < image.length; i++) image[i] = (byte) ((i * 37 + r.nextInt(16)) % 251);
        int[] tokens = new int[8];
        int words = 3 + r.nextInt(5);
        for (int i = 0; i < words; i++) tokens[i] = 2 + r.nextInt(60);
        return CompleteWindow.of(src, ws, 1000, PV, sensor, 32, 4, image, 32, 32, 3, tokens);
    }

    static AugmentationParams noAugmentation() {
        AugmentationParams d = AugmentationParams.DEFAULTS;
        return new AugmentationParams(
                d.sensorNoiseSigma(),
                0,
                0,
                d.sensorDropMaxFraction(),
                1,
                1,
                1,
                1,
                0,
                d.brightness(),
                d.contrast(),
                d.saturation(),
                d.hue(),
                0,
                0,
                d.blurSigmaMin(),
                d.blurSigmaMax(),
                0,
                0,
                0);
    }

    static AugmentationParams dropout(double p) {
        AugmentationParams d = AugmentationParams.DEFAULTS;
        return new AugmentationParams(
                d.sensorNoiseSigma(),
                d.sensorNoiseP(),
                d.sensorDropP(),
                d.sensorDropMaxFraction(),
                d.cropScaleMin(),
                d.cropScaleMax(),
                d.cropRatioMin(),
                d.cropRatioMax(),
                d.colorJitterP(),
                d.brightness(),
                d.contrast(),
                d.saturation(),
                d.hue(),
                d.grayscaleP(),
                d.blurP(),
                d.blurSigmaMin(),
                d.blurSigmaMax(),
                d.flipP(),
                d.textMaskP(),
                p);
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
        PairAugmenter a = new PairAugmenter(AugmentationParams.DEFAULTS);
        MultimodalWindow w = window("r1", 3000);
        byte[] first = avro(a.augment(w));
        byte[] again = avro(new PairAugmenter(AugmentationParams.DEFAULTS).augment(window("r1", 3000)));
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(again));
        TrainingPair p = a.augment(w);
        assertNotEquals(p.getSeed1(), p.getSeed2());
        assertNotEquals(p.getView1(), p.getView2());
        assertNotEquals(p.getSeed1(), a.augment(window("r1", 4000)).getSeed1());
        assertEquals(32 * 32 * 3, p.getView1().getImage().remaining());
        assertEquals(32 * 4, p.getView1().getSensor().size());
        assertEquals(8, p.getView2().getTokens().size());
    }

    @Test
    void theSeedDependsOnThePipelineVersionAndTheWindow() {
        assertNotEquals(PairAugmenter.seed("pv-a", "r@0", 1), PairAugmenter.seed("pv-b", "r@0", 1));
        assertNotEquals(PairAugmenter.seed("pv-a", "r@0", 1), PairAugmenter.seed("pv-a", "r@1000", 1));
        assertNotEquals(PairAugmenter.seed("pv-a", "r@0", 1), PairAugmenter.seed("pv-a", "r@0", 2));
        assertNotEquals(
                CompleteWindow.offlinePipelineVersion(AugmentationParams.DEFAULTS),
                CompleteWindow.offlinePipelineVersion(dropout(0.3)),
                "other parameters, other offline pipeline version");
    }

    @Test
    void everyPairsSeedsFitIn53BitsSoJavaScriptReadsThemExactly() throws Exception {
        for (int i = 0; i < 20_000; i++) {
            long s = PairAugmenter.seed(PV, "robot-" + (i % 97) + "@" + (i * 1000L), 1 + i % 2);
            assertTrue(s >= 0 && s <= io.braid.serde.JsonSafeLongs.MAX_SAFE, "seed " + s);
            assertEquals(s, (long) (double) s);
        }
        PairAugmenter a = new PairAugmenter(AugmentationParams.DEFAULTS);
        for (long ws = 0; ws < 20_000; ws += 1000) {
            TrainingPair p = a.augment(window("r" + ws % 3, ws));
            assertTrue(
                    io.braid.serde.JsonSafeLongs.violations(p).isEmpty(),
                    io.braid.serde.JsonSafeLongs.violations(p)::toString);
            assertEquals(p.getSeed1(), (long) Double.parseDouble(Double.toString((double) p.getSeed1())));
            assertEquals(p.getSeed2(), (long) Double.parseDouble(Double.toString((double) p.getSeed2())));
        }
    }

    @Test
    void textMaskingHitsAboutFifteenPercentOfRealTokensAndNeverPad() {
        PairAugmenter a = new PairAugmenter(AugmentationParams.DEFAULTS);
        int real = 0;
        int masked = 0;
        for (int s = 0; s < 400; s++) {
            MultimodalWindow w = window("r" + s, 0);
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
        PairAugmenter a = new PairAugmenter(dropout(0.9));
        boolean sawDrop = false;
        for (int s = 0; s < 100; s++) {
            var v = a.augment(window("r" + s, 0)).getView1();
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
        MultimodalWindow w = window("r1", 0);
        var v = new PairAugmenter(noAugmentation()).augment(w).getView1();
        assertEquals(w.getSensor(), v.getSensor());
        assertEquals(w.getTokens(), v.getTokens());
        assertEquals(w.getImage(), v.getImage());
        assertFalse(v.getSensor().isEmpty());
    }

    @Test
    void aCompleteWindowHasEveryModalityAndNoGap() {
        MultimodalWindow w = window("r1", 5000);
        assertEquals("r1@5000", w.getWindowId());
        assertEquals(6000, w.getWindowEnd().toEpochMilli());
        assertTrue(w.getPresence().getSensor()
                && w.getPresence().getVision()
                && w.getPresence().getText());
        assertEquals(32, w.getSensorGaps().size());
        assertFalse(w.getSensorGaps().contains(true));
        assertEquals(Tokenizer.VERSION, w.getVocabVersion());
    }
}
