package io.braid.serde;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Every {@code long} in a Braid contract must survive decoders that map Avro longs to IEEE doubles (JavaScript's
 * {@code Number}, many JSON tools): its magnitude stays at most 2^53 - 1. This checks a datum and names the fields
 * that break the rule (schemas/README.md, "Longs and JavaScript").
 */
public final class JsonSafeLongs {
    /** Largest long that a double holds exactly together with all its neighbours (JavaScript's MAX_SAFE_INTEGER). */
    public static final long MAX_SAFE = (1L << 53) - 1;

    private JsonSafeLongs() {}

    public static boolean isSafe(long v) {
        return v >= -MAX_SAFE && v <= MAX_SAFE;
    }

    /** Paths (e.g. {@code TrainingPair.seed1}) of the longs in a record whose values a double cannot hold exactly. */
    public static List<String> violations(GenericRecord record) {
        List<String> out = new ArrayList<>();
        walk(record, record.getSchema().getName(), out);
        return out;
    }

    private static void walk(Object datum, String path, List<String> out) {
        if (datum instanceof GenericRecord r) {
            for (Schema.Field f : r.getSchema().getFields()) walk(r.get(f.pos()), path + "." + f.name(), out);
        } else if (datum instanceof Long v) {
            if (!isSafe(v)) out.add(path + "=" + v);
        } else if (datum instanceof Collection<?> c) {
            int i = 0;
            for (Object o : c) walk(o, path + "[" + i++ + "]", out);
        } else if (datum instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) walk(e.getValue(), path + "[" + e.getKey() + "]", out);
        } else if (datum instanceof Instant t) {
            // timestamp-millis as written on the wire: epoch ms (below 2^53 until the year 287396)
            long ms;
            try {
                ms = t.toEpochMilli();
            } catch (ArithmeticException e) {
                ms = Long.MAX_VALUE;
            }
            if (!isSafe(ms)) out.add(path + "=" + t);
        }
    }
}
