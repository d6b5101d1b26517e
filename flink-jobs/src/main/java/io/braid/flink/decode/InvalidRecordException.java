package io.braid.flink.decode;

/** A record that decoded but breaks a rule of the contract; the reason is the DLQ reason code. */
public final class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public InvalidRecordException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
