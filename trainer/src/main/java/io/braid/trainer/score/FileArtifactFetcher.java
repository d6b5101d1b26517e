package io.braid.trainer.score;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Artifacts on a file system: {@code file:} URIs (what {@code LocalModelStore} publishes) and plain paths. When the
 * path does not exist here but a model-store directory is given, the file of the same name in that directory is read:
 * the trainer and the scorer usually mount one volume at different paths.
 */
public final class FileArtifactFetcher implements ArtifactFetcher {
    private final Path storeDir;

    /** {@code storeDir}: where to look for the artifact's file name when its own path is absent (null: nowhere). */
    public FileArtifactFetcher(Path storeDir) {
        this.storeDir = storeDir;
    }

    @Override
    public byte[] fetch(String artifactUri) throws IOException {
        Path p = path(artifactUri);
        if (!Files.exists(p) && storeDir != null && p.getFileName() != null) {
            Path local = storeDir.resolve(p.getFileName().toString());
            if (Files.exists(local)) p = local;
        }
        if (!Files.exists(p)) throw new NoSuchFileException(p.toString(), null, "artifact " + artifactUri);
        return Files.readAllBytes(p);
    }

    static Path path(String artifactUri) throws IOException {
        if (artifactUri.startsWith("file:")) {
            try {
                return Path.of(URI.create(artifactUri));
            } catch (IllegalArgumentException e) {
                throw new IOException("bad file URI " + artifactUri + ": " + e.getMessage(), e);
            }
        }
        int colon = artifactUri.indexOf(':');
        int slash = artifactUri.indexOf('/');
        if (colon > 1 && (slash < 0 || colon < slash))
            throw new IOException("unsupported artifact URI scheme: " + artifactUri + " (this scorer reads file: URIs"
                    + " and paths; an object store needs its own ArtifactFetcher)");
        return Path.of(artifactUri);
    }
}
