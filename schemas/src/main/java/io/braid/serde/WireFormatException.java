package io.braid.serde;

import org.apache.kafka.common.errors.SerializationException;

/** Bytes or records that cannot cross the Confluent wire format, with a machine-readable reason for the DLQ. */
public class WireFormatException extends SerializationException {
    /** Why a payload was refused. */
    public enum Reason {
        NULL_PAYLOAD,
        BAD_MAGIC_BYTE,
        TRUNCATED_PAYLOAD,
        UNKNOWN_SCHEMA_ID,
        UNREADABLE_PAYLOAD,
        INCOMPATIBLE_SCHEMA,
        REGISTRY_UNAVAILABLE,
        /** The registry URL does not answer like a Confluent registry: a configuration error, not bad data. */
        REGISTRY_MISCONFIGURED
    }

    private final Reason reason;

    public WireFormatException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public WireFormatException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
