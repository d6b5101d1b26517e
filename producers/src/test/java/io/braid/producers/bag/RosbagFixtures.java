package io.braid.producers.bag;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real ROS 2 recordings of shared/fixtures/rosbag2 (shared/fixtures/rosbag2/README.md), read in place: found by
 * walking up from the module directory to a folder that holds {@code shared/fixtures/rosbag2} beside the repository.
 * Tests that need them are skipped with a message where that folder is absent; they are never copied into Braid.
 */
public final class RosbagFixtures {
    private RosbagFixtures() {}

    /** The fixture root, or null when there is none. */
    public static Path rootOrNull() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("shared/fixtures/rosbag2");
            if (Files.isDirectory(f)) return f;
        }
        return null;
    }

    /** The fixture at relative (e.g. "mcap/talker"); skips the calling test when the fixtures are absent. */
    public static Path require(String relative) {
        Path root = rootOrNull();
        assumeTrue(
                root != null,
                "skipped: the ROS 2 recordings (shared/fixtures/rosbag2 beside the repository) are not on this machine");
        Path p = root.resolve(relative);
        assumeTrue(Files.exists(p), "skipped: fixture " + p + " is absent");
        return p;
    }
}
