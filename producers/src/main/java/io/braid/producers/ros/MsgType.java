package io.braid.producers.ros;

import java.util.List;

/** A ROS 2 message type: full name ({@code pkg/msg/Name}) and its fields in wire order (constants left out). */
public record MsgType(String name, List<MsgField> fields) {}
