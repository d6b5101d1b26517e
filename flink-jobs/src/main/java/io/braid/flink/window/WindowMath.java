package io.braid.flink.window;

import io.braid.flink.WindowJobOptions;
import io.braid.flink.decode.InputEvent;
import java.io.Serializable;

/**
 * Which windows an event can contribute to and when a window closes. Windows start at multiples of the hop and span
 * the size; a window [ws, we) closes once the watermark reaches we + max tolerance + grace - 1, the point after which
 * no on-time event can still change it.
 */
public final class WindowMath implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long hop;
    private final long visionTol;
    private final long textTol;
    private final long closeDelay;

    public WindowMath(WindowJobOptions o) {
        this(o.windowSizeMs, o.hopMs, o.visionToleranceMs, o.textToleranceMs, o.graceMs);
    }

    public WindowMath(long size, long hop, long visionTol, long textTol, long grace) {
        this.size = size;
        this.hop = hop;
        this.visionTol = visionTol;
        this.textTol = textTol;
        this.closeDelay = Math.max(visionTol, textTol) + grace - 1;
    }

    public long size() {
        return size;
    }

    /** Event-time timer at which window ws is assembled and emitted. */
    public long closeTime(long ws) {
        return ws + size + closeDelay;
    }

    /** Inverse of {@link #closeTime}. */
    public long windowStartOfCloseTime(long timer) {
        return timer - size - closeDelay;
    }

    private long floorToHop(long t) {
        return Math.floorDiv(t, hop) * hop;
    }

    private long ceilToHop(long t) {
        return -Math.floorDiv(-t, hop) * hop;
    }

    /** First window start an event touches; greater than {@link #lastWindow} when it touches none. */
    public long firstWindow(InputEvent e) {
        switch (e.modality) {
            case SENSOR:
                return ceilToHop(e.eventTime - size + 1);
            case VISION:
                return ceilToHop(e.eventTime - visionTol - size);
            case TEXT:
            default:
                return ceilToHop(e.eventTime - textTol - size + 1);
        }
    }

    /** Last window start an event touches. */
    public long lastWindow(InputEvent e) {
        switch (e.modality) {
            case SENSOR:
                return floorToHop(e.endTime - 1);
            case VISION:
                return floorToHop(e.eventTime + visionTol - size);
            case TEXT:
            default:
                return floorToHop(e.eventTime + textTol);
        }
    }

    public long hop() {
        return hop;
    }
}
