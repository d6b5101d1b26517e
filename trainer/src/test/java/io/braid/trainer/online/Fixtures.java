package io.braid.trainer.online;

import io.braid.avro.MultimodalWindow;
import io.braid.avro.Presence;
import io.braid.avro.TrainingPair;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.model.ModelConfig;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/** Tiny model configs for tests (also the scorer's, in another package), and the {@link SimulatedPairs} the tests feed (fixed start time). */
public final class Fixtures {
    public static final long START = 1_700_000_000_000L;

    private Fixtures() {}

    /** The §6.8 layout with small widths, so a DJL step takes milliseconds on a busy core. */
    public static ModelConfig tiny(String objective) {
        return tiny(objective, 11);
    }

    /** {@link #tiny(String)} with another parameter-init seed (a second, different model of the same layout). */
    public static ModelConfig tiny(String objective, long initSeed) {
        return new ModelConfig(
                objective,
                32,
                SimulatedDataset.SENSOR_CHANNELS,
                SimulatedDataset.SENSOR_STEPS,
                SimulatedDataset.IMAGE_SIZE,
                SimulatedDataset.TEXT_LENGTH,
                Tokenizer.defaultTokenizer().vocabularySize(),
                4,
                1,
                4,
                64,
                64,
                32,
                32,
                64,
                48,
                false,
                0.0051,
                0.1,
                16,
                0.1,
                true,
                1.0,
                1.0,
                initSeed);
    }

    public static List<Integer> ints(int[] a) {
        return SimulatedPairs.ints(a);
    }

    static TrainingPair pair(SimulatedDataset d, int i, String source, long windowEnd, Presence p1, Presence p2) {
        return SimulatedPairs.pair(d, i, source, windowEnd, p1, p2);
    }

    public static Presence all() {
        return SimulatedPairs.all();
    }

    /** {@code robots} sources, {@code ticks} consecutive 1 s windows each, interleaved in time order. */
    static List<TrainingPair> stream(int robots, int ticks, long seed) {
        return SimulatedPairs.stream(robots, ticks, seed, START);
    }

    public static SimulatedDataset dataset(int ticks) {
        return SimulatedDataset.generate(DatasetSpec.defaults(5, ticks));
    }

    /** Window {@code i} of source {@code source}, ending at START + (i + 1) s, with the modalities {@code p}. */
    public static MultimodalWindow window(SimulatedDataset d, int i, String source, Presence p) {
        long end = START + (i + 1) * 1000L;
        return MultimodalWindow.newBuilder()
                .setWindowId(source + "@" + (end - 1000))
                .setSourceId(source)
                .setWindowStart(Instant.ofEpochMilli(end - 1000))
                .setWindowEnd(Instant.ofEpochMilli(end))
                .setPipelineVersion("pv-test")
                .setSensorSteps(SimulatedDataset.SENSOR_STEPS)
                .setSensorChannels(SimulatedDataset.SENSOR_CHANNELS)
                .setSensor(p.getSensor() ? SimulatedPairs.floats(d.sensor(i)) : List.of())
                .setSensorGaps(Collections.nCopies(SimulatedDataset.SENSOR_STEPS, false))
                .setImageWidth(p.getVision() ? SimulatedDataset.IMAGE_SIZE : 0)
                .setImageHeight(p.getVision() ? SimulatedDataset.IMAGE_SIZE : 0)
                .setImageChannels(p.getVision() ? 3 : 0)
                .setImage(ByteBuffer.wrap(p.getVision() ? d.image(i) : new byte[0]))
                .setTokens(Fixtures.ints(d.tokens(i)))
                .setVocabVersion(Tokenizer.VERSION)
                .setPresence(p)
                .setOffsets(List.of())
                .build();
    }
}
