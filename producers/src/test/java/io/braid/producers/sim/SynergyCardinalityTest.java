package io.braid.producers.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.text.Tokenizer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The synergy factors' cardinalities K1 (rhythm, colour) and K2 (drift, zone): factors in range, S1 / S2 labels, one
 * rendering per value, and the default K1 = K2 = 4 giving the benchmark's bytes of before the option.
 */
class SynergyCardinalityTest {
    @Test
    void k1SixK2EightFactorsAreInRangeAndTheLabelsAreRight() {
        int[] pi = Rendering.defaultColorMap(6);
        SegmentSampler biased = new SegmentSampler(0.5, pi, DatasetSpec.ColorRule.BIASED, 1, 2, 6, 8);
        SplittableRandom rng = new SplittableRandom(3);
        int[] rhythm = new int[6], colour = new int[6], drift = new int[8], zone = new int[8], s2 = new int[8];
        int matched = 0;
        for (int i = 0; i < 6000; i++) {
            SegmentFactors f = biased.factors(rng);
            assertEquals(6, f.s1Values());
            assertEquals(8, f.s2Values());
            for (int v : new int[] {f.obj(), f.prof(), f.tex(), f.verb()}) assertTrue(v >= 0 && v < 4, f.toString());
            rhythm[f.rhythm()]++;
            colour[f.color()]++;
            drift[f.drift()]++;
            zone[f.zone()]++;
            assertEquals((f.drift() + f.zone()) % 8, f.s2Label());
            s2[f.s2Label()]++;
            assertEquals(f.color() == pi[f.rhythm()] ? 1 : 0, f.s1Label(pi));
            if (f.biased()) assertEquals(pi[f.rhythm()], f.color());
            matched += f.s1Label(pi);
        }
        for (int[] counts : List.of(rhythm, colour, drift, zone, s2))
            for (int c : counts) assertTrue(c > 6000 / counts.length / 2, Arrays.toString(counts));
        // half biased, and 1/6 of the uniform half matches by chance: 7/12
        assertEquals(6000 * 7 / 12.0, matched, 150);

        SegmentSampler match = new SegmentSampler(1, pi, DatasetSpec.ColorRule.MATCH, 1, 2, 6, 8);
        SegmentSampler mismatch = new SegmentSampler(1, pi, DatasetSpec.ColorRule.MISMATCH, 1, 2, 6, 8);
        int[][] wrong = new int[6][6];
        for (int i = 0; i < 3000; i++) {
            assertEquals(1, match.factors(rng).s1Label(pi));
            SegmentFactors f = mismatch.factors(rng);
            assertEquals(0, f.s1Label(pi));
            wrong[f.rhythm()][f.color()]++;
        }
        for (int r = 0; r < 6; r++)
            for (int c = 0; c < 6; c++) assertEquals(c == pi[r], wrong[r][c] == 0, "rhythm " + r + " colour " + c);
    }

