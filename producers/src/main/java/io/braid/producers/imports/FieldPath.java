package io.braid.producers.imports;

import java.lang.reflect.Array;
import java.util.List;
import java.util.Map;

/** Reads a field of a decoded message by path: {@code linear_acceleration.x}, {@code position[2]}, {@code a.b[0].c}. */
public final class FieldPath {
    private FieldPath() {}

    public static Object get(Map<String, Object> msg, String path) throws MappingException {
        Object cur = msg;
        for (String part : path.split("\\.")) {
            String name = part;
            int idx = -1;
            int br = part.indexOf('[');
            if (br >= 0 && part.endsWith("]")) {
                name = part.substring(0, br);
                try {
                    idx = Integer.parseInt(part.substring(br + 1, part.length() - 1));
                } catch (NumberFormatException e) {
                    throw new MappingException("BAD_FIELD_PATH", "bad index in " + path);
                }
            }
            if (!(cur instanceof Map<?, ?> m) || !m.containsKey(name)) {
                throw new MappingException("MISSING_FIELD", "the message has no field " + path);
            }
            cur = m.get(name);
            if (idx >= 0) {
                int n = cur instanceof List<?> l
                        ? l.size()
                        : cur != null && cur.getClass().isArray() ? Array.getLength(cur) : -1;
                if (idx >= n) throw new MappingException("MISSING_FIELD", path + " is out of range (length " + n + ")");
                cur = cur instanceof List<?> l ? l.get(idx) : Array.get(cur, idx);
            }
        }
        return cur;
    }

    public static double number(Map<String, Object> msg, String path) throws MappingException {
        Object v = get(msg, path);
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof Boolean b) return b ? 1 : 0;
        throw new MappingException("NOT_A_NUMBER", path + " is not a number");
    }
}
