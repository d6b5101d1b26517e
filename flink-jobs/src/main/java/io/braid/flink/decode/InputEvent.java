package io.braid.flink.decode;

import io.braid.avro.DeadLetter;
import io.braid.avro.Modality;

/**
 * One decoded and validated input record of any modality, as it travels through the job (a Flink POJO), or a dead
 * letter when {@link #deadLetter} is set. Sensor chunks, frames and text lines share the type so that one keyed
 * operator can assemble windows from the union of the three sources.
 */
public class InputEvent {
    public Modality modality;
    public String sourceId;
    public long seq;
    /** Event time of the record (first sample of a chunk). */
    public long eventTime;
    /** Exclusive end of the event's time span: last sample + one period for chunks, eventTime + 1 otherwise. */
    public long endTime;

    public String topic;
    public int partition;
    public long offset;

    /** Sensor: samples row-major, channels, rate. */
    public float[] values;

    public int channels;
    public double sampleRateHz;

    /** Vision: decoded raw u8 frame, height x width x channels. */
    public byte[] image;

    public int width;
    public int height;

    /** Text: token ids of the line (unpadded). */
    public int[] tokens;

    /** Original value bytes, kept so a late event can be written to mm.late untouched. */
    public byte[] raw;

    /**
     * What the windows did with the event so far (window operator state): {@link #NOT_CHOSEN}, {@link
     * #CHOSEN_DROPPED} (only by windows the policy dropped) or {@link #EMITTED}; what is left when its last window
     * closes is counted as unused with that reason.
     */
    public byte fate;

    public static final byte NOT_CHOSEN = 0;
    public static final byte CHOSEN_DROPPED = 1;
    public static final byte EMITTED = 2;

    /** Set instead of a payload when the record was refused. */
    public DeadLetter deadLetter;

    public InputEvent() {}

    public boolean isDead() {
        return deadLetter != null;
    }

    /** Time of sample i of a sensor chunk. */
    public double sampleTime(int i) {
        return eventTime + i * 1000.0 / sampleRateHz;
    }

    public int numSamples() {
        return values == null || channels == 0 ? 0 : values.length / channels;
    }

    @Override
    public String toString() {
        return modality + "[" + sourceId + " #" + seq + " t=" + eventTime + ".." + endTime + " " + topic + "/"
                + partition + "@" + offset + (deadLetter != null ? " DEAD " + deadLetter.getReason() : "") + "]";
    }
}
