package io.braid.serde;

/**
 * A list of floats kept as primitives (e.g. a {@code List<Float>} view over a {@code float[]}). The serializer writes an
 * Avro {@code array<float>} that implements this element by element without boxing; the bytes are the same.
 */
public interface FloatValues {
    int size();

    float floatAt(int index);
}
