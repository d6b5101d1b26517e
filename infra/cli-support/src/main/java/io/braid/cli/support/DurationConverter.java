package io.braid.cli.support;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine;

/**
 * picocli converter of every {@link Duration} option (bare numbers are seconds). picocli names the option in the error:
 * {@code Invalid value for option '--duration': 'soon' is not a duration: use e.g. ...}.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /**
     * For options that keep a {@code long} of milliseconds and say so in their name ({@code --grace-ms}): the same parser,
     * bare numbers are milliseconds, so {@code --grace-ms 500} and {@code --grace-ms 0.5s} agree.
     */
    public static final class Millis implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Durations.parse(value, ChronoUnit.MILLIS).toMillis();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
