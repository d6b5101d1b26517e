package io.braid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputProgressTest {
    private static final long S = 1_000_000_000L;

    @Test
    void steadySpanSkipsStartUpAndTail() {
        // 2 s of nothing (start-up), then 1000 records/s for 10 s, then 3 s flat (final checkpoint)
        List<OutputProgress.Sample> s = new ArrayList<>();
        for (int i = 0; i <= 150; i++) {
            double t = i / 10.0;
            long n = t < 2 ? 0 : Math.min(10_000, Math.round((t - 2) * 1000));
            s.add(new OutputProgress.Sample((long) (t * S), n));
        }
        OutputProgress.Span span = OutputProgress.span(s, 0);
        assertEquals(10_000, span.finalRecords());
        assertEquals(2.1, span.firstOutputS(), 1e-9);
        assertEquals(12.0, span.lastOutputS(), 1e-9);
        assertEquals(8.0, span.steadyS(), 1e-9);
        assertEquals(0.8, span.steadyFraction(), 1e-9);
        assertEquals(1000.0, span.steadyRate(10_000), 1e-6);
        assertEquals(5000.0, span.steadyRate(50_000), 1e-6);
    }

    @Test
    void noOutputHasNoRate() {
        OutputProgress.Span span = OutputProgress.span(List.of(new OutputProgress.Sample(5, 0)), 0);
        assertEquals(0, span.finalRecords());
        assertTrue(Double.isNaN(span.steadyRate(100)));
    }
}
