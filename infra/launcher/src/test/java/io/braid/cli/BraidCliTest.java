package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BraidCliTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = BraidCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommand() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String cmd :
                new String[] {"stack", "demo", "produce", "record", "play", "replay", "flink-job", "eval", "bench"}) {
            assertTrue(r.out().contains("  " + cmd + " "), () -> "missing " + cmd + " in\n" + r.out());
        }
        Run bench = run("bench", "--help");
        for (String target : new String[] {"produce", "flink", "train"}) {
            assertTrue(
                    bench.out().contains("  " + target + " "), () -> "missing bench " + target + " in\n" + bench.out());
        }
    }

    @Test
    void nonsenseIsRefusedWithAMessageAndUsageExitCode() {
        Run unknown = run("frobnicate");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("frobnicate"), unknown.err());

        Run badOption = run("stack", "--partitions", "many");
        assertEquals(2, badOption.code());
        assertTrue(badOption.err().contains("--partitions"), badOption.err());

        Run badObjective = run("eval", "--objective", "magic");
        assertEquals(2, badObjective.code());
        assertTrue(badObjective.err().contains("--objective"), badObjective.err());

        Run badDuration = run("demo", "--duration", "soon");
        assertEquals(2, badDuration.code());
        assertTrue(badDuration.err().toLowerCase().contains("duration"), badDuration.err());

        for (String[] args : new String[][] {
            {"bench", "produce", "--robots=-3"},
            {"bench", "produce", "--duration=forever"},
            {"bench", "produce", "--rounds=0"}
        }) {
            assertEquals(2, run(args).code(), String.join(" ", args));
        }
    }
}
