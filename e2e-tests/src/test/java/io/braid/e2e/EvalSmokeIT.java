package io.braid.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.cli.BraidCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `./braid eval --smoke` for every objective: trains for real (small), probes, ends with a parseable RESULT line. */
class EvalSmokeIT {
    @ParameterizedTest
    @ValueSource(strings = {"comm", "decur", "cross", "crossself", "dimml"})
    @Timeout(180)
    void smokeEvalTrainsProbesAndPrintsResult(String objective) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = BraidCli.commandLine().execute("eval", "--objective", objective, "--smoke");
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        String result = out.lines()
                .filter(l -> l.startsWith("RESULT eval objective=" + objective))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line in\n" + out));
        Map<String, Double> values = new HashMap<>();
        for (String kv : result.substring("RESULT eval ".length()).split(" ")) {
            String[] p = kv.split("=", 2);
            if (!p[0].equals("objective")) values.put(p[0], Double.parseDouble(p[1]));
        }
        values.forEach((k, v) -> assertTrue(v >= 0 && v <= 1, k + "=" + v + " out of [0,1]"));
        if (objective.equals("dimml")) {
            assertTrue(values.containsKey("acc_weighted"), result);
        } else {
            // even 3 small epochs put the redundant factor (object type) well above chance (0.25)
            assertTrue(values.get("R") > 0.5, result);
            assertTrue(values.containsKey("S1_ceiling") && values.containsKey("S2"), result);
        }
    }
}
