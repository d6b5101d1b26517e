package io.braid.producers.ros;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a CDR-serialized ROS 2 message against its {@link MsgDefinitions} into a map of field name to value: numbers
 * boxed, strings as String, nested messages as maps, arrays of numbers as primitive arrays ({@code uint8[]} as byte[],
 * so image data is never boxed), arrays of strings as String[], arrays of messages as lists.
 *
 * <p>Every length is checked against the bytes that remain before anything is allocated: a hostile length is a
 * {@link CdrException}, never an OutOfMemoryError.
 */
public final class CdrDecoder {
    private final MsgDefinitions defs;
    private byte[] b;
    private int pos;
    private int end;
    private CdrEncoding enc;
    private int maxAlign;

    public CdrDecoder(MsgDefinitions defs) {
        this.defs = defs;
    }

    /** A decoded message and how many bytes were left after its last field. */
    public record Decoded(Map<String, Object> value, CdrEncoding encoding, int trailingBytes, int declaredPadding) {}

    public Decoded decode(String type, byte[] data) throws CdrException {
        MsgType t = defs.get(type);
        if (t == null) throw new CdrException("UNKNOWN_TYPE", "no definition for " + type);
        if (data.length < 4) {
            throw new CdrException("CDR_TRUNCATED", "message has " + data.length + " bytes, less than its CDR header");
        }
        this.b = data;
        this.enc = CdrEncoding.of((data[0] & 0xff) << 8 | (data[1] & 0xff));
        this.maxAlign = enc.maxAlign();
        this.pos = 4;
        this.end = data.length;
        Map<String, Object> v = struct(t, 0);
        return new Decoded(v, enc, end - pos, data[3] & 0x3);
    }

    private Map<String, Object> struct(MsgType t, int depth) throws CdrException {
        if (depth > 64) throw new CdrException("CDR_TOO_DEEP", t.name() + " nests more than 64 levels");
        int stop = -1;
        if (enc.delimited) stop = dheader(t.name());
        Map<String, Object> m = new LinkedHashMap<>();
        for (MsgField f : t.fields()) m.put(f.name(), field(f, depth));
        if (stop >= 0) {
            if (pos > stop) throw new CdrException("CDR_LENGTH", t.name() + " overruns its DHEADER");
            pos = stop; // appendable: skip members a newer writer added
        }
        return m;
    }

    private Object field(MsgField f, int depth) throws CdrException {
        if (!f.isArray()) return f.primitive() ? primitive(f.type(), f.name()) : struct(type(f), depth + 1);
        int n;
        boolean complexElems =
                !f.primitive() || f.type().equals("string") || f.type().equals("wstring");
        int stop = -1;
        if (enc.xcdr2 && complexElems) stop = dheader(f.name());
        if (f.isSequence()) {
            long len = u32(f.name() + " length");
            n = checkCount(len, f);
        } else {
            n = f.arrayLength();
            checkCount(n, f);
        }
        Object v = f.primitive() ? primitiveArray(f, n) : structArray(type(f), n, depth);
        if (stop >= 0) {
            if (pos != stop) throw new CdrException("CDR_LENGTH", f.name() + " does not end where its DHEADER says");
        }
        return v;
    }

    private MsgType type(MsgField f) throws CdrException {
        MsgType t = defs.get(f.type());
        if (t == null)
            throw new CdrException("UNKNOWN_TYPE", "no definition for " + f.type() + " (field " + f.name() + ")");
        return t;
    }

    private int checkCount(long n, MsgField f) throws CdrException {
        int min = f.primitive() ? size(f.type()) : 1;
        if (n < 0 || n * min > end - pos) {
            throw new CdrException(
                    "CDR_LENGTH", f.name() + " declares " + n + " elements, only " + (end - pos) + " bytes remain");
        }
        return (int) n;
    }

    private int dheader(String what) throws CdrException {
        long len = u32(what + " DHEADER");
        if (len > end - pos) {
            throw new CdrException("CDR_LENGTH", what + " DHEADER says " + len + " bytes, " + (end - pos) + " remain");
        }
        return pos + (int) len;
    }

    private static int size(String prim) {
        return switch (prim) {
            case "bool", "byte", "char", "int8", "uint8" -> 1;
            case "int16", "uint16" -> 2;
            case "int32", "uint32", "float32" -> 4;
            case "int64", "uint64", "float64" -> 8;
            default -> 4; // string, wstring: at least their length
        };
    }

