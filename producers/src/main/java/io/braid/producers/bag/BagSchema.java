package io.braid.producers.bag;

/** A message definition as the bag carries it (MCAP Schema record, rosbag2 message_definitions row). */
public record BagSchema(int id, String name, String encoding, byte[] data) {}
