package io.braid.producers.ros;

import java.util.Map;

/**
 * ros2msg texts of the types Braid maps by default, for bags that do not carry definitions (.db3 before ROS 2 Iron,
 * MCAP files written without schemas). A definition the bag carries always wins over these.
 */
public final class BuiltinDefinitions {
    private static final String TIME = "int32 sec\nuint32 nanosec\n";
    private static final String HEADER = "builtin_interfaces/Time stamp\nstring frame_id\n";
    private static final String SEP =
            "================================================================================\n";

    private static String dep(String name, String text) {
        return SEP + "MSG: " + name + "\n" + text;
    }

    public static final Map<String, String> TEXTS = Map.of(
            "std_msgs/msg/String",
            "string data\n",
            "builtin_interfaces/msg/Time",
            TIME,
            "std_msgs/msg/Header",
            HEADER + dep("builtin_interfaces/Time", TIME),
            "sensor_msgs/msg/Imu",
            "std_msgs/Header header\ngeometry_msgs/Quaternion orientation\nfloat64[9] orientation_covariance\n"
                    + "geometry_msgs/Vector3 angular_velocity\nfloat64[9] angular_velocity_covariance\n"
                    + "geometry_msgs/Vector3 linear_acceleration\nfloat64[9] linear_acceleration_covariance\n"
                    + dep("std_msgs/Header", HEADER)
                    + dep("builtin_interfaces/Time", TIME)
                    + dep("geometry_msgs/Quaternion", "float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1\n")
                    + dep("geometry_msgs/Vector3", "float64 x\nfloat64 y\nfloat64 z\n"),
            "sensor_msgs/msg/Image",
            "std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\n"
                    + "uint8[] data\n" + dep("std_msgs/Header", HEADER) + dep("builtin_interfaces/Time", TIME),
            "sensor_msgs/msg/CompressedImage",
            "std_msgs/Header header\nstring format\nuint8[] data\n"
                    + dep("std_msgs/Header", HEADER)
                    + dep("builtin_interfaces/Time", TIME),
            "rcl_interfaces/msg/Log",
            "byte DEBUG=10\nbyte INFO=20\nbyte WARN=30\nbyte ERROR=40\nbyte FATAL=50\n"
                    + "builtin_interfaces/Time stamp\nuint8 level\nstring name\nstring msg\nstring file\n"
                    + "string function\nuint32 line\n" + dep("builtin_interfaces/Time", TIME));

    private BuiltinDefinitions() {}

    /** The built-in definitions of type, or null when Braid has none. */
    public static MsgDefinitions of(String type) {
        String t = TEXTS.get(MsgDefinitions.canonical(type, ""));
        return t == null ? null : new MsgDefinitions().add(type, t);
    }
}
