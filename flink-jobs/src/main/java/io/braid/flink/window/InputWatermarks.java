package io.braid.flink.window;

import io.braid.flink.WindowJobOptions;
import io.braid.flink.decode.InputEvent;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/**
 * Watermarks of the three input sources: bounded out-of-orderness, idleness (a silent partition stops holding the
 * watermark back) and alignment in one group (a source that runs ahead of the slowest by more than the drift is
 * paused, so buffered state stays bounded). Dead letters (refused records, and records whose clock runs ahead, see
 * {@link io.braid.flink.decode.ClockAheadGuard}) are invisible to the generator: they carry no event time and are no
 * activity, so a partition that receives only garbage goes idle like an empty one instead of stalling every window.
 */
public final class InputWatermarks {
    public static final String ALIGNMENT_GROUP = "braid-inputs";

    private InputWatermarks() {}

    public static WatermarkStrategy<InputEvent> strategy(WindowJobOptions o) {
        WatermarkStrategy<InputEvent> s =
                new ValidEventsOnly(o.outOfOrdernessMs, o.idlenessMs).withTimestampAssigner(new EventTime());
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

    /**
     * Flink's bounded out-of-orderness with idleness, fed only valid events: {@code withIdleness} counts every
     * {@code onEvent} as activity, so dead letters must not reach it.
     */
    static final class ValidEventsOnly implements WatermarkStrategy<InputEvent> {
        private static final long serialVersionUID = 1L;

        private final long outOfOrdernessMs;
        private final long idlenessMs;

        ValidEventsOnly(long outOfOrdernessMs, long idlenessMs) {
            this.outOfOrdernessMs = outOfOrdernessMs;
            this.idlenessMs = idlenessMs;
        }

        @Override
        public WatermarkGenerator<InputEvent> createWatermarkGenerator(WatermarkGeneratorSupplier.Context ctx) {
            return new SkipDeadLetters(new WatermarksWithIdleness<>(
                    new BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(outOfOrdernessMs)),
                    Duration.ofMillis(idlenessMs),
                    ctx.getInputActivityClock()));
        }
    }

    /** Passes valid events to the wrapped generator; dead letters are neither time nor activity. */
    static final class SkipDeadLetters implements WatermarkGenerator<InputEvent> {
        private final WatermarkGenerator<InputEvent> inner;

        SkipDeadLetters(WatermarkGenerator<InputEvent> inner) {
            this.inner = inner;
        }

        @Override
        public void onEvent(InputEvent e, long timestamp, WatermarkOutput out) {
            if (!e.isDead()) inner.onEvent(e, timestamp, out);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {
            inner.onPeriodicEmit(out);
        }
    }
}
