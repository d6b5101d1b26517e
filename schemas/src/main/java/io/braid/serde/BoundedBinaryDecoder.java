package io.braid.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoder over a byte range that checks every length and item count against the bytes that are left, so
 * hostile input fails fast with an {@link IOException} instead of allocating gigabytes (Avro's own decoder allocates
 * a string, bytes or array of the announced size before reading it). Collections whose items take no bytes (arrays
 * of null) are therefore limited to as many items as bytes remain.
 */
final class BoundedBinaryDecoder extends Decoder {
    private final byte[] buf;
    private int pos;
    private final int limit;

    BoundedBinaryDecoder(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    int remaining() {
        return limit - pos;
    }

    private void need(long n) throws IOException {
        if (n < 0) throw new IOException("negative length " + n);
        if (n > limit - pos) throw new EOFException("needs " + n + " bytes, only " + (limit - pos) + " left");
    }

    @Override
    public void readNull() {}

    @Override
    public boolean readBoolean() throws IOException {
        need(1);
        int b = buf[pos++];
        if (b != 0 && b != 1) throw new IOException("invalid boolean byte " + b);
        return b == 1;
    }

    @Override
    public int readInt() throws IOException {
        long l = readLong();
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) throw new IOException("int out of range: " + l);
        return (int) l;
    }

    @Override
    public long readLong() throws IOException {
        long raw = 0;
        int shift = 0;
        while (true) {
            need(1);
            int b = buf[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) break;
            shift += 7;
            if (shift > 63) throw new IOException("varint longer than 10 bytes");
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    @Override
    public float readFloat() throws IOException {
        need(4);
        int bits = (buf[pos] & 0xff)
                | (buf[pos + 1] & 0xff) << 8
                | (buf[pos + 2] & 0xff) << 16
                | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    @Override
    public double readDouble() throws IOException {
        need(8);
        long bits = 0;
        for (int i = 7; i >= 0; i--) bits = (bits << 8) | (buf[pos + i] & 0xff);
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    private int length() throws IOException {
        long n = readLong();
        need(n);
        return (int) n;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int n = length();
        Utf8 out = old != null ? old : new Utf8();
        out.setByteLength(n);
        System.arraycopy(buf, pos, out.getBytes(), 0, n);
        pos += n;
        return out;
    }

    @Override
    public String readString() throws IOException {
        int n = length();
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    @Override
    public void skipString() throws IOException {
        pos += length();
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int n = length();
        ByteBuffer out;
        if (old != null && old.capacity() >= n) {
            out = old;
            out.clear();
        } else {
            out = ByteBuffer.allocate(n);
        }
        out.put(buf, pos, n);
        out.flip();
        pos += n;
        return out;
    }

    @Override
    public void skipBytes() throws IOException {
        pos += length();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        need(length);
        System.arraycopy(buf, pos, bytes, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(int length) throws IOException {
        need(length);
        pos += length;
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    /** Block item count; a negative count is followed by the block's byte size (which we ignore when reading). */
    private long blockCount() throws IOException {
        long count = readLong();
        if (count < 0) {
            if (count == Long.MIN_VALUE) throw new IOException("invalid block count");
            count = -count;
            need(readLong());
        }
        if (count > remaining() + 1L) {
            throw new EOFException("block announces " + count + " items, only " + remaining() + " bytes left");
        }
        return count;
    }

    @Override
    public long readArrayStart() throws IOException {
        return blockCount();
    }

    @Override
    public long arrayNext() throws IOException {
        return blockCount();
    }

    private long skipBlocks() throws IOException {
        while (true) {
            long count = readLong();
            if (count == 0) return 0;
            if (count < 0) {
                if (count == Long.MIN_VALUE) throw new IOException("invalid block count");
                long size = readLong();
                need(size);
                pos += (int) size;
                continue;
            }
            if (count > remaining() + 1L) {
                throw new EOFException("block announces " + count + " items, only " + remaining() + " bytes left");
            }
            return count;
        }
    }

    @Override
    public long skipArray() throws IOException {
        return skipBlocks();
    }

    @Override
    public long readMapStart() throws IOException {
        return blockCount();
    }

    @Override
    public long mapNext() throws IOException {
        return blockCount();
    }

    @Override
    public long skipMap() throws IOException {
        return skipBlocks();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }
}
