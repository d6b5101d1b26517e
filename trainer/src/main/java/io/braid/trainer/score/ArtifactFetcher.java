package io.braid.trainer.score;

import java.io.IOException;

/**
 * Gets a model artifact's bytes from where {@code ModelVersion.artifact_uri} says it is. {@link FileArtifactFetcher}
 * reads local and mounted paths; an object store implements this with a GET. The caller verifies the checksum, so an
 * implementation only moves bytes.
 */
@FunctionalInterface
public interface ArtifactFetcher {
    /** The artifact's bytes; {@link java.nio.file.NoSuchFileException} when it does not exist. */
    byte[] fetch(String artifactUri) throws IOException;
}
