package io.braid.producers.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.cli.support.Durations;
import java.io.PrintWriter;
import java.io.StringWriter;
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
