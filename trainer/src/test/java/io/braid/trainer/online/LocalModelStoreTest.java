package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.trainer.model.LocalModelStore;
import io.braid.trainer.model.ModelStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalModelStoreTest {
    @TempDir
    Path dir;

    static ModelStore.Body text(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anArtifactAppearsWholeWithItsSha256AndNoTemporaryFileIsLeft() throws Exception {
        LocalModelStore s = new LocalModelStore(dir);
        ModelStore.Artifact a = s.put("v1", text("hello"));
        String want = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest("hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals(want, a.sha256());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), s.read("v1"));
        assertEquals(
                List.of("v1"), s.list().stream().map(ModelStore.Artifact::name).toList());
        try (Stream<Path> f = Files.list(dir)) {
            assertTrue(f.noneMatch(p -> p.getFileName().toString().startsWith(".")), "temporary file left");
        }
    }

    @Test
    void aFailingWriterLeavesNoArtifactAndTheOldLatestStands() throws Exception {
        LocalModelStore s = new LocalModelStore(dir);
        s.put("v1", text("one"));
        assertThrows(
                IOException.class,
                () -> s.put("v2", out -> {
                    out.write(1);
                    throw new IOException("disk full");
                }));
        assertEquals(
                List.of("v1"), s.list().stream().map(ModelStore.Artifact::name).toList());
        // an artifact whose checksum never made it (crash between the renames) is not listed
        Files.writeString(dir.resolve("v3.ckpt"), "half");
        assertEquals(
                List.of("v1"), s.list().stream().map(ModelStore.Artifact::name).toList());
    }

    @Test
    void changedBytesFailTheChecksum() throws Exception {
        LocalModelStore s = new LocalModelStore(dir);
        s.put("v1", text("original"));
        Files.writeString(s.path("v1"), "tampered");
        assertThrows(ModelStore.CorruptArtifactException.class, () -> s.read("v1"));
    }

    @Test
    void aCorruptLatestFallsBackToThePreviousGoodOne() throws Exception {
        LocalModelStore s = new LocalModelStore(dir);
        s.put("v1", out -> out.write(new byte[] {1}));
        s.put("v2", out -> out.write(new byte[] {2}));
        Files.write(s.path("v2"), new byte[] {9});
        StringBuilder log = new StringBuilder();
        // neither holds a real checkpoint header, so both are refused, newest first, and nothing is opened
        assertEquals(null, OnlineLearner.latestGood(s, log::append));
        assertTrue(log.toString().contains("v2") && log.toString().contains("sha256"), log.toString());
    }

    @Test
    void retentionKeepsTheNewestKAndTheVersionMmModelsNamesAsLatest() throws Exception {
        LocalModelStore s = new LocalModelStore(dir);
        for (int i = 1; i <= 6; i++) s.put("v" + i, text("x" + i));
        List<String> gone = s.retain(2, "v3");
        assertEquals(List.of("v1", "v2", "v4"), gone);
        assertEquals(
                List.of("v3", "v5", "v6"),
                s.list().stream().map(ModelStore.Artifact::name).toList());
    }
}
