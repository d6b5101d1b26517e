package io.braid.cli.support;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of the CLI's durations: {@code 500ms}, {@code 45s}, {@code 2m}, {@code 1h30m}, {@code 1.5s}, {@code 2d}
 * and ISO-8601 ({@code PT45S}); never negative. A bare number takes the unit the option names (seconds unless the option
 * says {@code -ms}), so existing {@code --x-ms 1000} arguments keep their meaning.
 */
public final class Durations {
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");
    // "min" before "m" and "ms" before "m"/"s": alternation order decides which unit a term takes
    private static final Pattern TERM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|min|m|s|h|d)");
    private static final BigDecimal MAX_NANOS =
            BigDecimal.valueOf(Long.MAX_VALUE).multiply(BigDecimal.valueOf(1_000_000));

    private Durations() {}

    /** A duration; a bare number is seconds. Throws IllegalArgumentException with a readable message. */
    public static Duration parse(String text) {
        return parse(text, ChronoUnit.SECONDS);
    }

    /** A duration; a bare number is in {@code bareUnit}. Throws IllegalArgumentException with a readable message. */
    public static Duration parse(String text, ChronoUnit bareUnit) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
        if (t.startsWith("-")) throw bad(text, "durations cannot be negative");
        if (t.startsWith("p") || t.startsWith("+p")) {
            Duration d;
            try {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw bad(text, null);
            }
            if (d.isNegative()) throw bad(text, "durations cannot be negative");
            return checked(
                    text, BigDecimal.valueOf(d.getSeconds()).movePointRight(9).add(BigDecimal.valueOf(d.getNano())));
        }
        if (NUMBER.matcher(t).matches()) {
            return checked(
                    text,
                    new BigDecimal(t)
                            .multiply(BigDecimal.valueOf(bareUnit.getDuration().toNanos())));
        }
        Matcher m = TERM.matcher(t);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) throw bad(text, null);
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            at = m.end();
        }
        if (at == 0) throw bad(text, null);
        return checked(text, nanos);
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 86_400_000_000_000L;
        };
    }

    // every duration must still fit in long milliseconds, which is what most consumers take
    private static Duration checked(String text, BigDecimal nanos) {
        if (nanos.compareTo(MAX_NANOS) > 0) throw bad(text, "too long");
        BigDecimal[] secs = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
        return Duration.ofSeconds(
                secs[0].longValueExact(),
                secs[1].setScale(0, java.math.RoundingMode.HALF_UP).longValue());
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not a duration" + (why == null ? "" : " (" + why + ")")
                + ": use e.g. 500ms, 45s, 2m, 1h30m, 1.5s or ISO-8601 PT45S");
    }

    /** "now", an ISO-8601 instant (2025-01-01T00:00:00Z) or epoch milliseconds. */
    public static long parseInstant(String text, long nowMs) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase("now")) return nowMs;
        if (t.matches("\\d+")) return Long.parseLong(t);
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text
                    + "' is not a time: use now, an ISO-8601 instant like 2025-01-01T00:00:00Z, or epoch ms");
        }
    }
}
