package io.braid.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.producers.sim.Rendering;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * `eval`'s benchmark and augmentation options, and seeds run in parallel: synergy cardinalities default to 4, the augmentation knobs reach the
 * pre-training views' parameters, out-of-range values exit 2 before any work, with the reason.
 */
class EvalCommandTest {
    /** Exit code and stderr of `eval` with these arguments (validation fails before anything is trained). */
    static Object[] run(String... args) {
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new EvalCommand()).setErr(new PrintWriter(err)).execute(args);
        return new Object[] {rc, err.toString()};
    }

    @Test
    void cardinalitiesDefaultToFour() {
        EvalCommand c = new EvalCommand();
        new CommandLine(c).parseArgs();
        assertEquals(4, c.s1Values);
        assertEquals(4, c.s2Values);
        new CommandLine(c).parseArgs("--s1-values", "6", "--s2-values", "3");
        assertEquals(6, c.s1Values);
        assertEquals(3, c.s2Values);
    }

    @Test
    void cardinalitiesOutsideTwoToEightExitTwo() {
        for (String[] args :
                new String[][] {{"--s1-values", "1"}, {"--s1-values", "9"}, {"--s2-values", "1"}, {"--s2-values", "9"}
                }) {
            Object[] r = run(args);
            assertEquals(2, r[0], String.join(" ", args));
            assertTrue(((String) r[1]).contains("must be in 2..8"), (String) r[1]);
        }
    }

    /** K2 above the tokenizer's zone words is refused with the missing words named (tokenizer v1: K2 <= 4). */
    @Test
    void k2BeyondTheVocabularyExitsTwoNamingTheMissingZoneWords() {
        for (int k2 = 5; k2 <= 8; k2++) {
            var missing = Rendering.zoneWordsMissingFromVocabulary(k2);
            if (missing.isEmpty()) continue; // the vocabulary holds them: K2 is usable
            Object[] r = run("--s2-values", String.valueOf(k2));
            assertEquals(2, r[0]);
            assertTrue(((String) r[1]).contains(missing.get(0)), (String) r[1]);
        }
    }

    @Test
    void augmentationOptionsReachTheViewsAndTheDefaultsAreTheSection67Ones() {
        EvalCommand c = new EvalCommand();
        new CommandLine(c).parseArgs();
        assertEquals(io.braid.augment.AugmentationParams.DEFAULTS, c.augmentation());
        new CommandLine(c).parseArgs("--sensor-drop-p", "0", "--modality-dropout-p", "0.3", "--hue", "0.02");
        var a = c.augmentation();
        assertEquals(0.0, a.sensorDropP());
        assertEquals(0.3, a.modalityDropoutP());
        assertEquals(0.02, a.hue());
        assertEquals(io.braid.augment.AugmentationParams.DEFAULTS.blurP(), a.blurP());
    }

    @Test
    void probabilitiesOutsideTheirRangeExitTwo() {
        for (String[] args : new String[][] {{"--sensor-drop-p", "1.5"}, {"--modality-dropout-p", "1"}}) {
            Object[] r = run(args);
            assertEquals(2, r[0], String.join(" ", args));
            assertTrue(((String) r[1]).contains("--sensor-drop-p must be in [0,1]"), (String) r[1]);
        }
    }

    @Test
    void seedsTrainedInParallelGiveTheSequentialResultsToTheLastDigit() {
        String sequential = resultLine("--parallel", "1"), parallel = resultLine("--parallel", "2");
        assertTrue(sequential.startsWith("RESULT eval objective=comm R="), sequential);
        assertTrue(sequential.contains(" S1_ci="), "two seeds give intervals: " + sequential);
        assertEquals(sequential, parallel);
    }

    /** The RESULT line of a two-seed smoke evaluation with one pre-training epoch. */
    private static String resultLine(String... extra) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        int rc;
        try {
            String[] base = {"--smoke", "--seeds", "2", "--epochs", "1", "--no-mlp"};
            String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
            System.arraycopy(extra, 0, args, base.length, extra.length);
            rc = new CommandLine(new EvalCommand()).execute(args);
        } finally {
            System.setOut(was);
        }
        assertEquals(0, rc);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.startsWith("RESULT "))
                .findFirst()
                .orElseThrow();
    }
}