    private Object primitive(String t, String name) throws CdrException {
        return switch (t) {
            case "bool" -> u8(name) != 0;
            case "byte", "uint8", "char" -> u8(name);
            case "int8" -> (int) (byte) u8(name);
            case "int16" -> (int) (short) u16(name);
            case "uint16" -> u16(name);
            case "int32" -> (int) u32(name);
            case "uint32" -> u32(name);
            case "int64", "uint64" -> u64(name);
            case "float32" -> Float.intBitsToFloat((int) u32(name));
            case "float64" -> Double.longBitsToDouble(u64(name));
            case "string" -> string(name);
            case "wstring" -> wstring(name);
            default -> throw new CdrException("UNKNOWN_TYPE", "unknown primitive " + t);
        };
    }

    private Object primitiveArray(MsgField f, int n) throws CdrException {
        String t = f.type();
        switch (t) {
            case "byte", "uint8", "char", "int8" -> {
                need(n, f.name());
                byte[] a = new byte[n];
                System.arraycopy(b, pos, a, 0, n);
                pos += n;
                return a;
            }
            case "bool" -> {
                need(n, f.name());
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = b[pos + i] != 0;
                pos += n;
                return a;
            }
            case "float32" -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = Float.intBitsToFloat((int) u32(f.name()));
                return a;
            }
            case "float64" -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = Double.longBitsToDouble(u64(f.name()));
                return a;
            }
            case "int16", "uint16" -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = t.equals("int16") ? (short) u16(f.name()) : u16(f.name());
                return a;
            }
            case "int32" -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = (int) u32(f.name());
                return a;
            }
            case "uint32" -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = u32(f.name());
                return a;
            }
            case "int64", "uint64" -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = u64(f.name());
                return a;
            }
            case "string", "wstring" -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) a[i] = (String) primitive(t, f.name());
                return a;
            }
            default -> throw new CdrException("UNKNOWN_TYPE", "unknown primitive " + t);
        }
    }

    private List<Map<String, Object>> structArray(MsgType t, int n, int depth) throws CdrException {
        List<Map<String, Object>> l = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) l.add(struct(t, depth + 1));
        return l;
    }

    private void align(int n) throws CdrException {
        int a = Math.min(n, maxAlign);
        int off = (pos - 4) % a;
        if (off != 0) {
            int pad = a - off;
            need(pad, "padding");
            pos += pad;
        }
    }

    private void need(long n, String what) throws CdrException {
        if (n > end - pos) {
            throw new CdrException(
                    "CDR_TRUNCATED", what + " needs " + n + " bytes at offset " + pos + ", " + (end - pos) + " remain");
        }
    }

    private int u8(String what) throws CdrException {
        need(1, what);
        return b[pos++] & 0xff;
    }

    private int u16(String what) throws CdrException {
        align(2);
        need(2, what);
        int v = enc.little ? (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 : (b[pos] & 0xff) << 8 | (b[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    private long u32(String what) throws CdrException {
        align(4);
        need(4, what);
        long v;
        if (enc.little) {
            v = (b[pos] & 0xff)
                    | (b[pos + 1] & 0xff) << 8
                    | (b[pos + 2] & 0xff) << 16
                    | (long) (b[pos + 3] & 0xff) << 24;
        } else {
            v = (long) (b[pos] & 0xff) << 24
                    | (b[pos + 1] & 0xff) << 16
                    | (b[pos + 2] & 0xff) << 8
                    | (b[pos + 3] & 0xff);
        }
        pos += 4;
        return v;
    }

    private long u64(String what) throws CdrException {
        align(8);
        need(8, what);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int byteAt = enc.little ? pos + 7 - i : pos + i;
            v = v << 8 | (b[byteAt] & 0xff);
        }
        pos += 8;
        return v;
    }

    private String string(String what) throws CdrException {
        long len = u32(what + " length");
        if (len == 0) return ""; // some writers send an empty string without its NUL
        need(len, what);
        int n = (int) len;
        // the length counts the terminating NUL
        int chars = b[pos + n - 1] == 0 ? n - 1 : n;
        String s = new String(b, pos, chars, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    private String wstring(String what) throws CdrException {
        long len = u32(what + " length");
        int width = enc.xcdr2 ? 2 : 4; // XCDR2: UTF-16 code units; Fast-CDR's XCDR1: 32-bit wchar_t
        if (len < 0 || len * width > end - pos) {
            throw new CdrException(
                    "CDR_LENGTH", what + " declares " + len + " characters, " + (end - pos) + " bytes remain");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int c = width == 2 ? u16(what) : (int) u32(what);
            if (c != 0) sb.appendCodePoint(Character.isValidCodePoint(c) ? c : 0xfffd);
        }
        return sb.toString();
    }
}
