package io.braid.flink.window;

import io.braid.flink.WindowJobOptions;
import io.braid.flink.decode.InputEvent;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks of the three input sources: bounded out-of-orderness, idleness (a silent partition stops holding the
 * watermark back) and alignment in one group (a source that runs ahead of the slowest by more than the drift is
 * paused, so buffered state stays bounded). Dead letters carry no event time and never move the watermark.
 */
public final class InputWatermarks {
    public static final String ALIGNMENT_GROUP = "braid-inputs";

    private InputWatermarks() {}

    public static WatermarkStrategy<InputEvent> strategy(WindowJobOptions o) {
        WatermarkStrategy<InputEvent> s = WatermarkStrategy.<InputEvent>forBoundedOutOfOrderness(
                        Duration.ofMillis(o.outOfOrdernessMs))
                .withTimestampAssigner(new EventTime())
                .withIdleness(Duration.ofMillis(o.idlenessMs));
        // Bounded (replay) runs skip split alignment: the Kafka split reader fails with "No current assignment for
        // partition" when alignment resumes a split that has already reached its stopping offset.
        if (o.alignmentMaxDriftMs > 0 && !o.bounded) {
            s = s.withWatermarkAlignment(
                    ALIGNMENT_GROUP, Duration.ofMillis(o.alignmentMaxDriftMs), Duration.ofMillis(o.alignmentUpdateMs));
        }
        return s;
    }

    /** Event time of a valid event; Long.MIN_VALUE for a dead letter. */
    public static long timestampOf(InputEvent e) {
        return e.isDead() ? Long.MIN_VALUE : e.eventTime;
    }

    /** {@link #timestampOf} as Flink's timestamp assigner. */
    public static final class EventTime implements SerializableTimestampAssigner<InputEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public long extractTimestamp(InputEvent e, long recordTimestamp) {
            return timestampOf(e);
        }
    }
}
