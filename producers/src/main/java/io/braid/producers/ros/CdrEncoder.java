package io.braid.producers.ros;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Serializes a message map (the shape {@link CdrDecoder} returns) to CDR in any {@link CdrEncoding}: the test bags and the
 * import benchmark are written with it, so the decoder is checked in every byte order and representation.
 */
public final class CdrEncoder {
    private final MsgDefinitions defs;
    private final CdrEncoding enc;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    public CdrEncoder(MsgDefinitions defs, CdrEncoding enc) {
        this.defs = defs;
        this.enc = enc;
    }

    public byte[] encode(String type, Map<String, Object> value) {
        out.reset();
        out.write(enc.id >> 8);
        out.write(enc.id);
        out.write(0);
        out.write(0);
        struct(defs.get(type), value);
        return out.toByteArray();
    }

    private int pos() {
        return out.size() - 4;
    }

    private void struct(MsgType t, Map<String, Object> v) {
        if (t == null) throw new IllegalArgumentException("no definition");
        int dh = enc.delimited ? dheaderStart() : -1;
        for (MsgField f : t.fields()) field(f, v.get(f.name()));
        if (dh >= 0) dheaderEnd(dh);
    }

    private int dheaderStart() {
        u32(0);
        return out.size();
    }

    private void dheaderEnd(int start) {
        byte[] b = out.toByteArray();
        int len = b.length - start;
        out.reset();
        out.write(b, 0, start - 4);
        u32(len);
        out.write(b, start, len);
    }

    private void field(MsgField f, Object v) {
        if (!f.isArray()) {
            if (f.primitive()) primitive(f.type(), v);
            else struct(defs.get(f.type()), asMap(v));
            return;
        }
        boolean complex =
                !f.primitive() || f.type().equals("string") || f.type().equals("wstring");
        int dh = enc.xcdr2 && complex ? dheaderStart() : -1;
        int n = length(v);
        if (f.isSequence()) u32(n);
        else if (n != f.arrayLength()) throw new IllegalArgumentException(f.name() + " needs " + f.arrayLength());
        if (v instanceof byte[] bytes) { // uint8[] / byte[] / char[] / int8[]: no alignment, written as is
            out.write(bytes, 0, bytes.length);
            if (dh >= 0) dheaderEnd(dh);
            return;
        }
        for (int i = 0; i < n; i++) {
            Object e = element(v, i);
            if (f.primitive()) primitive(f.type(), e);
            else struct(defs.get(f.type()), asMap(e));
        }
        if (dh >= 0) dheaderEnd(dh);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object v) {
        return (Map<String, Object>) v;
    }

    private static int length(Object v) {
        if (v instanceof List<?> l) return l.size();
        return java.lang.reflect.Array.getLength(v);
    }

    private static Object element(Object v, int i) {
        if (v instanceof List<?> l) return l.get(i);
        return java.lang.reflect.Array.get(v, i);
    }

    private void primitive(String t, Object v) {
        switch (t) {
            case "bool" -> out.write(Boolean.TRUE.equals(v) ? 1 : 0);
            case "byte", "uint8", "char", "int8" -> out.write(((Number) v).intValue());
            case "int16", "uint16" -> u16(((Number) v).intValue());
            case "int32", "uint32" -> u32(((Number) v).longValue());
            case "int64", "uint64" -> u64(((Number) v).longValue());
            case "float32" -> u32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case "float64" -> u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case "string" -> {
                byte[] s = ((String) v).getBytes(StandardCharsets.UTF_8);
                u32(s.length + 1);
                out.write(s, 0, s.length);
                out.write(0);
            }
            case "wstring" -> {
                String s = (String) v;
                u32(s.length());
                for (char c : s.toCharArray()) {
                    if (enc.xcdr2) u16(c);
                    else u32(c);
                }
            }
            default -> throw new IllegalArgumentException("unknown primitive " + t);
        }
    }

    private void align(int n) {
        int a = Math.min(n, enc.maxAlign());
        while (pos() % a != 0) out.write(0);
    }

    private void u16(int v) {
        align(2);
        if (enc.little) {
            out.write(v);
            out.write(v >> 8);
        } else {
            out.write(v >> 8);
            out.write(v);
        }
    }

    private void u32(long v) {
        align(4);
        for (int i = 0; i < 4; i++) out.write((int) (v >> (enc.little ? 8 * i : 8 * (3 - i))));
    }

    private void u64(long v) {
        align(8);
        for (int i = 0; i < 8; i++) out.write((int) (v >> (enc.little ? 8 * i : 8 * (7 - i))));
    }
}
