package io.braid.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class DurationsTest {
    @Test
    void acceptsUnitsCompoundsFractionsAndIso() {
        assertEquals(Duration.ofSeconds(45), Durations.parse("45s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2min"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h 30m"));
        assertEquals(Duration.ofMillis(60_500), Durations.parse("1m500ms"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofDays(2), Durations.parse("2d"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("PT45S"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("pt45s"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("PT1H30M"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250", ChronoUnit.MILLIS));
        assertEquals(Duration.ofSeconds(2), Durations.parse("2s", ChronoUnit.MILLIS));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"-1s", "-5", "PT-5S", "-PT5S", "soon", "3 fortnights", "", "s", "1.s", "1h30", "5x", "1e3s"})
    void refusesNegativesAndNonsense(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("is not a duration"), e.getMessage());
        assertTrue(e.getMessage().contains("45s"), e.getMessage());
    }

    @Test
    void refusesWhatDoesNotFitInMilliseconds() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("999999999999999999d"));
    }

    @Test
    void instants() {
        assertEquals(7, Durations.parseInstant("now", 7));
        assertEquals(1_735_689_600_000L, Durations.parseInstant("2025-01-01T00:00:00Z", 0));
        assertEquals(123, Durations.parseInstant("123", 0));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseInstant("yesterday", 0));
    }

    @Command(name = "t")
    static final class Cmd {
        @Option(names = "--duration", converter = DurationConverter.class)
        Duration duration = Duration.ZERO;

        @Option(names = "--grace-ms", converter = DurationConverter.Millis.class)
        long graceMs = 500;
    }

    @Test
    void convertersNameTheOptionInTheirError() {
        Cmd c = new Cmd();
        new CommandLine(c).parseArgs("--duration", "1h30m", "--grace-ms", "1.5s");
        assertEquals(Duration.ofMinutes(90), c.duration);
        assertEquals(1500, c.graceMs);
        new CommandLine(c).parseArgs("--grace-ms", "750");
        assertEquals(750, c.graceMs);
        CommandLine.ParameterException e = assertThrows(
                CommandLine.ParameterException.class, () -> new CommandLine(new Cmd()).parseArgs("--duration", "-3s"));
        assertTrue(e.getMessage().contains("--duration"), e.getMessage());
        assertTrue(e.getMessage().contains("not a duration"), e.getMessage());
    }
}
