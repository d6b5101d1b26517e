package io.braid.producers.ros;

/** A serialized message that does not decode against its definition; the reason is a dead-letter code. */
public final class CdrException extends Exception {
    private final String reason;

    public CdrException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