    @Test
    void factorsOutsideTheirCardinalityAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SegmentFactors(0, 0, 0, 0, 6, 0, 0, 0, false, 6, 8));
        assertThrows(IllegalArgumentException.class, () -> new SegmentFactors(0, 0, 0, 0, 0, 0, 0, 8, false, 6, 8));
        assertThrows(IllegalArgumentException.class, () -> new SegmentFactors(0, 0, 0, 4, 0, 0, 0, 0, false, 6, 8));
        assertThrows(IllegalArgumentException.class, () -> new SegmentFactors(0, 0, 0, 0, 0, 0, 0, 0, false, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new SegmentFactors(0, 0, 0, 0, 0, 0, 0, 0, false, 4, 9));
        assertThrows(IllegalArgumentException.class, () -> new SegmentFactors(0, 0, 0, 0, 4, 0, 0, 0, false));
        SegmentFactors f = new SegmentFactors(0, 0, 0, 0, 5, 1, 7, 6, false, 6, 8);
        assertEquals(5, f.s2Label()); // 13 mod 8
        assertThrows(IllegalArgumentException.class, () -> f.s1Label(Rendering.defaultColorMap()));
    }

    @Test
    void theDefaultColourMapIsAFixedPermutationForEveryK1() {
        assertArrayEquals(new int[] {2, 0, 3, 1}, Rendering.defaultColorMap(4));
        assertArrayEquals(Rendering.defaultColorMap(), Rendering.defaultColorMap(4));
        assertArrayEquals(new int[] {1, 0}, Rendering.defaultColorMap(2));
        assertArrayEquals(new int[] {3, 4, 5, 0, 1, 2}, Rendering.defaultColorMap(6));
        for (int k = 2; k <= 8; k++) {
            int[] pi = Rendering.defaultColorMap(k);
            Rendering.checkColorMap(pi, k);
            for (int r = 0; r < k; r++) assertTrue(pi[r] != r, "rhythm " + r + " keeps its colour index, K1 = " + k);
        }
        assertThrows(IllegalArgumentException.class, () -> Rendering.defaultColorMap(9));
        assertThrows(IllegalArgumentException.class, () -> Rendering.checkColorMap(new int[] {0, 1, 2, 3}, 6));
        assertThrows(IllegalArgumentException.class, () -> Rendering.checkColorMap(new int[] {0, 1, 2, 3, 4, 4}, 6));
        assertThrows(IllegalArgumentException.class, () -> Rendering.checkColorMap(new int[] {0, 1, 2, 3, 4, 6}, 6));
        assertThrows(IllegalArgumentException.class, () -> Rendering.checkColorMap(Rendering.defaultColorMap(6)));
    }

    /** Rhythm, colour and drift read back from the rendering of every value of the 8-entry tables. */
    @Test
    void everyValueOfTheEightEntryTablesRendersDistinctly() {
        SegmentSampler sampler =
                new SegmentSampler(0, Rendering.defaultColorMap(8), DatasetSpec.ColorRule.BIASED, 1, 3, 8, 8);
        SplittableRandom segRng = new SplittableRandom(5), noise = new SplittableRandom(6);
        int[] rhythms = Arrays.copyOf(Rendering.RHYTHM_FREQ, 8);
        assertEquals(8, Arrays.stream(rhythms).distinct().count());
        int[] seen = new int[8];
        double[][] meanCh3 = new double[8][SensorModel.GRID];
        int[] perDrift = new int[8];
        byte[] img = new byte[ImageRenderer.BYTES];
        for (int i = 0; i < 800; i++) {
            Segment s = sampler.next(segRng, i);
            SegmentFactors f = s.factors();
            float[] w = SimulatedDataset.sensorWindow(s, 0, noise);
            double[] ch2 = new double[32];
            for (int j = 0; j < 32; j++) ch2[j] = w[j * 4 + 2];
            assertEquals(Rendering.RHYTHM_FREQ[f.rhythm()], Decode.dominantFrequency(ch2, rhythms), f.toString());
            assertEquals(f.drift(), nearestDrift(w), f.toString());
            for (int j = 0; j < 32; j++) meanCh3[f.drift()][j] += w[j * 4 + 3];
            perDrift[f.drift()]++;
            ImageRenderer.render(s, 0, noise, img);
            assertEquals(f.color(), nearestColour(img), f.toString());
            seen[f.color()]++;
        }
        for (int c : seen) assertTrue(c > 0, Arrays.toString(seen));
        // the mean standardised ch3 windows of any two drift patterns are far apart: RMS difference over the 32 steps
        // above 0.4 (§6.4's rise vs step up at 0.5 is the closest pair, 0.54 without noise)
        for (int a = 0; a < 8; a++)
            for (int b = a + 1; b < 8; b++) {
                double ss = 0;
                for (int j = 0; j < 32; j++) {
                    double e = meanCh3[a][j] / perDrift[a] - meanCh3[b][j] / perDrift[b];
                    ss += e * e;
                }
                assertTrue(Math.sqrt(ss / 32) > 0.4, "drift " + a + " vs " + b + ": RMS " + Math.sqrt(ss / 32));
            }
    }

    private static int nearestDrift(float[] w) {
        int best = -1;
        double bestD = Double.MAX_VALUE;
        for (int v = 0; v < 8; v++) {
            double d = 0;
            for (int j = 0; j < 32; j++) {
                double e = w[j * 4 + 3] - SensorModel.standardise(SensorModel.drift(v, j / 32.0), 3);
                d += e * e;
            }
            if (d < bestD) {
                bestD = d;
                best = v;
            }
        }
        return best;
    }

    /** The palette entry nearest to the brightest foreground pixel (an "on" texture pixel: the full colour). */
    private static int nearestColour(byte[] hwc) {
        boolean[] fg = Decode.foreground(hwc, 32);
        int p = -1, bestSum = -1;
        for (int q = 0; q < fg.length; q++) {
            int sum = (hwc[q * 3] & 0xff) + (hwc[q * 3 + 1] & 0xff) + (hwc[q * 3 + 2] & 0xff);
            if (fg[q] && sum > bestSum) {
                bestSum = sum;
                p = q;
            }
        }
        int arg = -1;
        double bestD = Double.MAX_VALUE;
        for (int k = 0; k < Rendering.COLOURS.length; k++) {
            double d = 0;
            for (int c = 0; c < 3; c++) {
                double e = (hwc[p * 3 + c] & 0xff) / 255.0 - Rendering.COLOURS[k][c];
                d += e * e;
            }
            if (d < bestD) {
                bestD = d;
                arg = k;
            }
        }
        return arg;
    }

    @Test
    void aDatasetWithSixRhythmsAndThreeZones() {
        DatasetSpec spec = DatasetSpec.defaults(5, 1200, 6, 3).withSegmentTicks(1, 4);
        assertArrayEquals(Rendering.defaultColorMap(6), spec.colorMap());
        int[] pi = spec.colorMap();
        Tokenizer tok = Tokenizer.defaultTokenizer();
        for (DatasetSpec.ColorRule rule : DatasetSpec.ColorRule.values()) {
            SimulatedDataset d = SimulatedDataset.generate(spec.withColorRule(rule));
            int[] colours = new int[6], zones = new int[3];
            for (int i = 0; i < d.size(); i++) {
                SegmentFactors f = d.factors(i);
                assertEquals(6, f.s1Values());
                assertEquals(3, f.s2Values());
                assertEquals((f.drift() + f.zone()) % 3, f.s2Label());
                if (rule != DatasetSpec.ColorRule.MISMATCH) assertEquals(1, f.s1Label(pi)); // pBias 1
                else assertEquals(0, f.s1Label(pi));
                colours[f.color()]++;
                zones[f.zone()]++;
                assertEquals(f.color(), nearestColour(d.image(i)));
                List<String> words =
                        Arrays.stream(d.tokens(i)).mapToObj(tok::word).toList();
                assertTrue(words.contains(Rendering.ZONES[f.zone()]), words.toString());
                assertFalse(Arrays.stream(d.tokens(i)).anyMatch(t -> t == Tokenizer.UNK), words.toString());
            }
            for (int c : colours) assertTrue(c > 0, rule + " " + Arrays.toString(colours));
            for (int z : zones) assertTrue(z > 0, Arrays.toString(zones));
        }
    }

    /**
     * K2 is limited to the zone words the tokenizer holds: tokenizer v1 knows alpha..delta, so K2 = 5..8 are refused
     * (their words would all be UNK), and accepted, with their words in the text, once the vocabulary holds them.
     */
    @Test
    void k2NeedsTheZoneWordsInTheVocabulary() {
        assertEquals(List.of(), Rendering.zoneWordsMissingFromVocabulary(4));
        for (int k2 = 2; k2 <= 8; k2++) {
            int values = k2;
            List<String> missing = Rendering.zoneWordsMissingFromVocabulary(values);
            if (missing.isEmpty()) {
                SimulatedDataset d = SimulatedDataset.generate(DatasetSpec.defaults(3, 400, 4, values));
                for (int i = 0; i < d.size(); i++)
                    assertFalse(Arrays.stream(d.tokens(i)).anyMatch(t -> t == Tokenizer.UNK));
            } else {
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> DatasetSpec.defaults(3, 400, 4, values));
                assertTrue(e.getMessage().contains(missing.get(0)), e.getMessage());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> DatasetSpec.defaults(3, 400, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> DatasetSpec.defaults(3, 400, 9, 4));
        assertThrows(IllegalArgumentException.class, () -> DatasetSpec.defaults(3, 400, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> DatasetSpec.defaults(3, 400, 6, 4)
                .withColorMap(Rendering.defaultColorMap()));
    }

    /**
     * K1 = K2 = 4 is the benchmark of before the options: the same spec, and the same bytes (hashes pinned from the
     * generator before K1 / K2 existed).
     */
    @Test
    void theDefaultCardinalitiesGiveTheBytesOfBefore() throws Exception {
        assertEquals(DatasetSpec.defaults(7, 300), DatasetSpec.defaults(7, 300, 4, 4));
        assertEquals(
                DatasetSpec.defaults(7, 300), DatasetSpec.defaults(7, 300, 6, 3).withSynergyValues(4, 4));
        assertEquals(
                "664dfb78438f7d5e5cb6edfb2d13e5d3e677f2644c585c37820b65b00d4ea01c",
                sha256(SimulatedDataset.generate(DatasetSpec.defaults(7, 300))));
        assertEquals(
                "66183e9faf3ec894b821b9b2df205564f49162fa2568cc142ed84afc52992e5d",
                sha256(SimulatedDataset.generate(DatasetSpec.defaults(8, 300)
                        .withColorRule(DatasetSpec.ColorRule.MISMATCH)
                        .withSegmentTicks(1, 2))));
    }

    /** SHA-256 of every tick's sensor floats, image bytes, token ids, factors and segment id. */
    static String sha256(SimulatedDataset d) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < d.size(); i++) {
            float[] s = d.sensor(i);
            ByteBuffer b = ByteBuffer.allocate(4 * s.length);
            for (float v : s) b.putFloat(v);
            md.update(b.array());
            md.update(d.image(i));
            for (int t : d.tokens(i)) md.update((byte) t);
            SegmentFactors f = d.factors(i);
            md.update((f.obj() + "," + f.prof() + "," + f.tex() + "," + f.verb() + "," + f.rhythm() + "," + f.color()
                            + "," + f.drift() + "," + f.zone() + "," + f.biased() + "," + d.segmentId(i) + ";")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
