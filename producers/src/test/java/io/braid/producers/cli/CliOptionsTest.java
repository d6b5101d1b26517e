package io.braid.producers.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.cli.support.Durations;
import io.braid.producers.ProduceRunner;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.producers.sim.SimulatorStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Nonsense options are refused before anything connects: exit code 2 and a message naming the option. */
class CliOptionsTest {
    private static final String OFFLINE = "--bootstrap-servers=127.0.0.1:1";

    record Run(int code, String err) {}

    static Run run(Callable<Integer> command, String... args) {
        CommandLine cmd = new CommandLine(command);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        cmd.setOut(new PrintWriter(new StringWriter()));
        return new Run(cmd.execute(args), err.toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "--robots=-1|robots must be >= 1",
                "--robots=0|robots must be >= 1",
                "--duration=-5s|not a duration",
                "--duration=soon|not a duration",
                "--duration=0s|duration must be > 0",
                "--late=1.5|late fraction must be in [0,1]",
                "--out-of-order=-0.1|out-of-order fraction must be in [0,1]",
                "--drop-vision=2|vision drop rate must be in [0,1]",
                "--duplicates=NaN|duplicate fraction must be in [0,1]",
                "--malformed=7|malformed fraction must be in [0,1]",
                "--malformed-kinds=EXPLODING|EXPLODING",
                "--rate-scale=0|rate scale must be > 0",
                "--jitter=900ms|jitter must be below half a tick",
                "--start-time=yesterday|not a time",
                "--frame-encoding=GIF|GIF",
                "--schema-registry-url=localhost:8081|--schema-registry-url must start with",
                "--partitions=0|--partitions must be >= 1",
                "--segment-ticks=0-2|segment ticks must satisfy 1 <= min <= max, got 0..2",
                "--segment-ticks=5-4|segment ticks must satisfy 1 <= min <= max, got 5..4",
                "--segment-ticks=long|'long' is not a tick range: use MIN-MAX",
                "--segment-ticks=1-|Invalid value for option '--segment-ticks'",
                "--sensor-noise=-0.1|sensor noise must be finite and >= 0",
                "--pixel-noise=NaN|pixel noise must be finite and >= 0",
                "--pixel-noise=Infinity|pixel noise must be finite and >= 0",
                "--no-such-option|Unknown option"
            })
    void produceRefusesNonsense(String caseText) {
        String[] parts = caseText.split("\\|");
        Run r = run(new ProduceCommand(), OFFLINE, "--fast", parts[0]);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(parts[1]), r.err());
    }

    @Test
    void recordAndReplayRefuseNonsense() {
        Run rec = run(
                new RecordCommand(),
                OFFLINE,
                "--output=/tmp/x",
                "--from=2025-01-02T00:00:00Z",
                "--to=2025-01-01T00:00:00Z");
        assertEquals(2, rec.code());
        assertTrue(rec.err().contains("--to must be after --from"), rec.err());
        assertEquals(2, run(new RecordCommand(), OFFLINE).code()); // --output is required
        Run rep = run(new ReplayCommand(), OFFLINE, "--speed=-1", "/tmp");
        assertEquals(2, rep.code());
        assertTrue(rep.err().contains("--speed must be > 0"), rep.err());
        Run missing = run(new ReplayCommand(), OFFLINE, "/no/such/recording.avro");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such recording"), missing.err());
    }

    @Test
    void benchmarkKnobsReachTheSimulatorAndItsSummary() {
        ProduceCommand c = new ProduceCommand();
        new CommandLine(c).parseArgs(OFFLINE);
        SimulatorOptions defaults = c.validated();
        assertEquals(8, defaults.minSegmentTicks());
        assertEquals(24, defaults.maxSegmentTicks());
        assertEquals(0.25, defaults.sensorNoise());
        assertEquals(0.03, defaults.pixelNoise());

        c = new ProduceCommand();
        new CommandLine(c)
                .parseArgs(
                        OFFLINE,
                        "--segment-ticks=1-2",
                        "--sensor-noise=0",
                        "--pixel-noise",
                        "0.1",
                        "--p-bias=0.75",
                        "--color-rule=MISMATCH");
        SimulatorOptions o = c.validated();
        assertEquals(1, o.minSegmentTicks());
        assertEquals(2, o.maxSegmentTicks());
        assertEquals(0.0, o.sensorNoise());
        assertEquals(0.1, o.pixelNoise());
        c = new ProduceCommand();
        new CommandLine(c).parseArgs(OFFLINE, "--segment-ticks=3");
        assertEquals(3, c.validated().minSegmentTicks());
        assertEquals(3, c.validated().maxSegmentTicks());

        StringWriter out = new StringWriter();
        ProduceCommand.printSummary(
                new PrintWriter(out),
                o,
                new ProduceRunner.Result(Map.of(), Map.of(), 0, null, new SimulatorStats(), 1.0));
        assertTrue(
                out.toString()
                        .contains("benchmark p_bias=0.75 color_rule=MISMATCH sensor_noise=0.0 pixel_noise=0.1"
                                + " segment_ticks=1-2"),
                out.toString());
    }

    @Test
    void durations() {
        assertEquals(30_000, Durations.parse("30s").toMillis());
        assertEquals(120_000, Durations.parse("2m").toMillis());
        assertEquals(500, Durations.parse("500ms").toMillis());
        assertEquals(3_600_000, Durations.parse("1h").toMillis());
        assertEquals(1_500, Durations.parse("1.5s").toMillis());
        assertEquals(45_000, Durations.parse("PT45S").toMillis());
        assertEquals(5_400_000, Durations.parse("1h30m").toMillis());
        assertEquals(10_000, Durations.parse("10").toMillis());
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-1s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("3 fortnights"));
    }

    @Test
    void helpListsTheOptions() {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new ProduceCommand());
        cmd.setOut(new PrintWriter(out));
        assertEquals(0, cmd.execute("--help"));
        for (String o :
                new String[] {"--robots", "--duration", "--malformed", "--late", "--clock-skew", "--producer-config"}) {
            assertTrue(out.toString().contains(o), o);
        }
    }
}
