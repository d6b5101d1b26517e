package io.braid.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The two modes, on a fake clock: redrawn in place on a terminal, plain lines at a slow pace into a file. */
class ProgressLineTest {
    private static final long MS = 1_000_000L;

    @Test
    void terminalRedrawsInPlaceAndWipesTheLongerPreviousText() {
        StringWriter w = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressLine p = new ProgressLine(new PrintWriter(w), true, Duration.ofSeconds(5), now::get);
        p.update("sent=100000");
        now.addAndGet(100 * MS);
        p.update("sent=100500"); // too soon for a redraw
        now.addAndGet(300 * MS);
        p.update("sent=2");
        p.finish();
        assertEquals("\rsent=100000\rsent=2     " + System.lineSeparator(), w.toString());
        assertFalse(w.toString().contains("100500"));
    }

    @Test
    void aFileOrPipeGetsOnePlainLineEveryFewSeconds() {
        StringWriter w = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressLine p = new ProgressLine(new PrintWriter(w), false, Duration.ofSeconds(5), now::get);
        for (int i = 0; i <= 100; i++) {
            p.update("step " + i);
            now.addAndGet(100 * MS); // 10 s in all
        }
        p.finish(); // nothing to end: plain lines are complete
        String n = System.lineSeparator();
        assertEquals("step 0" + n + "step 50" + n + "step 100" + n, w.toString());
        assertFalse(w.toString().contains("\r"));
    }

    @Test
    void aFinishedBarIsAlwaysShownAndMessagesGetTheirOwnLine() {
        StringWriter w = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressLine p = new ProgressLine(new PrintWriter(w), true, Duration.ofSeconds(5), now::get);
        p.progress("train", 0.5, "epoch 1/2");
        now.addAndGet(MS);
        p.progress("train", 1.0, "epoch 2/2");
        p.println("trained");
        String s = w.toString();
        assertTrue(s.contains("\rtrain    [===============               ]  50.0% epoch 1/2"), s);
        assertTrue(s.contains("\rtrain    [==============================] 100.0% epoch 2/2"), s);
        assertTrue(s.endsWith(System.lineSeparator() + "trained" + System.lineSeparator()), s);
    }

    @Test
    void zeroPaceLeavesThePacingToTheCaller() {
        StringWriter w = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(w), false, Duration.ZERO, () -> 0L);
        p.update("a");
        p.update("b");
        assertEquals("a" + System.lineSeparator() + "b" + System.lineSeparator(), w.toString());
    }
}
