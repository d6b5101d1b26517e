package io.braid.trainer.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.trainer.model.ModelStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The hot-swap holder on its background loader: leases, ordering, the objective filter and the artifact cache. */
@Timeout(120)
class ModelSourceTest {
    @TempDir
    static Path dir;

    static ModelStore.Artifact a1, a2;

    @BeforeAll
    static void checkpoints() throws Exception {
        a1 = ScoringFixtures.checkpoint(dir.resolve("m1"), "comm", 11);
        a2 = ScoringFixtures.checkpoint(dir.resolve("m2"), "comm", 12);
    }

    static ModelVersion v(ModelStore.Artifact a, String name, long created) {
        return ScoringFixtures.version(a, name, "comm", created, ScoringFixtures.START);
    }

    static ModelSource.Outcome await(java.util.concurrent.CompletableFuture<ModelSource.Outcome> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    @Test
    void aSwapClosesTheOldModelOnlyAfterItsLastLeaseIsReleased() throws Exception {
        MultimodalWindow w = ScoringFixtures.window(ScoringFixtures.dataset(4), 0, "robot-0");
        try (ScoringMetrics metrics = new ScoringMetrics();
                ModelSource s = ModelSource.background(new FileArtifactFetcher(null), null, null, metrics, m -> {})) {
            assertNull(s.acquire(), "no model before the first version");
            assertEquals(
                    ModelSource.Status.LOADED, await(s.offer(v(a1, "v1", 0))).status());
            ModelSource.Lease old = s.acquire();
            float[] before = old.model().embed(w).fused();
            assertEquals(
                    ModelSource.Status.LOADED, await(s.offer(v(a2, "v2", 1))).status());
            assertEquals("v2", s.current().getVersion());
            assertEquals(0, s.closedModels(), "v1 is leased: still open");
            assertArrayEquals(before, old.model().embed(w).fused(), "and still usable after the swap");
            old.close();
            assertEquals(1, s.closedModels());
            try (ModelSource.Lease now = s.acquire()) {
                assertEquals("v2", now.version().getVersion());
            }
            assertEquals(2.0, metrics.snapshot().swaps());
        }
    }

    @Test
    void olderVersionsAndOtherObjectivesAreIgnored() throws Exception {
        try (ScoringMetrics metrics = new ScoringMetrics();
                ModelSource s = ModelSource.background(new FileArtifactFetcher(null), "comm", null, metrics, m -> {})) {
            assertEquals(
                    ModelSource.Status.LOADED, await(s.offer(v(a2, "v2", 5))).status());
            assertEquals(
                    ModelSource.Status.IGNORED_OLDER,
                    await(s.offer(v(a1, "v1", 0))).status());
            assertEquals(
                    ModelSource.Status.IGNORED_OLDER,
                    await(s.offer(v(a2, "v2", 5))).status());
            ModelVersion other = ModelVersion.newBuilder(v(a1, "d9", 9))
                    .setObjective("dimml")
                    .build();
            assertEquals(
                    ModelSource.Status.IGNORED_OBJECTIVE, await(s.offer(other)).status());
            assertEquals("v2", s.current().getVersion());
            assertEquals(1.0, metrics.snapshot().swaps());
        }
    }

    @Test
    void aCachedArtifactLoadsWhenItsSourceIsGone() throws Exception {
        Path cache = dir.resolve("cache");
        Path store = dir.resolve("gone");
        ModelStore.Artifact a = ScoringFixtures.checkpoint(store, "comm", 13);
        ModelVersion v = v(a, "v7", 0);
        try (ScoringMetrics metrics = new ScoringMetrics();
                ModelSource s = ModelSource.background(new FileArtifactFetcher(null), null, cache, metrics, m -> {})) {
            assertEquals(ModelSource.Status.LOADED, await(s.offer(v)).status());
        }
        assertTrue(Files.exists(cache.resolve(a.sha256() + ".ckpt")));
        Files.delete(Path.of(java.net.URI.create(a.uri())));
        ArtifactFetcher nothing = uri -> {
            throw new NoSuchFileException(uri);
        };
        try (ScoringMetrics metrics = new ScoringMetrics();
                ModelSource s = ModelSource.background(nothing, null, cache, metrics, m -> {})) {
            assertEquals(ModelSource.Status.LOADED, await(s.offer(v)).status());
        }
        try (ScoringMetrics metrics = new ScoringMetrics();
                ModelSource s = ModelSource.background(nothing, null, dir.resolve("empty-cache"), metrics, m -> {})) {
            ModelSource.Outcome o = await(s.offer(v));
            assertEquals(ModelSource.Status.FAILED, o.status());
            assertEquals(ModelSource.FailureReason.MISSING_ARTIFACT, o.reason());
            assertEquals(1.0, metrics.loadFailures("MISSING_ARTIFACT"));
        }
    }

    @Test
    void aPathInTheModelStoreDirectoryIsFoundUnderAnotherMount() throws Exception {
        // the trainer wrote file:/data/models/x.ckpt; the scorer mounts the same volume elsewhere
        Path elsewhere = dir.resolve("m1");
        byte[] want = Files.readAllBytes(Path.of(java.net.URI.create(a1.uri())));
        String fileName = Path.of(java.net.URI.create(a1.uri())).getFileName().toString();
        byte[] got = new FileArtifactFetcher(elsewhere).fetch("file:///data/models/" + fileName);
        assertArrayEquals(want, got);
    }
}
