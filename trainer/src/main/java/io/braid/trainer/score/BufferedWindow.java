package io.braid.trainer.score;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A window waiting in the scorer's changelogged buffer: the raw record exactly as read (so a dead letter written after
 * a restart still carries the original bytes and source offset) and the wall time it was read (its latency start).
 */
record BufferedWindow(
        String topic, int partition, long offset, long timestamp, long readAtMs, byte[] key, byte[] value) {
    private static final int FORMAT = 1;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
        try (DataOutputStream o = new DataOutputStream(bytes)) {
            o.writeByte(FORMAT);
            o.writeUTF(topic == null ? "" : topic);
            o.writeInt(partition);
            o.writeLong(offset);
            o.writeLong(timestamp);
            o.writeLong(readAtMs);
            field(o, key);
            field(o, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
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

    private static void field(DataOutputStream o, byte[] b) throws IOException {
        o.writeInt(b == null ? -1 : b.length);
        if (b != null) o.write(b);
    }

    private static byte[] field(DataInputStream in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : in.readNBytes(n);
    }
}
