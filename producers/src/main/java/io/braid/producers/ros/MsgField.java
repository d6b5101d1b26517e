package io.braid.producers.ros;

/**
 * One field of a ROS 2 message: its name, its element type (a primitive such as {@code float64} or {@code string}, or a
 * full message name such as {@code std_msgs/msg/Header}), and whether it is an array.
 *
 * @param arrayLength -1 for a scalar, the length of a fixed array {@code T[N]}, or {@code UNBOUNDED} for a sequence
 *     {@code T[]} / {@code T[<=N]}
 */
public record MsgField(String name, String type, boolean primitive, int arrayLength) {
    public static final int SCALAR = -1;
    public static final int UNBOUNDED = -2;

    public boolean isArray() {
        return arrayLength != SCALAR;
    }

    public boolean isSequence() {
        return arrayLength == UNBOUNDED;
    }
}
