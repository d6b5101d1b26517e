package io.braid.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.braid.trainer.score.ScoringOptions;
import io.braid.trainer.score.StalenessPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `score` flags map one to one onto ScoringOptions, its defaults are ScoringOptions' own, bad values exit 2. */
class ScoreCommandTest {
    @Test
    void defaultsAreTheOptionsDefaults() {
        ScoreCommand c = new ScoreCommand();
        new CommandLine(c).parseArgs();
        assertEquals(ScoringOptions.defaults(), c.options());
    }

    @Test
    void flagsBecomeOptions() {
        ScoreCommand c = new ScoreCommand();
        new CommandLine(c)
                .parseArgs(
                        "--objective", "dimml",
                        "--max-batch-size", "8",
                        "--max-batch-wait", "250ms",
                        "--max-waiting-windows", "64",
                        "--max-model-age", "0s",
                        "--staleness-policy", "HOLD",
                        "--model-cache-dir", "cache",
                        "--embeddings-topic", "x.embeddings",
                        "--stream-threads", "2");
        ScoringOptions o = c.options();
        assertEquals("dimml", o.objective());
        assertEquals(8, o.maxBatchSize());
        assertEquals(Duration.ofMillis(250), o.maxBatchWait());
        assertEquals(64, o.maxWaitingWindows());
        assertEquals(Duration.ZERO, o.maxModelAge());
        assertEquals(false, o.stalenessGuard());
        assertEquals(StalenessPolicy.HOLD, o.stalenessPolicy());
        assertEquals(Path.of("cache"), o.modelCacheDir());
        assertEquals("x.embeddings", o.embeddingsTopic());
        assertEquals(2, o.streamThreads());
        assertNull(o.modelStoreDir());
    }

    @Test
    void inconsistentOptionsExitWithUsageError() {
        int rc = new CommandLine(new ScoreCommand()).execute("--max-batch-size", "64", "--max-waiting-windows", "10");
        assertEquals(2, rc);
    }
}
