package io.braid.topics;

import java.util.Map;

/** How one topic is created: partitions, replication and topic-level configs (retention, compaction). */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {}
