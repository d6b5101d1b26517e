package io.braid.trainer.online;

import io.braid.avro.AugmentedView;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Presence;
import io.braid.avro.TrainingPair;
import io.braid.serde.FloatList;
import io.braid.trainer.data.ImageNorm;
import io.braid.trainer.model.Batch;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.online.PairRejectedException.Reason;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * The one place that knows the mm.train wire layouts: sensor grids T×C row-major (the model wants C×T), images raw u8
 * H×W×C (1 or 3 channels; the model wants normalised 3×H×W), token ids of the pair's vocabulary, presence per view.
 * {@link #decode} validates a pair against the model (shape, vocabulary version, token range, finiteness) and
 * {@link #batch} stacks decoded pairs into the trainer's two-view {@link Batch} ([view ' rows; view '' rows]), each
 * row with its own view's presence.
 */
public final class TrainingPairBatches {
    /** What a pair must match: the model's configuration and the vocabulary version its token embedding was built for. */
    public record Expectation(ModelConfig config, String vocabVersion) {
        public Expectation {
            Objects.requireNonNull(config);
            Objects.requireNonNull(vocabVersion);
        }
    }

    /** One validated view in model layout; arrays of an absent modality are zeros. */
    public record View(float[] sensor, float[] image, int[] tokens, float[] presence) {}

    /** A validated pair plus what batching needs to know about where it came from. */
    public record Sample(String windowId, String sourceId, long windowEnd, View view1, View view2) {}

    private final Expectation expect;

    public TrainingPairBatches(Expectation expect) {
        this.expect = expect;
    }

    public Expectation expectation() {
        return expect;
    }

    /** The pair in model layout, or a rejection with its reason. */
    public Sample decode(TrainingPair p) throws PairRejectedException {
        ModelConfig c = expect.config();
        String vocab = p.getVocabVersion();
        // null: written before the field existed; the token range check below still guards the embedding
        if (vocab != null && !vocab.equals(expect.vocabVersion()))
            throw new PairRejectedException(
                    Reason.VOCAB_MISMATCH,
                    "pair vocabulary " + vocab + " != model vocabulary " + expect.vocabVersion());
        return new Sample(
                p.getWindowId(),
                p.getSourceId(),
                p.getWindowEnd().toEpochMilli(),
                view(p, p.getView1(), "view1", c),
                view(p, p.getView2(), "view2", c));
    }

    private static View view(TrainingPair p, AugmentedView v, String name, ModelConfig c) throws PairRejectedException {
        return view(
                new Wire(
                        p.getSensorSteps(),
                        p.getSensorChannels(),
                        v.getSensor(),
                        p.getImageWidth(),
                        p.getImageHeight(),
                        p.getImageChannels(),
                        v.getImage(),
                        v.getTokens(),
                        v.getPresence()),
                name,
                c);
    }

    /** The fields of one view as they are on the wire (a TrainingPair view or a MultimodalWindow). */
    private record Wire(
            int sensorSteps,
            int sensorChannels,
            List<Float> sensor,
            int imageWidth,
            int imageHeight,
            int imageChannels,
            ByteBuffer image,
            List<Integer> tokens,
            Presence presence) {}

    /**
     * An un-augmented window (mm.windows) in model layout, validated like a training view (same checks, same
     * reasons): what inference and the probe sets feed the model.
     */
    public View window(MultimodalWindow w) throws PairRejectedException {
        String vocab = w.getVocabVersion();
        if (vocab != null && !vocab.equals(expect.vocabVersion()))
            throw new PairRejectedException(
                    Reason.VOCAB_MISMATCH,
                    "window vocabulary " + vocab + " != model vocabulary " + expect.vocabVersion());
        return view(
                new Wire(
                        w.getSensorSteps(),
                        w.getSensorChannels(),
                        w.getSensor(),
                        w.getImageWidth(),
                        w.getImageHeight(),
                        w.getImageChannels(),
                        w.getImage(),
                        w.getTokens(),
                        w.getPresence()),
                "window " + w.getWindowId(),
                expect.config());
    }

    private static View view(Wire v, String name, ModelConfig c) throws PairRejectedException {
        Presence pr = v.presence();
        if (!pr.getSensor() && !pr.getVision() && !pr.getText())
            throw new PairRejectedException(Reason.EMPTY_VIEW, name + " has no modality present");
        int steps = c.sensorSteps(), channels = c.sensorChannels(), size = c.imageSize();
        float[] sensor = new float[channels * steps];
        if (pr.getSensor()) {
            if (v.sensorSteps() != steps || v.sensorChannels() != channels)
                throw new PairRejectedException(
                        Reason.WRONG_SHAPE,
                        "sensor grid " + v.sensorSteps() + "x" + v.sensorChannels() + ", model expects " + steps + "x"
                                + channels);
            List<Float> s = v.sensor();
            if (s.size() != steps * channels)
                throw new PairRejectedException(
                        Reason.WRONG_SHAPE, name + " sensor has " + s.size() + " values, T x C = " + steps * channels);
            for (int t = 0; t < steps; t++)
                for (int ch = 0; ch < channels; ch++) {
                    float x = FloatList.floatAt(s, t * channels + ch);
                    if (!Float.isFinite(x))
                        throw new PairRejectedException(
                                Reason.NON_FINITE, name + " sensor value " + x + " at step " + t + " channel " + ch);
                    sensor[ch * steps + t] = x;
                }
        }
        float[] image = new float[3 * size * size];
        if (pr.getVision()) {
            int w = v.imageWidth(), h = v.imageHeight(), ch = v.imageChannels();
            if (w != size || h != size || (ch != 1 && ch != 3))
                throw new PairRejectedException(
                        Reason.WRONG_SHAPE,
                        "image " + w + "x" + h + "x" + ch + ", model expects " + size + "x" + size + "x3 (or x1)");
            ByteBuffer b = v.image().duplicate();
            if (b.remaining() != w * h * ch)
                throw new PairRejectedException(
                        Reason.WRONG_SHAPE, name + " image has " + b.remaining() + " bytes, H x W x C = " + w * h * ch);
            byte[] raw = new byte[w * h * ch];
            b.get(raw);
            ImageNorm.toChw(ch == 3 ? raw : gray(raw), size, image, 0);
        }
        int len = c.textLength();
        int[] tokens = new int[len];
        if (pr.getText()) {
            List<Integer> t = v.tokens();
            if (t.size() != len)
                throw new PairRejectedException(
                        Reason.WRONG_SHAPE, name + " has " + t.size() + " tokens, model text length is " + len);
            for (int i = 0; i < len; i++) {
                int id = FloatList.intAt(t, i);
                if (id < 0 || id >= c.vocabularySize())
                    throw new PairRejectedException(
                            Reason.TOKEN_OUT_OF_RANGE,
                            name + " token " + id + " outside the vocabulary of " + c.vocabularySize());
                tokens[i] = id;
            }
        }
        float[] presence = {pr.getSensor() ? 1f : 0f, pr.getVision() ? 1f : 0f, pr.getText() ? 1f : 0f};
        return new View(sensor, image, tokens, presence);
    }

    /** One grey channel replicated to RGB, so grayscale rigs feed the same encoder. */
    private static byte[] gray(byte[] g) {
        byte[] rgb = new byte[g.length * 3];
        for (int i = 0; i < g.length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = g[i];
        return rgb;
    }

    /**
     * Two-view batch of the samples: rows [view ' of every sample; view '' of every sample], each with its own
     * presence. {@code falseNegatives} (N×N, 1 = not a negative) or null.
     */
    public Batch batch(List<Sample> samples, float[] falseNegatives) {
        return batch(samples, 2, null, falseNegatives);
    }

    /**
     * As {@link #batch(List, float[])} with {@code views} = 2, or 1 for view ' only (supervised DI-MML); {@code
     * labels} (one per sample, repeated for each view) or null.
     */
    public Batch batch(List<Sample> samples, int views, int[] labels, float[] falseNegatives) {
        if (views != 1 && views != 2) throw new IllegalArgumentException("views must be 1 or 2: " + views);
        if (labels != null && labels.length != samples.size())
            throw new IllegalArgumentException(labels.length + " labels for " + samples.size() + " samples");
        ModelConfig c = expect.config();
        int n = samples.size(), rows = views * n;
        int sl = c.sensorChannels() * c.sensorSteps(), il = 3 * c.imageSize() * c.imageSize(), tl = c.textLength();
        float[] s = new float[rows * sl], im = new float[rows * il], pr = new float[rows * Batch.MODALITIES];
        int[] tk = new int[rows * tl];
        int[] lab = labels == null ? null : new int[rows];
        for (int v = 0; v < views; v++)
            for (int i = 0; i < n; i++) {
                View x = v == 0 ? samples.get(i).view1() : samples.get(i).view2();
                int r = v * n + i;
                if (lab != null) lab[r] = labels[i];
                System.arraycopy(x.sensor(), 0, s, r * sl, sl);
                System.arraycopy(x.image(), 0, im, r * il, il);
                System.arraycopy(x.tokens(), 0, tk, r * tl, tl);
                System.arraycopy(x.presence(), 0, pr, r * Batch.MODALITIES, Batch.MODALITIES);
            }
        if (falseNegatives != null && falseNegatives.length != n * n)
            throw new IllegalArgumentException("false-negative mask of " + falseNegatives.length + " for " + n);
        return new Batch(
                rows, c.sensorChannels(), c.sensorSteps(), c.imageSize(), tl, s, im, tk, pr, lab, falseNegatives);
    }

    /** One-view batch of validated views (inference, probes): row i = views[i], each with its own presence. */
    public Batch plain(List<View> views) {
        ModelConfig c = expect.config();
        int rows = views.size();
        int sl = c.sensorChannels() * c.sensorSteps(), il = 3 * c.imageSize() * c.imageSize(), tl = c.textLength();
        float[] s = new float[rows * sl], im = new float[rows * il], pr = new float[rows * Batch.MODALITIES];
        int[] tk = new int[rows * tl];
        for (int r = 0; r < rows; r++) {
            View x = views.get(r);
            System.arraycopy(x.sensor(), 0, s, r * sl, sl);
            System.arraycopy(x.image(), 0, im, r * il, il);
            System.arraycopy(x.tokens(), 0, tk, r * tl, tl);
            System.arraycopy(x.presence(), 0, pr, r * Batch.MODALITIES, Batch.MODALITIES);
        }
        return new Batch(rows, c.sensorChannels(), c.sensorSteps(), c.imageSize(), tl, s, im, tk, pr, null, null);
    }
}
