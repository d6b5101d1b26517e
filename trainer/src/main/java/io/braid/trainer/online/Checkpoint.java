package io.braid.trainer.online;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import io.braid.trainer.model.AdamW;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.model.MultimodalModel;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One online-training checkpoint = one model version: the state a resumed trainer needs (step, shuffle RNG state,
 * offsets per partition with the pending ones, trained-through event time) followed by the architecture, the
 * parameters and the AdamW state. Layout: magic, meta JSON, config JSON, {@code ParamStore} tensors, AdamW moments.
 * The model store's checksum covers all of it.
 */
public final class Checkpoint {
    static final String MAGIC = "braid-online-checkpoint-1";
    // a loss is NaN before the first applied step
    private static final Gson GSON = new com.google.gson.GsonBuilder()
            .serializeSpecialFloatingPointValues()
            .create();

    /** Everything but the tensors. */
    public record Meta(
            String version,
            String objective,
            String topic,
            String vocabVersion,
            long step,
            long rngState,
            Map<Integer, OffsetLedger.Partition> offsets,
            long trainedThrough,
            long pairsTrained,
            long createdAt,
            double loss,
            List<List<Long>> publishedFrom) {
        /** Without {@code publishedFrom} (older checkpoints, callers that do not track publication). */
        public Meta(
                String version,
                String objective,
                String topic,
                String vocabVersion,
                long step,
                long rngState,
                Map<Integer, OffsetLedger.Partition> offsets,
                long trainedThrough,
                long pairsTrained,
                long createdAt,
                double loss) {
            this(
                    version,
                    objective,
                    topic,
                    vocabVersion,
                    step,
                    rngState,
                    offsets,
                    trainedThrough,
                    pairsTrained,
                    createdAt,
                    loss,
                    null);
        }

        /**
         * The offsets of the last version published before this checkpoint was written ([partition, offset] pairs;
         * empty when unknown): the start of this version's range, needed to publish it after a crash that struck
         * between storing the checkpoint and publishing it.
         */
        public Map<Integer, Long> publishedFromMap() {
            Map<Integer, Long> m = new java.util.TreeMap<>();
            if (publishedFrom != null)
                for (List<?> e : publishedFrom) m.put(((Number) e.get(0)).intValue(), ((Number) e.get(1)).longValue());
            return m;
        }

        static List<List<Long>> publishedFrom(Map<Integer, Long> m) {
            List<List<Long>> l = new java.util.ArrayList<>();
            for (Map.Entry<Integer, Long> e : new java.util.TreeMap<>(m).entrySet())
                l.add(List.of((long) e.getKey(), e.getValue()));
            return l;
        }
    }

    private Checkpoint() {}

    public static void write(OutputStream out, Meta meta, MultimodalModel model, AdamW opt) throws IOException {
        DataOutputStream o = new DataOutputStream(out);
        o.writeUTF(MAGIC);
        bytes(o, GSON.toJson(meta));
        bytes(o, model.config().toJson());
        model.params().save(o);
        opt.save(o);
        o.flush();
    }

    private static void bytes(DataOutputStream o, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.writeInt(b.length);
        o.write(b);
    }

    private static String bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (64 << 20)) throw new IOException("bad checkpoint section length " + n);
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    /** A checkpoint opened for reading; the tensors are restored by {@link #restore}. */
    public record Opened(Meta meta, ModelConfig config, byte[] bytes) {}

    public static Opened open(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        String magic = in.readUTF();
        if (!MAGIC.equals(magic)) throw new IOException("not an online checkpoint: " + magic);
        Meta meta = GSON.fromJson(bytes(in), Meta.class);
        ModelConfig cfg = ModelConfig.fromJson(bytes(in));
        return new Opened(fixOffsets(meta), cfg, bytes);
    }

    /** Gson reads map keys as strings into the Integer-keyed map; rebuild it with real Integer keys. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Meta fixOffsets(Meta m) {
        Map<Integer, OffsetLedger.Partition> fixed = new java.util.TreeMap<>();
        for (Map.Entry e : ((Map<?, ?>) m.offsets()).entrySet()) {
            OffsetLedger.Partition p = GSON.fromJson(GSON.toJson(e.getValue()), OffsetLedger.Partition.class);
            java.util.List<Long> pending = new java.util.ArrayList<>();
            for (Object x : p.pending()) pending.add(((Number) x).longValue());
            fixed.put(Integer.parseInt(e.getKey().toString()), new OffsetLedger.Partition(p.next(), pending));
        }
        return new Meta(
                m.version(),
                m.objective(),
                m.topic(),
                m.vocabVersion(),
                m.step(),
                m.rngState(),
                fixed,
                m.trainedThrough(),
                m.pairsTrained(),
                m.createdAt(),
                m.loss(),
                m.publishedFrom() == null ? null : Meta.publishedFrom(m.publishedFromMap()));
    }

    /** Loads parameters (and, when {@code opt} is not null, the optimizer state) into a model of {@code config()}. */
    public static void restore(Opened c, MultimodalModel model, AdamW opt) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(c.bytes()));
        in.readUTF();
        bytes(in);
        bytes(in);
        model.params().load(in);
        if (opt != null) opt.load(in);
    }

    /** A model for inference from checkpoint bytes (the scorer's loader builds on this). */
    public static MultimodalModel loadModel(byte[] bytes, NDManager manager) throws IOException {
        Opened c = open(bytes);
        MultimodalModel m = MultimodalModel.create(c.config(), manager);
        try {
            restore(c, m, null);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }
}
