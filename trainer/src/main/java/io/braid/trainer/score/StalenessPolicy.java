package io.braid.trainer.score;

/**
 * What the scorer does with a window whose model is older than the configured event-time staleness (window_end −
 * model trained_through > max age): {@link #FLAG} scores it and sets {@code stale} on the outputs; {@link #HOLD} keeps it
 * buffered until a model fresh enough for it arrives (bounded like the windows that wait for a first model).
 */
public enum StalenessPolicy {
    FLAG,
    HOLD
}
