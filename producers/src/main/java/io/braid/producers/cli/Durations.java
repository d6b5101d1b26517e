package io.braid.producers.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parsing of the CLI's durations ("30s", "2m", "500ms", "1h", "1.5s", ISO "PT30S") and instants. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?");

    private Durations() {}

    /** Milliseconds; throws IllegalArgumentException with a readable message. */
    public static long parseMillis(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT)).toMillis();
            } catch (DateTimeParseException e) {
                throw bad(text);
            }
        }
        Matcher m = SIMPLE.matcher(t);
        if (!m.matches()) throw bad(text);
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double ms =
                switch (unit) {
                    case "ms" -> v;
                    case "s" -> v * 1000;
                    case "m", "min" -> v * 60_000;
                    default -> v * 3_600_000;
                };
        if (ms > Long.MAX_VALUE / 4) throw bad(text);
        return Math.round(ms);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException(
                "'" + text + "' is not a duration: use e.g. 500ms, 30s, 2m, 1h or ISO-8601 PT30S (no negative values)");
    }

    /** "now", an ISO-8601 instant (2025-01-01T00:00:00Z) or epoch milliseconds. */
    public static long parseInstant(String text, long nowMs) {
        String t = text.trim();
        if (t.equalsIgnoreCase("now")) return nowMs;
        if (t.matches("\\d+")) return Long.parseLong(t);
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text
                    + "' is not a time: use now, an ISO-8601 instant like 2025-01-01T00:00:00Z, or epoch ms");
        }
    }

    /** picocli converter for duration options (value in ms). */
    public static final class Converter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parseMillis(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
