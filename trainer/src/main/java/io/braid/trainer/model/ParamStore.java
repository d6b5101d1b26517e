package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Named trainable tensors of one model, initialised from a Java seed (identical on every engine and device), owned by
 * one long-lived manager. Forward code only ever uses these as the second operand of an op, so results attach to the
 * per-step manager of the input (djl.md §5).
 */
public final class ParamStore implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final Map<String, NDArray> constants = new LinkedHashMap<>();
    private final SplittableRandom rng;
    private final boolean trainable;

    public ParamStore(NDManager parent, long seed) {
        this(parent, seed, true);
    }

    /**
     * {@code trainable = false}: inference parameters, created without gradients (no autograd buffers, and ops on them
     * never record a graph), for models that only embed.
     */
    public ParamStore(NDManager parent, long seed, boolean trainable) {
        this.manager = parent.newSubManager();
        this.rng = new SplittableRandom(seed);
        this.trainable = trainable;
    }

    public boolean trainable() {
        return trainable;
    }

    public NDManager manager() {
        return manager;
    }

    public Map<String, NDArray> params() {
        return Collections.unmodifiableMap(params);
    }

    public NDArray get(String name) {
        NDArray a = params.get(name);
        if (a == null) throw new IllegalArgumentException("no parameter " + name);
        return a;
    }

    public NDArray constant(String name) {
        return constants.get(name);
    }

    public NDArray addConstant(String name, float[] data, Shape shape) {
        NDArray a = manager.create(data, shape);
        constants.put(name, a);
        return a;
    }

    /** Decoupled weight decay applies to tensors with >= 2 dims whose name has no "bias", "ln" or "bn" (§2.6). */
    public static boolean decays(String name, NDArray p) {
        return p.getShape().dimension() >= 2 && !name.contains("bias") && !name.contains("ln") && !name.contains("bn");
    }

    public long count() {
        long n = 0;
        for (NDArray p : params.values()) n += p.size();
        return n;
    }

    private NDArray register(String name, float[] data, Shape shape) {
        if (params.containsKey(name)) throw new IllegalArgumentException("duplicate parameter " + name);
        NDArray a = manager.create(data, shape);
        if (trainable) a.setRequiresGradient(true);
        params.put(name, a);
        return a;
    }

    public NDArray normal(String name, Shape shape, double std) {
        float[] d = new float[(int) shape.size()];
        for (int i = 0; i < d.length; i++) d[i] = (float) (gaussian() * std);
        return register(name, d, shape);
    }

    public NDArray uniform(String name, Shape shape, double bound) {
        float[] d = new float[(int) shape.size()];
        for (int i = 0; i < d.length; i++) d[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        return register(name, d, shape);
    }

    public NDArray fill(String name, Shape shape, float value) {
        float[] d = new float[(int) shape.size()];
        java.util.Arrays.fill(d, value);
        return register(name, d, shape);
    }

    private double gaussian() {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
    }

    // ---- PyTorch-default initialisations ----

    /** Linear (out, in) with PyTorch default init: U(±1/sqrt(in)) for weight and bias. */
    public void linear(String prefix, int in, int out, boolean bias) {
        double b = 1.0 / Math.sqrt(in);
        uniform(prefix + ".weight", new Shape(out, in), b);
        if (bias) uniform(prefix + ".bias", new Shape(out), b);
    }

    public void conv(String prefix, int in, int out, int... kernel) {
        long fanIn = in;
        for (int k : kernel) fanIn *= k;
        long[] dims = new long[2 + kernel.length];
        dims[0] = out;
        dims[1] = in;
        for (int i = 0; i < kernel.length; i++) dims[2 + i] = kernel[i];
        double b = 1.0 / Math.sqrt(fanIn);
        uniform(prefix + ".weight", new Shape(dims), b);
        uniform(prefix + ".bias", new Shape(out), b);
    }

    public void layerNorm(String prefix, int d) {
        fill(prefix + ".gamma", new Shape(d), 1f);
        fill(prefix + ".beta", new Shape(d), 0f);
    }

    /** Affine parameters of a (batch or layer) norm: gamma = 1, beta = 0. */
    public void layerNormLike(String prefix, int d) {
        layerNorm(prefix, d);
    }

    // ---- persistence: name, shape, float32 data ----

    public void save(OutputStream out) throws IOException {
        DataOutputStream o = new DataOutputStream(out);
        o.writeInt(params.size());
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            o.writeUTF(e.getKey());
            long[] dims = e.getValue().getShape().getShape();
            o.writeInt(dims.length);
            for (long x : dims) o.writeLong(x);
            float[] v = e.getValue().toType(DataType.FLOAT32, false).toFloatArray();
            for (float f : v) o.writeFloat(f);
        }
        o.flush();
    }

    public void load(InputStream in) throws IOException {
        DataInputStream i = new DataInputStream(in);
        int n = i.readInt();
        if (n != params.size()) throw new IOException("saved " + n + " tensors, model has " + params.size());
        for (int k = 0; k < n; k++) {
            String name = i.readUTF();
            NDArray p = params.get(name);
            if (p == null) throw new IOException("unknown tensor " + name);
            long[] dims = new long[i.readInt()];
            for (int j = 0; j < dims.length; j++) dims[j] = i.readLong();
            if (!new Shape(dims).equals(p.getShape()))
                throw new IOException(name + ": saved shape " + new Shape(dims) + " != " + p.getShape());
            float[] v = new float[(int) p.size()];
            for (int j = 0; j < v.length; j++) v[j] = i.readFloat();
            p.set(v);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
