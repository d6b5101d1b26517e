package io.braid.producers.bag;

/**
 * A recorded topic: its name, ROS type, message encoding (cdr for ROS 2) and the schema the bag carries for it (null
 * when the bag has none, e.g. an old .db3).
 */
public record BagChannel(int id, String topic, String type, String messageEncoding, BagSchema schema) {}
