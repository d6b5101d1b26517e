package io.braid.cli.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into a graceful stop that the command carries out itself (stop-with-savepoint,
 * final checkpoint, report) instead of JVM shutdown, where Flink's own shutdown hooks would tear the MiniCluster down
 * under it. A second signal exits at once. {@link #close()} puts the previous handlers back (tests run commands in a
 * JVM that lives on).
 */
public final class StopSignal implements AutoCloseable {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Object[]> previous = new ArrayList<>();
    private final boolean installed;

    private StopSignal(String name, java.io.PrintStream err) {
        sun.misc.SignalHandler h = sig -> {
            if (stop.getCount() == 0) Runtime.getRuntime().halt(128 + sig.getNumber());
            err.println(name + ": SIG" + sig.getName() + " (again to quit at once)");
            stop.countDown();
        };
        boolean ok = false;
        // each on its own: a signal ignored at start (a background job's SIGINT) cannot be handled, the other can
        for (String s : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal sig = new sun.misc.Signal(s);
                previous.add(new Object[] {sig, sun.misc.Signal.handle(sig, h)});
                ok = true;
            } catch (Throwable e) {
                // not available on this JVM or already taken
            }
        }
        installed = ok;
    }

    /** Installs the handlers; messages name the command ({@code name: SIGINT ...}) on {@code err}. */
    public static StopSignal install(String name, java.io.PrintStream err) {
        return new StopSignal(name, err);
    }

    /** False where the JVM offers no signal handlers (then Ctrl-C is the JVM's shutdown, with its hooks). */
    public boolean installed() {
        return installed;
    }

    public boolean requested() {
        return stop.getCount() == 0;
    }

    /** Waits up to {@code timeoutNs} for a stop; true when one was asked for. */
    public boolean await(long timeoutNs) throws InterruptedException {
        return stop.await(Math.max(1, timeoutNs), TimeUnit.NANOSECONDS);
    }

    /** Asks for the stop as a signal would (e.g. from code). */
    public void request() {
        stop.countDown();
    }

    @Override
    public void close() {
        for (Object[] p : previous) {
            try {
                sun.misc.Signal.handle((sun.misc.Signal) p[0], (sun.misc.SignalHandler) p[1]);
            } catch (Throwable ignored) {
                // best effort: the JVM is going down anyway
            }
        }
    }
}
