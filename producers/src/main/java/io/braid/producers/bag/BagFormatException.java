package io.braid.producers.bag;

import java.io.IOException;

/** A bag file that does not follow its format: says which file, where, and what was expected. */
public final class BagFormatException extends IOException {
    public BagFormatException(String message) {
        super(message);
    }

    public BagFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
