package io.braid.producers.bag;

import java.io.Closeable;
import java.io.IOException;

/**
 * Messages of a bag in log-time order, one at a time (a bag can be far larger than memory). Parts that cannot be read
 * but leave the rest readable are reported as {@link BagProblem}s to the listener given at open; a file that cannot be
 * read on is a {@link BagFormatException} (after every message before the damage was returned).
 */
public interface BagReader extends Closeable {
    /** The next message, or null at the end. */
    BagMessage next() throws IOException;
}
