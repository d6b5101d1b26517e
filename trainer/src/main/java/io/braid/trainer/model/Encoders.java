package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * The per-modality encoders and latent converters of methods.md §6.8, producing token sequences of width d:
 * sensor 1-D conv (8 tokens, 1-D sin-cos), image CNN + 2×2 patch converter (16 tokens, 2-D sin-cos), text embedding +
 * 1-D sin-cos + one pre-LN transformer layer with padding mask (8 tokens).
 */
public final class Encoders {
    public static final int SENSOR_TOKENS = 8, IMAGE_TOKENS = 16;

    private Encoders() {}

    public static void init(ParamStore ps, ModelConfig c) {
        int d = c.d();
        ps.conv("enc.sensor.c1", c.sensorChannels(), 32, 5);
        ps.conv("enc.sensor.c2", 32, 64, 5);
        ps.conv("enc.sensor.c3", 64, d, 3);
        ps.conv("enc.image.c1", 3, 16, 3, 3);
        ps.conv("enc.image.c2", 16, 32, 3, 3);
        ps.conv("enc.image.c3", 32, 64, 3, 3);
        ps.conv("enc.image.patch", 64, d, 2, 2);
        ps.normal("enc.text.embedding", new Shape(c.vocabularySize(), d), 1.0);
        Nn.initPreLnBlock(ps, "enc.text.block", d, c.textFfn(), 1);
        ps.addConstant("pos.sensor", Nn.sinCos1d(SENSOR_TOKENS, d), new Shape(SENSOR_TOKENS, d));
        ps.addConstant("pos.text", Nn.sinCos1d(c.textLength(), d), new Shape(c.textLength(), d));
        int g = (int) Math.sqrt(IMAGE_TOKENS);
        ps.addConstant("pos.image", Nn.sinCos2d(g, g, d), new Shape(IMAGE_TOKENS, d));
    }

    /** Token sequences [sensor (B,8,d), image (B,16,d), text (B,L,d)]. */
    public static NDArray[] tokens(ParamStore ps, ModelConfig c, Batch.Nd b) {
        return new NDArray[] {sensor(ps, b.sensor()), image(ps, b.image()), text(ps, c, b)};
    }

    static NDArray sensor(ParamStore ps, NDArray x) {
        NDArray h = Nn.relu(Nn.conv1d(x, ps, "enc.sensor.c1", 1, 2));
        h = Nn.relu(Nn.conv1d(h, ps, "enc.sensor.c2", 2, 2));
        h = Nn.conv1d(h, ps, "enc.sensor.c3", 2, 1); // (B, d, 8)
        return h.transpose(0, 2, 1).add(ps.constant("pos.sensor"));
    }

    static NDArray image(ParamStore ps, NDArray x) {
        NDArray h = Nn.relu(Nn.conv2d(x, ps, "enc.image.c1", 2, 1));
        h = Nn.relu(Nn.conv2d(h, ps, "enc.image.c2", 2, 1));
        h = Nn.conv2d(h, ps, "enc.image.c3", 1, 1);
        h = Nn.conv2d(h, ps, "enc.image.patch", 2, 0); // (B, d, 4, 4)
        Shape s = h.getShape();
        return h.reshape(s.get(0), s.get(1), s.get(2) * s.get(3))
                .transpose(0, 2, 1)
                .add(ps.constant("pos.image"));
    }

    static NDArray text(ParamStore ps, ModelConfig c, Batch.Nd b) {
        NDArray e = Embedding.embedding(b.tokens(), ps.get("enc.text.embedding"), SparseFormat.DENSE)
                .singletonOrThrow()
                .add(ps.constant("pos.text"));
        return Nn.preLnBlock(e, Masks.textKeys(b), ps, "enc.text.block", c.textHeads());
    }

    /**
     * Mean-pooled unimodal features (B, d) for the baselines: text averages non-PAD tokens only; an absent modality's
     * feature is zero.
     */
    public static NDArray[] pooled(NDArray[] tokens, Batch.Nd b) {
        NDArray[] out = new NDArray[3];
        out[0] = tokens[0].mean(new int[] {1}).mul(b.presence(Batch.SENSOR).expandDims(1));
        out[1] = tokens[1].mean(new int[] {1}).mul(b.presence(Batch.IMAGE).expandDims(1));
        NDArray keep = Masks.textKeep(b); // (B, L, 1)
        NDArray count = Nn.atLeast(keep.sum(new int[] {1}), 1f);
        out[2] = tokens[2].mul(keep).sum(new int[] {1}).div(count);
        return out;
    }
}
