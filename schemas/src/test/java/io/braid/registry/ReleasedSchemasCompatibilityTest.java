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
 * Build check: every contract in src/main/avro stays BACKWARD compatible with its counterpart in the newest
 * schemas/released/vN (the new schema can read everything written with the released one), and no released contract
 * disappears. See schemas/README.md for how to release a version.
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

    static Path newestRelease() throws IOException {
        try (Stream<Path> s = Files.list(RELEASED)) {
            return s.filter(p -> p.getFileName().toString().matches("v\\d+"))
                    .max(Comparator.comparingInt(
                            p -> Integer.parseInt(p.getFileName().toString().substring(1))))
                    .orElseThrow(() -> new AssertionError("no released/vN directory"));
        }
    }

    @Test
    void everyContractIsBackwardCompatibleWithTheNewestRelease() throws IOException {
        Path release = newestRelease();
        Map<String, Schema> released = load(release);
        Map<String, Schema> current = load(CURRENT);
        assertFalse(released.isEmpty());
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Schema> e : released.entrySet()) {
            Schema now = current.get(e.getKey());
            if (now == null) {
                problems.add(e.getKey() + " was released in " + release + " but is gone from " + CURRENT);
                continue;
            }
            SchemaCompatibility.SchemaPairCompatibility c =
                    SchemaCompatibility.checkReaderWriterCompatibility(now, e.getValue());
            if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                problems.add(e.getKey() + " cannot read data written with " + release.getFileName() + ": "
                        + c.getResult().getIncompatibilities());
            }
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
