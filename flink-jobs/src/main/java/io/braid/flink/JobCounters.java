package io.braid.flink;

import java.util.Map;

/**
 * Names of the job's outcome counters (Flink accumulators and metrics) and a snapshot of their values, which is what
 * the demo and the bench read from a running or finished job.
 */
public record JobCounters(
        long inputEvents,
        long windowsEmitted,
        long windowsComplete,
        long windowsPartial,
        long windowsDropped,
        long missingSensor,
        long missingVision,
        long missingText,
        long lateEvents,
        long dlqRecords,
        long duplicates,
        long unusedEvents,
        long trainPairs) {

    public static final String INPUT_EVENTS = "input_events";
    public static final String WINDOWS_EMITTED = "windows_emitted";
    public static final String WINDOWS_COMPLETE = "windows_complete";
    public static final String WINDOWS_PARTIAL = "windows_partial";
    public static final String WINDOWS_DROPPED = "windows_dropped";
    public static final String MISSING_SENSOR = "windows_missing_sensor";
    public static final String MISSING_VISION = "windows_missing_vision";
    public static final String MISSING_TEXT = "windows_missing_text";
    public static final String LATE_EVENTS = "late_events";
    public static final String DLQ_RECORDS = "dlq_records";
    public static final String DUPLICATES = "duplicates";
    public static final String UNUSED_EVENTS = "unused_events";
    public static final String TRAIN_PAIRS = "train_pairs";
    /** Histogram accumulator: event-time lag of the watermark behind the newest event, at each window close (ms/10). */
    public static final String WATERMARK_DELAY = "watermark_delay_10ms";

    public static final JobCounters ZERO = new JobCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static JobCounters from(Map<String, Object> acc) {
        return new JobCounters(
                get(acc, INPUT_EVENTS),
                get(acc, WINDOWS_EMITTED),
                get(acc, WINDOWS_COMPLETE),
                get(acc, WINDOWS_PARTIAL),
                get(acc, WINDOWS_DROPPED),
                get(acc, MISSING_SENSOR),
                get(acc, MISSING_VISION),
                get(acc, MISSING_TEXT),
                get(acc, LATE_EVENTS),
                get(acc, DLQ_RECORDS),
                get(acc, DUPLICATES),
                get(acc, UNUSED_EVENTS),
                get(acc, TRAIN_PAIRS));
    }

    private static long get(Map<String, Object> acc, String name) {
        Object v = acc == null ? null : acc.get(name);
        return v instanceof Number n ? n.longValue() : 0L;
    }

    /** Fraction of emitted windows that hold all three modalities (1.0 when none was emitted yet). */
    public double completeness() {
        return windowsEmitted == 0 ? 1.0 : (double) windowsComplete / windowsEmitted;
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "input=%d windows=%d complete=%.3f partial=%d dropped=%d late=%d dlq=%d dup=%d train=%d",
                inputEvents,
                windowsEmitted,
                completeness(),
                windowsPartial,
                windowsDropped,
                lateEvents,
                dlqRecords,
                duplicates,
                trainPairs);
    }
}
