package io.braid.trainer.online;

import io.braid.avro.AugmentedView;
import io.braid.avro.Presence;
import io.braid.avro.TrainingPair;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.serde.FloatList;
import io.braid.text.Tokenizer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Valid TrainingPairs in the mm.train wire layout, built from the robot simulator without the Flink job: for tests
 * and for {@code bench trainer}, which needs a cheap, steady supply. The views are light stand-ins for the job's
 * augmentations (sensor noise, token masking); what matters here is the layout, not the augmentation.
 */
public final class SimulatedPairs {
    private SimulatedPairs() {}

    public static List<Float> floats(float[] a) {
        return new FloatList(a);
    }

    static List<Integer> ints(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int x : a) l.add(x);
        return l;
    }

    /** A view of tick i: sensor with a little noise, the frame as is, tokens with some masked. */
    static AugmentedView view(SimulatedDataset d, int i, SplittableRandom r, Presence p) {
        float[] s = d.sensor(i).clone();
        for (int k = 0; k < s.length; k++) s[k] += (float) (0.1 * r.nextGaussian());
        int[] t = d.tokens(i).clone();
        for (int k = 0; k < t.length; k++) if (t[k] != Tokenizer.PAD && r.nextDouble() < 0.15) t[k] = Tokenizer.MASK;
        return AugmentedView.newBuilder()
                .setSensor(p.getSensor() ? floats(s) : List.of())
                .setImage(ByteBuffer.wrap(p.getVision() ? d.image(i) : new byte[0]))
                .setTokens(ints(p.getText() ? t : new int[t.length]))
                .setPresence(p)
                .build();
    }

    /** The pair of tick {@code i} of {@code d} as window {@code source@windowEnd-1s}. */
    public static TrainingPair pair(
            SimulatedDataset d, int i, String source, long windowEnd, Presence p1, Presence p2) {
        SplittableRandom r = new SplittableRandom(i * 31L + source.hashCode());
        return TrainingPair.newBuilder()
                .setWindowId(source + "@" + (windowEnd - 1000))
                .setSourceId(source)
                .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setPipelineVersion("pv-sim")
                .setView1(view(d, i, r, p1))
                .setView2(view(d, i, r, p2))
                .setSeed1(1)
                .setSeed2(2)
                .setSensorSteps(SimulatedDataset.SENSOR_STEPS)
                .setSensorChannels(SimulatedDataset.SENSOR_CHANNELS)
                .setImageWidth(SimulatedDataset.IMAGE_SIZE)
                .setImageHeight(SimulatedDataset.IMAGE_SIZE)
                .setImageChannels(3)
                .setVocabVersion(Tokenizer.VERSION)
                .build();
    }

    public static Presence all() {
        return new Presence(true, true, true);
    }

    /**
     * {@code robots} sources, {@code ticks} consecutive 1 s windows each from {@code startMs}, interleaved in time
     * order.
     */
    public static List<TrainingPair> stream(int robots, int ticks, long seed, long startMs) {
        SimulatedDataset d = SimulatedDataset.generate(DatasetSpec.defaults(seed, robots * ticks));
        List<TrainingPair> out = new ArrayList<>();
        for (int t = 0; t < ticks; t++)
            for (int r = 0; r < robots; r++)
                out.add(pair(d, r * ticks + t, "robot-" + r, startMs + (t + 1) * 1000L, all(), all()));
        return out;
    }
}
