package io.braid.producers.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.avro.SensorChunk;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.FloatList;
import io.braid.serde.SerdeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.PrimitivesArrays;
import org.junit.jupiter.api.Test;

/** The fast rendering and serialization paths give exactly the bytes of the straightforward ones. */
class RenderFastPathTest {
    private static int slowToByte(double v) {
        long q = Math.round(v * 255.0);
        return (int) Math.max(0, Math.min(255, q));
    }

    @Test
    void toByteIsMathRoundClamped() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < 2_000_000; i++) {
            double v = rng.nextDouble(-0.2, 1.2);
            assertEquals(slowToByte(v), ImageRenderer.toByte(v), "v=" + v);
            double g = 0.5 + 0.03 * rng.nextGaussian();
            assertEquals(slowToByte(g), ImageRenderer.toByte(g), "v=" + g);
        }
        // around every half-way point and the edges, to the last bit
        for (int k = -2; k <= 258; k++) {
            for (double x : new double[] {k - 0.5, k, k + 0.5}) {
                double v = x / 255.0;
                double up = v, down = v;
                for (int j = 0; j < 64; j++) {
                    assertEquals(slowToByte(up), ImageRenderer.toByte(up), "v=" + up);
                    assertEquals(slowToByte(down), ImageRenderer.toByte(down), "v=" + down);
                    up = Math.nextUp(up);
                    down = Math.nextDown(down);
                }
            }
        }
        for (double v : new double[] {
            Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0.49999999999999994 / 255, 1 / 255.0, 0, 1
        }) {
            assertEquals(slowToByte(v), ImageRenderer.toByte(v), "v=" + v);
        }
    }

    /** The per-pixel renderer the layer cache replaced. */
    private static void slowRender(Segment s, int tick, SplittableRandom noise, byte[] out) {
        byte[] m = ImageRenderer.mask(
                s.factors().obj(), s.factors().tex(), s.radius(), s.rotation(), s.centreX(tick), s.centreY(tick));
        double[] c = Rendering.COLOURS[s.factors().color()];
        for (int p = 0, o = 0; p < m.length; p++, o += 3) {
            if (m[p] == ImageRenderer.BACKGROUND) {
                byte g =
                        (byte) slowToByte(Rendering.BACKGROUND + Rendering.BACKGROUND_NOISE_STD * noise.nextGaussian());
                out[o] = out[o + 1] = out[o + 2] = g;
            } else {
                double f = m[p] == ImageRenderer.ON ? 1 : Rendering.OFF_FACTOR;
                for (int ch = 0; ch < 3; ch++) out[o + ch] = (byte) slowToByte(f * c[ch]);
            }
        }
    }

    @Test
    void layeredRenderingMatchesPerPixelRendering() {
        SegmentSampler sampler = new SegmentSampler(0.5, Rendering.defaultColorMap(), DatasetSpec.ColorRule.BIASED);
        SplittableRandom segRng = new SplittableRandom(3);
        SplittableRandom fast = new SplittableRandom(11), slow = new SplittableRandom(11);
        byte[] a = new byte[ImageRenderer.BYTES], b = new byte[ImageRenderer.BYTES];
        for (int i = 0; i < 200; i++) {
            Segment s = sampler.next(segRng, i);
            for (int t = 0; t < s.length(); t++) {
                for (int frame = 0; frame < 3; frame++) {
                    ImageRenderer.render(s, t, fast, a);
                    slowRender(s, t, slow, b);
                    assertArrayEquals(b, a, "segment " + i + " tick " + t);
                }
            }
        }
        assertEquals(slow.nextLong(), fast.nextLong(), "same number of noise draws");
    }

    @Test
    void primitiveFloatArraysSerializeLikeBoxedLists() {
        Map<String, Object> cfg = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://render-fast-path");
        float[] values = new float[40];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < values.length; i++) values[i] = (float) rng.nextGaussian();
        values[3] = Float.NaN;
        List<Float> boxed = new ArrayList<>();
        for (float v : values) boxed.add(v);
        var valuesSchema = SensorChunk.getClassSchema().getField("values").schema();
        PrimitivesArrays.FloatArray avroFloats = new PrimitivesArrays.FloatArray(values.length, valuesSchema);
        for (float v : values) avroFloats.add(v);
        try (var ser = new ConfluentAvroSerializer<Object>(null, cfg, false)) {
            byte[] reference = ser.serialize("t", chunk(boxed));
            assertArrayEquals(reference, ser.serialize("t", chunk(new FloatList(values))));
            assertArrayEquals(reference, ser.serialize("t", chunk(avroFloats)));
            assertArrayEquals(reference, ser.serialize("t", chunk(new GenericData.Array<>(valuesSchema, boxed))));
            // empty arrays too
            byte[] empty = ser.serialize("t", chunk(List.of()));
            assertArrayEquals(empty, ser.serialize("t", chunk(new FloatList(new float[0]))));
        }
    }

    private static SensorChunk chunk(List<Float> values) {
        return new SensorChunk(
                "robot-0", 1L, java.time.Instant.ofEpochMilli(1000), 100.0, Rendering.CHANNEL_NAMES, 10, values);
    }
}
