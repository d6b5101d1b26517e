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
