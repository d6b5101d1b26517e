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
        long trainPairs,
        long windowsDroppedBelowMin,
        long windowsDroppedIncomplete,
        long unusedNoWindow,
        long unusedNotChosen,
        long unusedInDroppedWindow,
        long clockAheadEvents,
        long dlqTruncated) {

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
    // what is not emitted, by reason (windows_dropped and unused_events are the sums)
    /** Windows with fewer modalities than --min-modalities. */
    public static final String WINDOWS_DROPPED_BELOW_MIN = "windows_dropped_below_min";
    /** Windows missing a modality under --partial-policy DROP_INCOMPLETE. */
    public static final String WINDOWS_DROPPED_INCOMPLETE = "windows_dropped_incomplete";
    /** On-time events that can touch no window at all (e.g. a frame far from every window end). */
    public static final String UNUSED_NO_WINDOW = "unused_no_window";
    /** On-time events that every window they could join passed over (another frame was nearer, the window was empty). */
    public static final String UNUSED_NOT_CHOSEN = "unused_not_chosen";
    /** On-time events chosen only by windows the policy dropped. */
    public static final String UNUSED_IN_DROPPED_WINDOW = "unused_in_dropped_window";
    /** Records whose source clock ran ahead of their partition (in mm.dlq as CLOCK_AHEAD, part of dlq_records). */
    public static final String CLOCK_AHEAD_EVENTS = "clock_ahead_events";
    /** Dead letters whose original was cut to --max-dead-letter-bytes (head + size + SHA-256 kept). */
    public static final String DLQ_TRUNCATED = "dlq_truncated";
    /** Histogram accumulator: event-time lag of the watermark behind the newest event, at each window close (ms/10). */
    public static final String WATERMARK_DELAY = "watermark_delay_10ms";

    public static final JobCounters ZERO = new JobCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

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
                get(acc, TRAIN_PAIRS),
                get(acc, WINDOWS_DROPPED_BELOW_MIN),
                get(acc, WINDOWS_DROPPED_INCOMPLETE),
                get(acc, UNUSED_NO_WINDOW),
                get(acc, UNUSED_NOT_CHOSEN),
                get(acc, UNUSED_IN_DROPPED_WINDOW),
                get(acc, CLOCK_AHEAD_EVENTS),
                get(acc, DLQ_TRUNCATED));
    }

    private static long get(Map<String, Object> acc, String name) {
        Object v = acc == null ? null : acc.get(name);
        return v instanceof Number n ? n.longValue() : 0L;
    }

    /** Fraction of emitted windows that hold all three modalities (1.0 when none was emitted yet). */
    public double completeness() {
        return windowsEmitted == 0 ? 1.0 : (double) windowsComplete / windowsEmitted;
    }

    /** Everything that was not emitted, by reason: the run reports' line. */
    public String notEmitted() {
        return String.format(
                java.util.Locale.ROOT,
                "windows dropped %d (below --min-modalities %d, incomplete %d); events late %d, duplicate %d, unused %d"
                        + " (in no window %d, not chosen %d, only in dropped windows %d); dead letters %d"
                        + " (clock ahead %d, truncated %d)",
                windowsDropped,
                windowsDroppedBelowMin,
                windowsDroppedIncomplete,
                lateEvents,
                duplicates,
                unusedEvents,
                unusedNoWindow,
                unusedNotChosen,
                unusedInDroppedWindow,
                dlqRecords,
                clockAheadEvents,
                dlqTruncated);
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "input=%d windows=%d complete=%.3f partial=%d dropped=%d late=%d dlq=%d dup=%d unused=%d ahead=%d"
                        + " train=%d",
                inputEvents,
                windowsEmitted,
                completeness(),
                windowsPartial,
                windowsDropped,
                lateEvents,
                dlqRecords,
                duplicates,
                unusedEvents,
                clockAheadEvents,
                trainPairs);
    }
}
