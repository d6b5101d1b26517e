package io.braid.trainer.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn at most every 250 ms. */
final class ProgressBar {
    private final PrintStream err = System.err;
    private final long start = System.nanoTime();
    private long lastDraw;

    void update(String label, double fraction, String detail) {
        long now = System.nanoTime();
        if (now - lastDraw < 250_000_000L && fraction < 1) return;
        lastDraw = now;
        int width = 30, filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
        double elapsed = (now - start) / 1e9;
        String eta = fraction > 0.001 ? String.format("%.0fs", elapsed * (1 - fraction) / fraction) : "?";
        err.printf(
                "\r%-8s [%s%s] %5.1f%% %s elapsed %.0fs eta %s   ",
                label, "=".repeat(filled), " ".repeat(width - filled), fraction * 100, detail, elapsed, eta);
        err.flush();
    }

    void done() {
        err.println();
    }
}
