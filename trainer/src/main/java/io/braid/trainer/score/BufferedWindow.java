package io.braid.trainer.score;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A window waiting in the scorer's changelogged buffer: the raw record exactly as read (so a dead letter written after
 * a restart still carries the original bytes and source offset) and the wall time it was read (its latency start).
 */
record BufferedWindow(
        String topic, int partition, long offset, long timestamp, long readAtMs, byte[] key, byte[] value) {
    private static final int FORMAT = 1;

    /** One exactly sized array (this runs for every window on the scorer's hot path). */
    byte[] encode() {
        // Kafka topic names are ASCII, where UTF-8 and the modified UTF-8 of DataInput.readUTF are the same bytes
        byte[] t = (topic == null ? "" : topic).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 2 + t.length + 4 + 3 * Long.BYTES + size(key) + size(value));
        out.put((byte) FORMAT).putShort((short) t.length).put(t);
        out.putInt(partition).putLong(offset).putLong(timestamp).putLong(readAtMs);
        field(out, key);
        field(out, value);
        return out.array();
    }

    static BufferedWindow decode(byte[] b) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            int format = in.readByte();
            if (format != FORMAT) throw new IllegalStateException("unknown buffered-window format " + format);
            return new BufferedWindow(
                    in.readUTF(), in.readInt(), in.readLong(), in.readLong(), in.readLong(), field(in), field(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int size(byte[] b) {
        return Integer.BYTES + (b == null ? 0 : b.length);
    }

    private static void field(ByteBuffer out, byte[] b) {
        out.putInt(b == null ? -1 : b.length);
        if (b != null) out.put(b);
    }

    private static byte[] field(DataInputStream in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : in.readNBytes(n);
    }
}
