package io.braid.producers.imports;

/** A decoded message that cannot become a Braid record; the reason is the dead letter's code. */
public final class MappingException extends Exception {
    private final String reason;

    public MappingException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
