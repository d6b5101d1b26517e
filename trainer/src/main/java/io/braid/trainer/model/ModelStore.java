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
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A saved model is a directory with {@code config.json} (the architecture, enough to rebuild the parameter layout) and
 * {@code params.bin}. Writes go to a temporary sibling directory that is renamed into place, so a reader never sees a
 * half-written model.
 */
public final class ModelStore {
    public static final String CONFIG = "config.json", PARAMS = "params.bin";

    private ModelStore() {}

    public static void save(MultimodalModel model, Path dir) throws IOException {
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

    public static MultimodalModel load(Path dir, NDManager manager) throws IOException {
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
