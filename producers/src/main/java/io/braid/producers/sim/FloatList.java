package io.braid.producers.sim;

import io.braid.serde.FloatValues;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A read-only List&lt;Float&gt; view of a float[], so Avro records can carry samples without copying them; the serializer
 * writes it through {@link FloatValues} without boxing.
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
}
