package io.braid.trainer.online;

/** A training pair the trainer refuses, with the machine-friendly reason written into mm.dlq. */
public final class PairRejectedException extends Exception {
    /** Reason codes (the same vocabulary as the Flink job's DlqReason where they overlap). */
    public enum Reason {
        /** The bytes are not a TrainingPair of a known schema. */
        DESERIALIZATION_FAILED,
        /** A grid, image or token array disagrees with the model's configuration or with its own header. */
        WRONG_SHAPE,
        /** Token ids from another tokenizer vocabulary than the model's. */
        VOCAB_MISMATCH,
        /** A token id outside the model's vocabulary. */
        TOKEN_OUT_OF_RANGE,
        /** NaN or infinite sensor values. */
        NON_FINITE,
        /** A view in which no modality is present. */
        EMPTY_VIEW
    }

    private final Reason reason;

    public PairRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
