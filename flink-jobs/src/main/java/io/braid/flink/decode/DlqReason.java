package io.braid.flink.decode;

/** Reason codes the validation stage writes into mm.dlq (next to the serde's WireFormatException reasons). */
public final class DlqReason {
    public static final String MISSING_SOURCE_ID = "MISSING_SOURCE_ID";
    public static final String ABSURD_TIMESTAMP = "ABSURD_TIMESTAMP";
    public static final String NON_FINITE = "NON_FINITE";
    public static final String ABSURD_VALUE = "ABSURD_VALUE";
    public static final String WRONG_SHAPE = "WRONG_SHAPE";
    public static final String BAD_SAMPLE_RATE = "BAD_SAMPLE_RATE";
    public static final String OVERSIZED_CHUNK = "OVERSIZED_CHUNK";
    public static final String OVERSIZED_FRAME = "OVERSIZED_FRAME";
    public static final String UNDECODABLE_IMAGE = "UNDECODABLE_IMAGE";
    public static final String UNRESOLVED_URI = "UNRESOLVED_URI";
    public static final String OVERSIZED_TEXT = "OVERSIZED_TEXT";
    public static final String DESERIALIZATION_FAILED = "DESERIALIZATION_FAILED";
    /** The source's clock runs ahead of its partition beyond --max-clock-ahead-ms (ClockAheadGuard). */
    public static final String CLOCK_AHEAD = "CLOCK_AHEAD";

    private DlqReason() {}
}
