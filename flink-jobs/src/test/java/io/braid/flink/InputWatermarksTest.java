package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.flink.decode.InputEvent;
import io.braid.flink.window.InputWatermarks;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

/** The input watermark strategy: bound, idleness on a controlled clock, dead letters never move time, alignment. */
class InputWatermarksTest {
    long nowMs = 1000;
    Long lastWatermark;
    boolean idle;

    final WatermarkOutput out = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark w) {
            lastWatermark = w.getTimestamp();
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    };

    WatermarkGenerator<InputEvent> generator(WindowJobOptions o) {
        return InputWatermarks.strategy(o).createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return new RelativeClock() {
                    @Override
                    public long relativeTimeMillis() {
                        return nowMs;
                    }

                    @Override
                    public long relativeTimeNanos() {
                        return nowMs * 1_000_000;
                    }
                };
            }
        });
    }

    @Test
    void watermarkTrailsTheNewestEventByTheBoundAndASilentSourceTurnsIdle() {
        WindowJobOptions o = new WindowJobOptions();
        WatermarkGenerator<InputEvent> g = generator(o);
        InputEvent e = Events.sensor("r", 0, 100_000, 10, 100);
        g.onEvent(e, InputWatermarks.timestampOf(e), out);
        g.onPeriodicEmit(out);
        assertEquals(100_000 - o.outOfOrdernessMs - 1, lastWatermark);
        assertFalse(idle);
        g.onPeriodicEmit(out); // no new input since the last emit: inactivity starts now
        assertFalse(idle);
        nowMs += o.idlenessMs + 1; // no input for longer than the idleness timeout
        g.onPeriodicEmit(out);
        assertTrue(idle, "a silent partition must stop holding back the watermark");
        InputEvent later = Events.sensor("r", 1, 101_000, 10, 100);
        g.onEvent(later, InputWatermarks.timestampOf(later), out);
        g.onPeriodicEmit(out);
        assertFalse(idle);
        assertEquals(101_000 - o.outOfOrdernessMs - 1, lastWatermark);
    }

    @Test
    void deadLettersDoNotMoveTheWatermark() {
        InputEvent dead = new InputEvent();
        dead.deadLetter = new io.braid.avro.DeadLetter();
        dead.eventTime = 4_000_000_000_000L;
        assertEquals(Long.MIN_VALUE, InputWatermarks.timestampOf(dead));
    }

    static InputEvent deadLetter() {
        InputEvent dead = new InputEvent();
        dead.deadLetter = new io.braid.avro.DeadLetter();
        dead.eventTime = Long.MIN_VALUE;
        return dead;
    }

    @Test
    void aPartitionThatReceivesOnlyDeadLettersGoesIdleLikeAnEmptyOne() {
        WindowJobOptions o = new WindowJobOptions();
        WatermarkGenerator<InputEvent> g = generator(o);
        InputEvent e = Events.sensor("r", 0, 100_000, 10, 100);
        g.onEvent(e, InputWatermarks.timestampOf(e), out);
        g.onPeriodicEmit(out);
        g.onPeriodicEmit(out);
        // garbage keeps arriving, all of it dead letters, for longer than the idleness timeout
        for (int i = 0; i < 50; i++) {
            nowMs += o.idlenessMs / 10;
            InputEvent d = deadLetter();
            g.onEvent(d, InputWatermarks.timestampOf(d), out);
            g.onPeriodicEmit(out);
        }
        assertTrue(idle, "dead letters are no activity: the partition must go idle");
        assertEquals(100_000 - o.outOfOrdernessMs - 1, lastWatermark, "and they never moved the watermark");
    }

    @Test
    void aClockAheadSourceIsRefusedBeforeItMovesThePartitionWatermark() {
        WindowJobOptions o = new WindowJobOptions();
        WatermarkGenerator<InputEvent> g = generator(o);
        io.braid.flink.decode.ClockAheadGuard guard = new io.braid.flink.decode.ClockAheadGuard(o.maxClockAheadMs);
        long t = 1_735_689_600_000L; // old data: the wall clock is far later
        long wall = t + 400L * 24 * 3600 * 1000;
        int refused = 0;
        for (int i = 0; i < 100; i++) {
            long now = t + i * 100;
            for (InputEvent e : new InputEvent[] {
                Events.sensor("a", i, now, 10, 100),
                Events.sensor("b", i, now + 3, 10, 100),
                Events.sensor("ahead", i, now + 3_600_000, 10, 100)
            }) {
                // what DecodingSchema does: a clock-ahead record becomes a dead letter before the generator sees it
                InputEvent seen = guard.check(0, e.eventTime, wall + i * 100) == null ? e : deadLetter();
                if (seen.isDead()) refused++;
                g.onEvent(seen, InputWatermarks.timestampOf(seen), out);
            }
            g.onPeriodicEmit(out);
        }
        assertEquals(100, refused, "every record of the fast clock is refused");
        assertEquals(t + 99 * 100 + 3 - o.outOfOrdernessMs - 1, lastWatermark, "the watermark follows a and b");
    }

    @Test
    void alignmentIsOnWithTheConfiguredDriftAndCanBeTurnedOff() {
        WindowJobOptions o = new WindowJobOptions();
        var params = InputWatermarks.strategy(o).getAlignmentParameters();
        assertEquals(InputWatermarks.ALIGNMENT_GROUP, params.getWatermarkGroup());
        assertEquals(o.alignmentMaxDriftMs, params.getMaxAllowedWatermarkDrift());
        o.alignmentMaxDriftMs = 0;
        assertFalse(InputWatermarks.strategy(o).getAlignmentParameters().isEnabled());
    }
}
