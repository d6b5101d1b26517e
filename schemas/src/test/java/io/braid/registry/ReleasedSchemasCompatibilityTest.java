package io.braid.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Build check: every contract in src/main/avro stays BACKWARD compatible with its counterpart in every
 * schemas/released/vN (the new schema can read everything written with a released one), each release reads the one
 * before it (v1 -> v2 -> ... -> current), and no released contract disappears. See schemas/README.md for how to release a version.
 */
@Timeout(60)
class ReleasedSchemasCompatibilityTest {
    static final Path CURRENT = Path.of("src/main/avro");
    static final Path RELEASED = Path.of("released");

    /** Parses a directory of .avsc files, common/ first (shared named types), keyed by full name. */
    static Map<String, Schema> load(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".avsc"))
                    .sorted(Comparator.comparing((Path p) ->
                                    !p.getParent().getFileName().toString().equals("common"))
                            .thenComparing(Path::toString))
                    .toList();
        }
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> out = new LinkedHashMap<>();
        for (Path f : files) {
            Schema schema = parser.parse(f.toFile());
            out.put(schema.getFullName(), schema);
        }
        return out;
    }

    /** Every released/vN, oldest first. */
    static List<Path> releases() throws IOException {
        try (Stream<Path> s = Files.list(RELEASED)) {
            List<Path> all = s.filter(p -> p.getFileName().toString().matches("v\\d+"))
                    .sorted(Comparator.comparingInt(
                            p -> Integer.parseInt(p.getFileName().toString().substring(1))))
                    .toList();
            if (all.isEmpty()) throw new AssertionError("no released/vN directory");
            return all;
        }
    }

    static Path newestRelease() throws IOException {
        List<Path> all = releases();
        return all.get(all.size() - 1);
    }

    /** Problems when the contracts of {@code newer} cannot read data written with {@code older}. */
    static List<String> backwardProblems(
            String olderName, Map<String, Schema> older, String newerName, Map<String, Schema> newer) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Schema> e : older.entrySet()) {
            Schema now = newer.get(e.getKey());
            if (now == null) {
                problems.add(e.getKey() + " was released in " + olderName + " but is gone from " + newerName);
                continue;
            }
            SchemaCompatibility.SchemaPairCompatibility c =
                    SchemaCompatibility.checkReaderWriterCompatibility(now, e.getValue());
            if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                problems.add(e.getKey() + " in " + newerName + " cannot read data written with " + olderName + ": "
                        + c.getResult().getIncompatibilities());
            }
        }
        return problems;
    }

    @Test
    void everyContractIsBackwardCompatibleWithTheNewestRelease() throws IOException {
        Path release = newestRelease();
        Map<String, Schema> released = load(release);
        assertFalse(released.isEmpty());
        List<String> problems = backwardProblems(release.toString(), released, CURRENT.toString(), load(CURRENT));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** v1 -> v2 -> ... -> current: each release reads the one before, and the current contracts read every one. */
    @Test
    void theReleasesFormABackwardCompatibleChainUpToTheCurrentContracts() throws IOException {
        List<Path> all = releases();
        assertTrue(all.size() >= 2, "v1 and v2 (53-bit seeds) are released: " + all);
        Map<String, Schema> current = load(CURRENT);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Map<String, Schema> older = load(all.get(i));
            if (i + 1 < all.size()) {
                problems.addAll(backwardProblems(
                        all.get(i).toString(), older, all.get(i + 1).toString(), load(all.get(i + 1))));
            }
            problems.addAll(backwardProblems(all.get(i).toString(), older, CURRENT.toString(), current));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theCheckCatchesABreakingChange() throws IOException {
        Map<String, Schema> released = load(newestRelease());
        Schema sensor = released.get("io.braid.avro.SensorChunk");
        String broken =
                sensor.toString().replace("\"name\":\"seq\",\"type\":\"long\"", "\"name\":\"seq\",\"type\":\"string\"");
        Schema now = new Schema.Parser().parse(broken);
        assertTrue(
                SchemaCompatibility.checkReaderWriterCompatibility(now, sensor).getType()
                        == SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE);
    }
}
