package io.braid.cli.support;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line: on a terminal it is redrawn in place ({@code \r}, at most every 250 ms); into a file or a pipe it is
 * one plain line at most every {@code plainEvery} (zero: every update, for callers that already pace themselves), so a
 * log holds a readable history instead of thousands of carriage returns.
 */
public final class ProgressLine {
    static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final long plainEveryNanos;
    private final LongSupplier clock;
    private final long startNanos;
    private boolean drawn;
    private long lastNanos;
    private int lastWidth;
    private boolean open;

    /** {@code terminal} picks the mode; {@code nanoClock} is {@link System#nanoTime} outside tests. */
    public ProgressLine(PrintWriter out, boolean terminal, Duration plainEvery, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.plainEveryNanos = plainEvery.toNanos();
        this.clock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** On stderr, redrawn when stderr is a terminal. */
    public static ProgressLine stderr(Duration plainEvery) {
        return new ProgressLine(new PrintWriter(System.err, true), stderrIsTerminal(), plainEvery, System::nanoTime);
    }

    /** Whether stderr is a terminal: /proc names its tty on Linux; elsewhere whether the JVM has a console. */
    public static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception | LinkageError noProc) {
            return System.console() != null;
        }
    }

    public boolean terminal() {
        return terminal;
    }

    /** Shows {@code text} unless the last update is too recent (250 ms on a terminal, {@code plainEvery} otherwise). */
    public synchronized void update(String text) {
        long now = clock.getAsLong();
        if (drawn && now - lastNanos < (terminal ? REDRAW_NANOS : plainEveryNanos)) return;
        draw(text, now);
    }

    /** A bar, percentage, detail, elapsed time and ETA; a finished bar ({@code fraction >= 1}) is always shown. */
    public synchronized void progress(String label, double fraction, String detail) {
        long now = clock.getAsLong();
        String text = bar(label, fraction, detail, (now - startNanos) / 1e9);
        if (fraction >= 1) draw(text, now);
        else update(text);
    }

    /** Ends a redrawn line so that what follows starts on a line of its own. */
    public synchronized void finish() {
        if (open) {
            out.println();
            out.flush();
            open = false;
            lastWidth = 0;
        }
    }

    /** A message of its own between updates (a redrawn line is ended first). */
    public synchronized void println(String text) {
        finish();
        out.println(text);
        out.flush();
    }

    static String bar(String label, double fraction, String detail, double elapsedS) {
        double f = Math.max(0, Math.min(1, fraction));
        int width = 30, filled = (int) Math.round(f * width);
        String eta = f > 0.001 ? String.format(Locale.ROOT, "%.0fs", elapsedS * (1 - f) / f) : "?";
        return String.format(
                Locale.ROOT,
                "%-8s [%s%s] %5.1f%% %s elapsed %.0fs eta %s",
                label,
                "=".repeat(filled),
                " ".repeat(width - filled),
                f * 100,
                detail,
                elapsedS,
                eta);
    }

    private void draw(String text, long now) {
        drawn = true;
        lastNanos = now;
        if (terminal) {
            // pad with spaces to wipe the rest of a longer previous line
            out.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())));
            lastWidth = text.length();
            open = true;
        } else {
            out.println(text);
        }
        out.flush();
    }
}
