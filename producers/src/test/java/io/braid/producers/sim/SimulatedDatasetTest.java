package io.braid.producers.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.text.Tokenizer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedDatasetTest {
    private static final SimulatedDataset DATA = SimulatedDataset.generate(DatasetSpec.defaults(7, 600));

    @Test
    void shapesAndRanges() {
        assertEquals(600, DATA.size());
        for (int i = 0; i < DATA.size(); i++) {
            assertEquals(SimulatedDataset.SENSOR_STEPS * SimulatedDataset.SENSOR_CHANNELS, DATA.sensor(i).length);
            assertEquals(32 * 32 * 3, DATA.image(i).length);
            assertEquals(SimulatedDataset.TEXT_LENGTH, DATA.tokens(i).length);
            for (float v : DATA.sensor(i)) assertTrue(Float.isFinite(v));
            for (int t : DATA.tokens(i))
                assertTrue(t >= 0 && t < Tokenizer.defaultTokenizer().vocabularySize());
            assertFalse(Arrays.stream(DATA.tokens(i)).anyMatch(t -> t == Tokenizer.UNK));
        }
        assertEquals(32, SimulatedDataset.SENSOR_STEPS);
        assertEquals(4, SimulatedDataset.SENSOR_CHANNELS);
        assertEquals(32, SimulatedDataset.IMAGE_SIZE);
        assertEquals(8, SimulatedDataset.TEXT_LENGTH);
    }

    @Test
    void segmentsAreEightToTwentyFourTicksWithConstantFactors() {
        int start = 0;
        for (int i = 1; i <= DATA.size(); i++) {
            if (i == DATA.size() || DATA.segmentId(i) != DATA.segmentId(start)) {
                int len = i - start;
                if (i < DATA.size()) assertTrue(len >= 8 && len <= 24, "segment length " + len);
                for (int j = start; j < i; j++) assertEquals(DATA.factors(start), DATA.factors(j));
                if (i < DATA.size()) assertEquals(DATA.segmentId(start) + 1, DATA.segmentId(i));
                start = i;
            }
        }
        assertTrue(DATA.segments() >= 600 / 24);
    }

    @Test
    void deterministicForASeedAndDifferentForAnother() {
        SimulatedDataset again = SimulatedDataset.generate(DatasetSpec.defaults(7, 600));
        SimulatedDataset other = SimulatedDataset.generate(DatasetSpec.defaults(8, 600));
        boolean differs = false;
        for (int i = 0; i < DATA.size(); i++) {
            assertArrayEquals(DATA.sensor(i), again.sensor(i));
            assertArrayEquals(DATA.image(i), again.image(i));
            assertArrayEquals(DATA.tokens(i), again.tokens(i));
            assertEquals(DATA.factors(i), again.factors(i));
            differs |= !Arrays.equals(DATA.image(i), other.image(i));
        }
        assertTrue(differs);
    }

    @Test
    void imageShapeAndColourAreTheSegments() {
        for (int i = 0; i < DATA.size(); i++) {
            SegmentFactors f = DATA.factors(i);
            assertEquals(f.color(), Decode.colour(DATA.image(i), 32), "colour of tick " + i);
            assertEquals(f.obj(), Decode.shape(DATA.image(i), 32), "shape of tick " + i + " " + f);
        }
    }

    @Test
    void sensorChannelZeroFrequencyIsTheObjects() {
        for (int i = 0; i < DATA.size(); i++) {
            float[] w = DATA.sensor(i);
            double[] ch0 = new double[32];
            for (int j = 0; j < 32; j++) ch0[j] = w[j * 4];
            int f = Decode.dominantFrequency(ch0, Rendering.OBJ_FREQ);
            assertEquals(Rendering.OBJ_FREQ[DATA.factors(i).obj()], f, "tick " + i);
        }
    }

    @Test
    void textCarriesNounVerbAndZone() {
        Tokenizer tok = Tokenizer.defaultTokenizer();
        for (int i = 0; i < DATA.size(); i++) {
            SegmentFactors f = DATA.factors(i);
            List<String> words =
                    Arrays.stream(DATA.tokens(i)).mapToObj(tok::word).toList();
            assertTrue(
                    words.stream()
                            .anyMatch(w -> List.of(Rendering.NOUNS[f.obj()]).contains(w)),
                    words.toString());
            assertTrue(
                    words.stream()
                            .anyMatch(w -> List.of(Rendering.VERBS[f.verb()]).contains(w)),
                    words.toString());
            assertTrue(words.contains(Rendering.ZONES[f.zone()]), words.toString());
        }
    }

    @Test
    void standardisedSensorHasRoughlyZeroMeanAndUnitVariance() {
        SimulatedDataset big = SimulatedDataset.generate(DatasetSpec.defaults(11, 4000));
        double[] s = new double[4], s2 = new double[4];
        long n = 0;
        for (int i = 0; i < big.size(); i++) {
            float[] w = big.sensor(i);
            for (int j = 0; j < 32; j++) {
                for (int c = 0; c < 4; c++) {
                    s[c] += w[j * 4 + c];
                    s2[c] += w[j * 4 + c] * w[j * 4 + c];
                }
            }
            n += 32;
        }
        for (int c = 0; c < 4; c++) {
            double mean = s[c] / n;
            double var = s2[c] / n - mean * mean;
            assertEquals(0, mean, 0.15, "mean of ch" + c);
            assertEquals(1, var, 0.2, "variance of ch" + c);
        }
        assertEquals(4, SimulatedDataset.SENSOR_MEAN.length);
        assertEquals(4, SimulatedDataset.SENSOR_STD.length);
    }

    @Test
    void colourRules() {
        int[] pi = Rendering.defaultColorMap();
        SimulatedDataset match =
                SimulatedDataset.generate(DatasetSpec.defaults(3, 500).withColorRule(DatasetSpec.ColorRule.MATCH));
        SimulatedDataset mismatch =
                SimulatedDataset.generate(DatasetSpec.defaults(3, 500).withColorRule(DatasetSpec.ColorRule.MISMATCH));
        SimulatedDataset unbiased =
                SimulatedDataset.generate(new DatasetSpec(3, 3000, 0.0, pi, DatasetSpec.ColorRule.BIASED));
        int[] seenMismatch = new int[4];
        for (int i = 0; i < 500; i++) {
            assertEquals(1, match.factors(i).s1Label(pi));
            assertTrue(match.factors(i).biased());
            assertEquals(0, mismatch.factors(i).s1Label(pi));
            assertFalse(mismatch.factors(i).biased());
            seenMismatch[mismatch.factors(i).color()]++;
            assertEquals(1, DATA.factors(i).s1Label(pi)); // pBias 1.0
        }
        for (int c : seenMismatch) assertTrue(c > 0);
        long matched = java.util.stream.IntStream.range(0, unbiased.size())
                .filter(i -> unbiased.factors(i).s1Label(pi) == 1)
                .count();
        assertTrue(matched > 3000 / 4 / 3 && matched < 3000 / 2, "matched " + matched); // ~1/4 by chance
    }

    @Test
    void specValidation() {
        assertThrows(IllegalArgumentException.class, () -> DatasetSpec.defaults(1, -1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new DatasetSpec(1, 10, 1.5, Rendering.defaultColorMap(), DatasetSpec.ColorRule.BIASED));
        assertThrows(
                IllegalArgumentException.class,
                () -> new DatasetSpec(1, 10, 1, new int[] {0, 0, 1, 2}, DatasetSpec.ColorRule.BIASED));
        assertNotEquals(DatasetSpec.defaults(1, 10), DatasetSpec.defaults(2, 10));
        assertEquals(DatasetSpec.defaults(1, 10), DatasetSpec.defaults(1, 10));
    }

    @Test
    void shortProbeSegmentsGiveAboutTenTimesTheSegmentsAndNoiseIsAKnob() {
        DatasetSpec d = DatasetSpec.defaults(5, 2000);
        SimulatedDataset longSegs = SimulatedDataset.generate(d);
        SimulatedDataset shortSegs = SimulatedDataset.generate(d.withSegmentTicks(1, 4));
        // mean length 16 vs 2.5 ticks: ~6x the segments for 8..24 vs 1..4; every run of ticks within the range
        assertTrue(shortSegs.segments() > 5 * longSegs.segments(), shortSegs.segments() + " vs " + longSegs.segments());
        int start = 0;
        for (int i = 1; i <= shortSegs.size(); i++) {
            if (i == shortSegs.size() || shortSegs.segmentId(i) != shortSegs.segmentId(start)) {
                assertTrue(i - start >= 1 && i - start <= 4 || i == shortSegs.size(), "length " + (i - start));
                start = i;
            }
        }
        assertEquals(d, d.withSegmentTicks(8, 24).withNoise(0.25, 0.03)); // the defaults
        SimulatedDataset quiet = SimulatedDataset.generate(d.withTicks(50).withNoise(0, 0));
        SimulatedDataset loud = SimulatedDataset.generate(d.withTicks(50).withNoise(1.0, 0.2));
        assertEquals(quiet.factors(10), loud.factors(10)); // the same segments, other noise
        assertNotEquals(Arrays.toString(quiet.sensor(10)), Arrays.toString(loud.sensor(10)));
        assertThrows(IllegalArgumentException.class, () -> d.withSegmentTicks(0, 4));
        assertThrows(IllegalArgumentException.class, () -> d.withSegmentTicks(5, 4));
        assertThrows(IllegalArgumentException.class, () -> d.withNoise(-1, 0));
    }
}
