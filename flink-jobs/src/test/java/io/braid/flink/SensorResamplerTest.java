package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.Modality;
import io.braid.flink.decode.InputEvent;
import io.braid.flink.window.SensorResampler;
import io.braid.flink.window.WindowMath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resampling to the T x C grid, gap marking, window assignment and standardisation statistics. */
class SensorResamplerTest {
    /** 100 Hz chunk whose channel 0 is its time in seconds after 0 (a ramp). */
    static InputEvent ramp(long start, int n) {
        InputEvent e = Events.sensor("r", start, start, n, 100);
        for (int i = 0; i < n; i++) e.values[i * 4] = (float) ((start + i * 10) / 1000.0);
        return e;
    }

    @Test
    void aRampIsInterpolatedOntoTheGrid() {
        SensorResampler.Result r = SensorResampler.resample(List.of(ramp(0, 50), ramp(500, 50)), 0, 1000, 32, 4);
        assertEquals(100, r.samples);
        for (int k = 0; k < 31; k++) {
            assertFalse(r.gaps[k]);
            assertEquals(k / 32.0, r.grid[k * 4], 1e-6, "step " + k);
        }
        assertEquals(990.0, r.lastSampleTime);
    }

    @Test
    void missingSamplesBecomeMarkedGaps() {
        SensorResampler.Result r = SensorResampler.resample(List.of(ramp(0, 30), ramp(700, 30)), 0, 1000, 32, 4);
        // samples cover [0, 290] and [700, 990]: grid points 10..22 (312.5 .. 687.5 ms) are further than 15.6 ms away
        for (int k = 0; k < 32; k++) {
            double g = k * 31.25;
            boolean expectGap = g > 290 + 15.625 && g < 700 - 15.625;
            assertEquals(expectGap, r.gaps[k], "step " + k);
            if (expectGap) assertEquals(0f, r.grid[k * 4]);
        }
    }

    @Test
    void chunksAreAssignedToEveryWindowTheyOverlap() {
        WindowMath m = new WindowMath(1000, 500, 250, 250, 500);
        InputEvent c = ramp(900, 20); // [900, 1100)
        assertEquals(0, m.firstWindow(c));
        assertEquals(1000, m.lastWindow(c));
        InputEvent f = Events.frame("r", 0, 1100, 0); // near the ends 1000 (w 0) and 1500 is 400 away
        assertEquals(0, m.firstWindow(f));
        assertEquals(0, m.lastWindow(f));
        assertEquals(Modality.VISION, f.modality);
        assertEquals(1000 + 250 + 500 - 1, m.closeTime(0));
        assertEquals(0, m.windowStartOfCloseTime(m.closeTime(0)));
    }

    @Test
    void statisticsAreParsedValidatedAndPartOfTheVersion() {
        SensorStats s = SensorStats.parse("lab-3:0,1,2,3;1,1,2,2", 4);
        float[] grid = {0, 1, 4, 7, 9, 9, 9, 9};
        s.standardise(grid, new boolean[] {false, true});
        assertEquals(0f, grid[0]);
        assertEquals(0f, grid[1]);
        assertEquals(1f, grid[2]);
        assertEquals(2f, grid[3]);
        assertEquals(9f, grid[4], "gap rows untouched");
        assertThrows(IllegalArgumentException.class, () -> SensorStats.parse("x:0,0;1,0", 2));
        assertThrows(IllegalArgumentException.class, () -> SensorStats.parse("sim-v1", 3));
        WindowJobOptions a = new WindowJobOptions();
        WindowJobOptions b = new WindowJobOptions();
        b.sensorStats = "identity";
        assertTrue(PipelineVersion.of(a).startsWith("pv1-sim-v1-"));
        assertFalse(PipelineVersion.of(a).equals(PipelineVersion.of(b)));
    }
}
