package io.braid.producers.bag;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A little-endian cursor over part of a byte array, as MCAP records are laid out. Every length read is checked against
 * what remains before anything is allocated, so a hostile length is an error, never an OutOfMemoryError.
 */
final class LeBuf {
    final byte[] b;
    int pos;
    final int end;
    private final String where;

    LeBuf(byte[] b, int off, int end, String where) {
        this.b = b;
        this.pos = off;
        this.end = end;
        this.where = where;
    }

    int remaining() {
        return end - pos;
    }

    private void need(long n, String what) throws BagFormatException {
        if (n < 0 || n > end - pos) {
            throw new BagFormatException(where + ": " + what + " needs " + n + " bytes, " + (end - pos) + " remain");
        }
    }

    int u8() throws BagFormatException {
        need(1, "u8");
        return b[pos++] & 0xff;
    }

    int u16() throws BagFormatException {
        need(2, "u16");
        int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    long u32() throws BagFormatException {
        need(4, "u32");
        long v = get32(b, pos) & 0xffffffffL;
        pos += 4;
        return v;
    }

    long u64() throws BagFormatException {
        need(8, "u64");
        long v = get64(b, pos);
        pos += 8;
        return v;
    }

    String str(String what) throws BagFormatException {
        long n = u32();
        need(n, what);
        String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
        pos += (int) n;
        return s;
    }

    byte[] bytes(long n, String what) throws BagFormatException {
        need(n, what);
        byte[] out = new byte[(int) n];
        System.arraycopy(b, pos, out, 0, (int) n);
        pos += (int) n;
        return out;
    }

    Map<String, String> stringMap(String what) throws BagFormatException {
        long n = u32();
        need(n, what);
        int stop = pos + (int) n;
        Map<String, String> m = new LinkedHashMap<>();
        while (pos < stop) {
            String k = str(what + " key");
            String v = str(what + " value");
            m.put(k, v);
        }
        if (pos != stop) throw new BagFormatException(where + ": " + what + " overruns its declared length");
        return m;
    }

    void skip(long n, String what) throws BagFormatException {
        need(n, what);
        pos += (int) n;
    }

    static int get32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    static long get64(byte[] b, int i) {
        return (get32(b, i) & 0xffffffffL) | ((long) get32(b, i + 4)) << 32;
    }
}
