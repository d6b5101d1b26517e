package io.braid.producers.sim;

/** The simulator's output streams; the runner maps them to TopicCatalog topics. */
public enum SimStream {
    SENSOR,
    VISION,
    TEXT,
    LABELS
}
