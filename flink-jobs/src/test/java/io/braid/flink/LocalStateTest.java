package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The state directory's choice of snapshot, its lock and --fresh; the cluster entry's "only when given" settings. */
class LocalStateTest {

    static Path snapshot(Path dir, long mtime) throws Exception {
        Files.createDirectories(dir);
        Path meta = Files.write(dir.resolve("_metadata"), new byte[] {1});
        assertTrue(meta.toFile().setLastModified(mtime));
        return dir;
    }

    @Test
    void theNewestCompletedSnapshotWinsAndIncompleteOnesAreIgnored(@TempDir Path tmp) throws Exception {
        try (LocalState s = LocalState.open(tmp.resolve("job"), false)) {
            assertTrue(s.latest().isEmpty());
            snapshot(s.checkpointsDir().resolve("job-a/chk-9"), 1_000_000L);
            Path newest = snapshot(s.checkpointsDir().resolve("job-b/chk-3"), 3_000_000L);
            snapshot(s.savepointsDir().resolve("savepoint-1"), 2_000_000L);
            Files.createDirectories(s.checkpointsDir().resolve("job-b/chk-4")); // in flight: no _metadata
            assertEquals(newest, s.latest().orElseThrow().dir());
            assertFalse(s.latest().orElseThrow().savepoint());

            Path sp = snapshot(s.savepointsDir().resolve("savepoint-2"), 4_000_000L);
            assertEquals(sp, s.latest().orElseThrow().dir());
            assertTrue(s.latest().orElseThrow().savepoint());

            s.pruneExcept(s.latest().orElseThrow());
            assertEquals(1, LocalState.snapshots(s.dir()).size());
            assertEquals(sp, s.latest().orElseThrow().dir());
        }
    }

    @Test
    void oneRunHoldsTheStateAndFreshMovesItAside(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("job");
        try (LocalState s = LocalState.open(dir, false)) {
            snapshot(s.checkpointsDir().resolve("j/chk-1"), 1_000_000L);
            assertThrows(IllegalStateException.class, () -> LocalState.open(dir, false));
        }
        try (LocalState s = LocalState.open(dir, true)) {
            assertTrue(s.latest().isEmpty(), "--fresh restores nothing");
            assertEquals(1, LocalState.snapshots(tmp.resolve("job.previous")).size(), "the old state is kept aside");
        }
    }

    @Test
    void explicitSnapshotsMustBeComplete(@TempDir Path tmp) throws Exception {
        Path chk = snapshot(tmp.resolve("chk-5"), 1_000_000L);
        assertEquals(chk, LocalState.explicit(chk.resolve("_metadata"), false).dir());
        Files.createDirectories(tmp.resolve("chk-6"));
        assertThrows(IllegalArgumentException.class, () -> LocalState.explicit(tmp.resolve("chk-6"), false));
        LocalRunOptions both = new LocalRunOptions();
        both.fresh = true;
        both.fromCheckpoint = chk;
        assertThrows(IllegalArgumentException.class, both::validate);
    }

    @Test
    void localRunsGetAStableTransactionalIdPrefixPerJobName() {
        String a = LocalWindowJob.transactionalIdPrefix(WindowJobOptions.DEFAULT_TRANSACTIONAL_ID_PREFIX, "a");
        assertEquals(a, LocalWindowJob.transactionalIdPrefix(WindowJobOptions.DEFAULT_TRANSACTIONAL_ID_PREFIX, "a"));
        assertFalse(
                a.equals(LocalWindowJob.transactionalIdPrefix(WindowJobOptions.DEFAULT_TRANSACTIONAL_ID_PREFIX, "b")));
        assertEquals("mine", LocalWindowJob.transactionalIdPrefix("mine", "a"));
    }

    static StreamExecutionEnvironment prepared(String... args) {
        WindowJobMain main = new WindowJobMain();
        new CommandLine(main).parseArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(7);
        return main.prepare(env);
    }

    @Test
    void theClusterJobSetsParallelismAndCheckpointingOnlyWhenGiven() {
        StreamExecutionEnvironment env = prepared("--delivery-guarantee", "AT_LEAST_ONCE");
        assertEquals(7, env.getParallelism(), "flink run -p / the cluster decides");
        assertFalse(env.getCheckpointConfig().isCheckpointingEnabled(), "the cluster's checkpointing decides");

        env = prepared("--parallelism", "3", "--checkpoint-interval-ms", "1500");
        assertEquals(3, env.getParallelism());
        assertEquals(1500, env.getCheckpointConfig().getCheckpointInterval());
    }

    @Test
    void exactlyOnceWithoutAnyCheckpointingIsRefused() {
        CommandLine.ParameterException e =
                assertThrows(CommandLine.ParameterException.class, () -> prepared("--parallelism", "1"));
        assertTrue(e.getMessage().contains("--checkpoint-interval-ms"), e.getMessage());
    }
}
