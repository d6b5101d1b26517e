package io.braid.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.cli.BraidCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The demo end to end on the embedded default: stack, robots with faults, the Flink job, the report. */
class DemoIT {
    @Test
    @Timeout(240)
    void demoStreamsRobotsThroughTheJobAndReportsWindows() {
        CommandLine cli = BraidCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute(
                "demo", "--duration", "12s", "--robots", "2", "--malformed", "0.05", "--checkpoint-interval-ms", "500");
        String text = out.toString();
        assertEquals(0, code, text);
        assertTrue(text.contains("demo report"), text);
        Matcher windows = Pattern.compile("mm\\.windows\\s+(\\d+) records").matcher(text);
        assertTrue(windows.find(), text);
        int committed = Integer.parseInt(windows.group(1));
        // 2 robots x 12 one-second windows; the newest ones stay open (no later data moves the watermark)
        assertTrue(committed >= 8 && committed <= 24, "committed windows " + committed + "\n" + text);
        assertTrue(text.contains("windows emitted"), text);
        Matcher dlq = Pattern.compile("mm\\.dlq\\s+(\\d+) records").matcher(text);
        assertTrue(dlq.find() && Integer.parseInt(dlq.group(1)) > 0, "malformed records must reach mm.dlq\n" + text);
    }
}
