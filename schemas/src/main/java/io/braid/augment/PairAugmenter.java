package io.braid.augment;

import io.braid.avro.AugmentedView;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Presence;
import io.braid.avro.TrainingPair;
import io.braid.serde.FloatList;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a {@link TrainingPair} from a window: two views, each augmented independently per modality (notes/methods.md
 * §2.5, §6.7), seeded from (pipeline version, window id, view), so a replay of the same window gives the same bytes.
 * Engine-free: the Flink job (flink-jobs' AugmentFunction) and the trainer's offline {@code eval} / {@code bench train}
 * path both use this one implementation.
 */
public final class PairAugmenter implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Version of this augmentation code; part of the Flink job's pipeline version. Bump it whenever a change here, in
     * {@link Rng}, {@link ImageAugment}, {@link SensorAugment}, {@link TextAugment} or in flink-jobs' AugmentFunction
     * changes the bytes of a pair for the same window and parameters (2: seeds masked to 53 bits), and re-pin the
     * golden hashes of AugmentFunctionGoldenBytesTest (flink-jobs) and OfflinePairsGoldenBytesTest (trainer).
     */
    public static final int AUGMENT_CODE_VERSION = 2;

    /** Seeds are below 2^53, so a decoder that reads Avro longs as doubles (JavaScript) gets them exactly. */
    public static final long SEED_MASK = (1L << 53) - 1;

    private final AugmentationParams p;

    public PairAugmenter(AugmentationParams params) {
        this.p = params;
    }

    /** The view's seed, in [0, 2^53) (see TrainingPair.seed1's doc). */
    public static long seed(String pipelineVersion, String windowId, int view) {
        return seed64(pipelineVersion, windowId, "view" + view) & SEED_MASK;
    }

    /** A 64-bit seed from the first 8 bytes of SHA-256 of the parts joined with '|'. */
    public static long seed64(String... parts) {
        byte[] d = sha256(String.join("|", parts));
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (d[i] & 0xff);
        return v;
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public AugmentationParams params() {
        return p;
    }

    public TrainingPair augment(MultimodalWindow w) {
        long s1 = seed(w.getPipelineVersion(), w.getWindowId(), 1);
        long s2 = seed(w.getPipelineVersion(), w.getWindowId(), 2);
        return TrainingPair.newBuilder()
                .setWindowId(w.getWindowId())
                .setVocabVersion(w.getVocabVersion())
                .setSourceId(w.getSourceId())
                .setWindowEnd(w.getWindowEnd())
                .setPipelineVersion(w.getPipelineVersion())
                .setView1(view(w, s1))
                .setView2(view(w, s2))
                .setSeed1(s1)
                .setSeed2(s2)
                .setSensorSteps(w.getSensorSteps())
                .setSensorChannels(w.getSensorChannels())
                .setImageWidth(w.getImageWidth())
                .setImageHeight(w.getImageHeight())
                .setImageChannels(w.getImageChannels())
                .build();
    }

    AugmentedView view(MultimodalWindow w, long seed) {
        Rng rng = new Rng(seed);
        Presence in = w.getPresence();
        boolean sensor = in.getSensor();
        boolean vision = in.getVision();
        boolean text = in.getText();
        if (p.modalityDropoutP() > 0) {
            boolean[] keep = {
                sensor && !rng.coin(p.modalityDropoutP()),
                vision && !rng.coin(p.modalityDropoutP()),
                text && !rng.coin(p.modalityDropoutP())
            };
            if (!keep[0] && !keep[1] && !keep[2]) {
                List<Integer> present = new ArrayList<>();
                if (sensor) present.add(0);
                if (vision) present.add(1);
                if (text) present.add(2);
                keep[present.get(rng.nextInt(present.size()))] = true;
            }
            sensor = keep[0];
            vision = keep[1];
            text = keep[2];
        }
        // each modality gets its own stream so that turning one augmentation off leaves the others' bytes unchanged
        Rng sensorRng = new Rng(seed ^ 0x5EB5_0000_0000_0001L);
        Rng imageRng = new Rng(seed ^ 0x1A6E_0000_0000_0002L);
        Rng textRng = new Rng(seed ^ 0x7E47_0000_0000_0003L);

        int steps = w.getSensorSteps();
        int channels = w.getSensorChannels();
        List<Float> sensorOut = List.of();
        if (sensor) {
            List<Float> src = w.getSensor();
            float[] grid = new float[src.size()];
            for (int i = 0; i < grid.length; i++) grid[i] = FloatList.floatAt(src, i);
            boolean[] gaps = new boolean[steps];
            List<Boolean> g = w.getSensorGaps();
            for (int i = 0; i < steps && i < g.size(); i++) gaps[i] = g.get(i);
            float[] aug = SensorAugment.apply(grid, gaps, steps, channels, p, sensorRng);
            List<Float> l = new ArrayList<>(aug.length);
            for (float v : aug) l.add(v);
            sensorOut = l;
        }
        byte[] imageOut = new byte[0];
        if (vision) {
            ByteBuffer b = w.getImage().duplicate();
            byte[] raw = new byte[b.remaining()];
            b.get(raw);
            imageOut =
                    ImageAugment.apply(raw, w.getImageWidth(), w.getImageHeight(), w.getImageChannels(), p, imageRng);
        }
        List<Integer> src = w.getTokens();
        int[] tokens = new int[src.size()];
        if (text) {
            for (int i = 0; i < tokens.length; i++) tokens[i] = FloatList.intAt(src, i);
            tokens = TextAugment.apply(tokens, p.textMaskP(), textRng);
        }
        List<Integer> tokenOut = new ArrayList<>(tokens.length);
        for (int t : tokens) tokenOut.add(t);
        return AugmentedView.newBuilder()
                .setSensor(sensorOut)
                .setImage(ByteBuffer.wrap(imageOut))
                .setTokens(tokenOut)
                .setPresence(new Presence(sensor, vision, text))
                .build();
    }
}
