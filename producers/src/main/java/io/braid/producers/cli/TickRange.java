package io.braid.producers.cli;

import picocli.CommandLine;

/**
 * A range of whole ticks written {@code MIN-MAX} (or one number N for N-N), e.g. {@code 8-24}. Only the syntax is
 * checked here; whether the range makes sense (1 <= MIN <= MAX) is checked where it is used, with the other option
 * problems.
 */
public record TickRange(int min, int max) {

    /** Parses {@code MIN-MAX} or {@code N}; throws IllegalArgumentException saying what is expected. */
    public static TickRange parse(String value) {
        String v = value == null ? "" : value.trim();
        String[] p = v.split("-", 2);
        try {
            int a = Integer.parseInt(p[0].trim());
            int b = p.length == 1 ? a : Integer.parseInt(p[1].trim());
            return new TickRange(a, b);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a tick range: use MIN-MAX, e.g. 8-24 or 1-2");
        }
    }

    /** {@code MIN-MAX}, what {@link #parse} reads. */
    @Override
    public String toString() {
        return min + "-" + max;
    }

    /**
     * picocli converter; picocli names the option in the error: {@code Invalid value for option '--segment-ticks':
     * 'long' is not a tick range: ...}.
     */
    public static final class Converter implements CommandLine.ITypeConverter<TickRange> {
        @Override
        public TickRange convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
