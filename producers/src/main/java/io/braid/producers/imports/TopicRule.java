package io.braid.producers.imports;

import io.braid.avro.TextKind;
import java.util.List;

/**
 * What one ROS topic becomes.
 *
 * @param modality sensor (robot.sensor), vision (robot.vision), text (robot.text) or skip
 * @param sourceId the Braid source id (Kafka key); null = the bag's default
 * @param channelNames sensor channel names, in column order
 * @param fields sensor: the numeric field path of each channel; text: the one string field
 * @param maxSamples sensor: the most samples per chunk
 * @param gapFactor sensor: an interval longer than this many times the chunk's mean interval starts a new chunk
 * @param width vision: resize to this width (0 = keep)
 * @param height vision: resize to this height (0 = keep)
 * @param channels vision: 3 (RGB) or 1 (grey)
 * @param kind text: the TextEvent kind
 */
public record TopicRule(
        Modality modality,
        String sourceId,
        List<String> channelNames,
        List<String> fields,
        int maxSamples,
        double gapFactor,
        int width,
        int height,
        int channels,
        TextKind kind) {

    /** Where a topic goes. */
    public enum Modality {
        SENSOR,
        VISION,
        TEXT,
        SKIP
    }

    public static final int DEFAULT_MAX_SAMPLES = 50;
    public static final double DEFAULT_GAP_FACTOR = 1.5;

    public static final List<String> IMU_FIELDS = List.of(
            "linear_acceleration.x",
            "linear_acceleration.y",
            "linear_acceleration.z",
            "angular_velocity.x",
            "angular_velocity.y",
            "angular_velocity.z");
    public static final List<String> IMU_NAMES = List.of("accel_x", "accel_y", "accel_z", "gyro_x", "gyro_y", "gyro_z");

    public static TopicRule skip() {
        return new TopicRule(Modality.SKIP, null, List.of(), List.of(), 0, 0, 0, 0, 0, null);
    }

    public static TopicRule text(String field) {
        return new TopicRule(Modality.TEXT, null, List.of(), List.of(field), 0, 0, 0, 0, 0, TextKind.LOG);
    }

    public static TopicRule vision() {
        return new TopicRule(Modality.VISION, null, List.of(), List.of(), 0, 0, 0, 0, 3, null);
    }

    public static TopicRule imu() {
        return new TopicRule(
                Modality.SENSOR, null, IMU_NAMES, IMU_FIELDS, DEFAULT_MAX_SAMPLES, DEFAULT_GAP_FACTOR, 0, 0, 0, null);
    }

    /** The rule for a type when the mapping file does not name the topic. */
    public static TopicRule byType(String type) {
        return switch (type) {
            case "std_msgs/msg/String" -> text("data");
            case "rcl_interfaces/msg/Log" -> text("msg");
            case "sensor_msgs/msg/Imu" -> imu();
            case "sensor_msgs/msg/Image", "sensor_msgs/msg/CompressedImage" -> vision();
            default -> skip();
        };
    }

    /** One line for --dry-run: what the topic becomes. */
    public String describe(String defaultSource) {
        String src = sourceId == null ? defaultSource : sourceId;
        return switch (modality) {
            case SKIP -> "skipped (no mapping for its type)";
            case TEXT -> "robot.text " + src + " " + kind + " from " + fields.get(0);
            case SENSOR -> "robot.sensor " + src + " " + channelNames.size() + " channels " + channelNames
                    + " (chunks of <= " + maxSamples + ")";
            case VISION -> "robot.vision " + src + " " + (channels == 1 ? "grey" : "RGB")
                    + (width > 0 ? " resized to " + width + "x" + height : " at the recorded size");
        };
    }
}
