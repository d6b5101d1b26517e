package io.braid.trainer.model;

import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Where models live. As static helpers: a saved model is a directory with {@code config.json} (the architecture, enough
 * to rebuild the parameter layout) and {@code params.bin}; writes go to a temporary sibling directory that is renamed
 * into place, so a reader never sees a half-written model. As an interface: a store of immutable, named, checksummed
 * artifacts (the online trainer's checkpoints = model versions), which a local directory ({@link LocalModelStore}, any
 * mounted path) or an object store (PUT is atomic, the checksum goes into the object's metadata) implements.
 */
public interface ModelStore {
    String CONFIG = "config.json", PARAMS = "params.bin";

    /** A stored artifact: its name, where readers find it, the SHA-256 (hex) of its bytes, its size. */
    record Artifact(String name, String uri, String sha256, long bytes) {}

    /** Writes an artifact's bytes. */
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** The stored bytes do not match the recorded checksum. */
    final class CorruptArtifactException extends IOException {
        public CorruptArtifactException(String message) {
            super(message);
        }
    }

    /**
     * Stores {@code body} under {@code name} atomically with its SHA-256: until this returns, readers see either no
     * artifact of that name or nothing at all; afterwards the complete one. Names are never overwritten.
     */
    Artifact put(String name, Body body) throws IOException;

    /** The artifact's bytes, verified against the recorded checksum ({@link CorruptArtifactException} otherwise). */
    byte[] read(String name) throws IOException;

    /** Complete artifacts (bytes and checksum both stored), oldest first (names sort in creation order). */
    List<Artifact> list() throws IOException;

    void delete(String name) throws IOException;

    /**
     * Deletes the oldest artifacts beyond the newest {@code keep}, never the one named {@code protect} (the version
     * mm.models names as latest, which may be older when a publication failed). Returns the deleted names.
     */
    default List<String> retain(int keep, String protect) throws IOException {
        List<Artifact> all = list();
        List<String> deleted = new java.util.ArrayList<>();
        for (int i = 0; i < all.size() - keep; i++) {
            String n = all.get(i).name();
            if (n.equals(protect)) continue;
            delete(n);
            deleted.add(n);
        }
        return deleted;
    }

    static void save(MultimodalModel model, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            Files.writeString(tmp.resolve(CONFIG), model.config().toJson(), StandardCharsets.UTF_8);
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(PARAMS)))) {
                model.params().save(o);
            }
            Path old = null;
            if (Files.exists(abs)) {
                old = abs.resolveSibling("." + abs.getFileName() + ".old-" + UUID.randomUUID());
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) deleteTree(old);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    static MultimodalModel load(Path dir, NDManager manager) throws IOException {
        ModelConfig cfg = ModelConfig.fromJson(Files.readString(dir.resolve(CONFIG), StandardCharsets.UTF_8));
        MultimodalModel model = MultimodalModel.create(cfg, manager);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve(PARAMS)))) {
            model.params().load(in);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
