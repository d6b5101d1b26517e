package io.braid.serde;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.apache.avro.generic.PrimitivesArrays;

/**
 * A read-only List&lt;Float&gt; view of a float[], so Avro records can carry vectors without copying or boxing them; the
 * serializer writes it through {@link FloatValues} element by element. The static accessors read the decoder's side
 * the same way: Avro 1.12 decodes {@code array<float>} / {@code array<int>} into primitive arrays, and {@code
 * List.get} on them boxes every element (on a hot path, that garbage is what drives the GC pauses).
 */
public final class FloatList extends AbstractList<Float> implements RandomAccess, FloatValues {
    private final float[] values;

    public FloatList(float[] values) {
        this.values = values;
    }

    @Override
    public Float get(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public float floatAt(int index) {
        return values[index];
    }

    public float[] array() {
        return values;
    }

    /** Element {@code i} of a float list without boxing where the list holds primitives. */
    public static float floatAt(List<Float> l, int i) {
        if (l instanceof FloatValues f) return f.floatAt(i);
        if (l instanceof PrimitivesArrays.FloatArray f) return f.getFloat(i);
        return l.get(i);
    }

    /** Element {@code i} of an int list without boxing where the list holds primitives. */
    public static int intAt(List<Integer> l, int i) {
        if (l instanceof PrimitivesArrays.IntArray a) return a.getInt(i);
        return l.get(i);
    }
}
