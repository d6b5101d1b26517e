package io.braid.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class InMemorySchemaRegistryTest {
    static final String V1 = "{\"type\":\"record\",\"name\":\"Ev\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
    /** V1 plus an optional field: backward and forward compatible with V1. */
    static final String V2 = "{\"type\":\"record\",\"name\":\"Ev\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":[\"null\",\"int\"],\"default\":null}]}";
    /** Drops "a" and adds a required "c": neither backward nor forward compatible with V1. */
    static final String BAD = "{\"type\":\"record\",\"name\":\"Ev\",\"fields\":[{\"name\":\"c\",\"type\":\"int\"}]}";
    /** V2 without "a": reads V2 data (backward) but V2 cannot read it (a has no default). */
    static final String V3 = "{\"type\":\"record\",\"name\":\"Ev\",\"fields\":["
            + "{\"name\":\"b\",\"type\":[\"null\",\"int\"],\"default\":null}]}";

    @Test
    void sameSchemaSameIdAcrossSubjectsAndWhitespace() {
        InMemorySchemaRegistry r = new InMemorySchemaRegistry();
        int id = r.register("a-value", V1);
        assertEquals(id, r.register("a-value", V1));
        assertEquals(id, r.register("b-value", V1.replace(",", " , ")));
        assertEquals(List.of(1), r.versions("a-value"));
        assertEquals(List.of("a-value", "b-value"), r.subjects());
        int id2 = r.register("a-value", V2);
        assertNotEquals(id, id2);
        assertEquals(List.of(1, 2), r.versions("a-value"));
        assertEquals(2, r.latest("a-value").version());
        assertEquals(id, r.version("a-value", 1).id());
        assertEquals(id2, r.lookup("a-value", V2).orElseThrow().id());
        assertTrue(r.lookup("b-value", V2).isEmpty());
        assertTrue(r.lookup("nope", V2).isEmpty());
    }

    @Test
    void schemasDifferingOnlyInDefaultOrDocGetDifferentIds() {
        Schema a = SchemaBuilder.record("R")
                .fields()
                .name("x")
                .type()
                .intType()
                .intDefault(1)
                .endRecord();
        Schema b = SchemaBuilder.record("R")
                .fields()
                .name("x")
                .type()
                .intType()
                .intDefault(2)
                .endRecord();
        Schema c = SchemaBuilder.record("R")
                .doc("docs")
                .fields()
                .name("x")
                .type()
                .intType()
                .intDefault(1)
                .endRecord();
        InMemorySchemaRegistry r = new InMemorySchemaRegistry();
        r.setCompatibility(null, CompatibilityLevel.NONE);
        int ia = r.register("s", a);
        int ib = r.register("s", b);
        int ic = r.register("s", c);
        assertEquals(3, List.of(ia, ib, ic).stream().distinct().count());
    }

    @Test
    void incompatibleIs409WithDetails() {
        InMemorySchemaRegistry r = new InMemorySchemaRegistry();
        r.register("s", V1);
        RegistryException e = assertThrows(RegistryException.class, () -> r.register("s", BAD));
        assertEquals(409, e.status());
        assertTrue(e.isIncompatible());
        assertTrue(e.getMessage().contains("READER_FIELD_MISSING_DEFAULT_VALUE"), e.getMessage());
        assertFalse(r.testCompatibility("s", BAD));
        assertTrue(r.testCompatibility("s", V2));
        assertTrue(r.testCompatibility("fresh", BAD), "no versions: anything goes");
        RegistryException invalid = assertThrows(RegistryException.class, () -> r.register("s", "{not json"));
        assertEquals(RegistryException.INVALID_SCHEMA, invalid.errorCode());
    }

    private static boolean accepts(CompatibilityLevel level, String... sequence) {
        InMemorySchemaRegistry r = new InMemorySchemaRegistry();
        r.setCompatibility("s", CompatibilityLevel.NONE);
        for (int i = 0; i < sequence.length - 1; i++) r.register("s", sequence[i]);
        r.setCompatibility("s", level);
        try {
            r.register("s", sequence[sequence.length - 1]);
            return true;
        } catch (RegistryException e) {
            assertEquals(409, e.status());
            return false;
        }
    }

    @Test
    void allSevenLevels() {
        // V1 -> V2: optional field added, fully compatible
        for (CompatibilityLevel l : CompatibilityLevel.values()) assertTrue(accepts(l, V1, V2), l.name());
        // V1 -> BAD: only NONE
        for (CompatibilityLevel l : CompatibilityLevel.values()) {
            assertEquals(l == CompatibilityLevel.NONE, accepts(l, V1, BAD), l.name());
        }
        // V2 -> V3 drops a field without default: backward yes, forward no
        assertTrue(accepts(CompatibilityLevel.BACKWARD, V2, V3));
        assertFalse(accepts(CompatibilityLevel.FORWARD, V2, V3));
        assertFalse(accepts(CompatibilityLevel.FULL, V2, V3));
        // transitive: V5 (b required) reads V2 data but not V1 data, which has no b
        String v5 = "{\"type\":\"record\",\"name\":\"Ev\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                + "{\"name\":\"b\",\"type\":[\"null\",\"int\"]}]}";
        assertTrue(accepts(CompatibilityLevel.BACKWARD, V1, V2, v5));
        assertFalse(accepts(CompatibilityLevel.BACKWARD_TRANSITIVE, V1, V2, v5));
        assertTrue(accepts(CompatibilityLevel.FORWARD, BAD, V1, V2));
        assertFalse(accepts(CompatibilityLevel.FORWARD_TRANSITIVE, BAD, V1, V2));
        assertTrue(accepts(CompatibilityLevel.FULL, BAD, V1, V2));
        assertFalse(accepts(CompatibilityLevel.FULL_TRANSITIVE, BAD, V1, V2));
    }

    @Test
    void globalAndSubjectConfig() {
        InMemorySchemaRegistry r = new InMemorySchemaRegistry();
        assertEquals(CompatibilityLevel.BACKWARD, r.getCompatibility(null));
        assertEquals(CompatibilityLevel.BACKWARD, r.getCompatibility("s"));
        r.setCompatibility(null, CompatibilityLevel.FULL);
        assertEquals(CompatibilityLevel.FULL, r.getCompatibility("s"));
        assertTrue(r.subjectCompatibility("s").isEmpty());
        r.setCompatibility("s", CompatibilityLevel.NONE);
        assertEquals(CompatibilityLevel.NONE, r.getCompatibility("s"));
        assertEquals(CompatibilityLevel.FULL, r.getCompatibility("t"));
        assertEquals(CompatibilityLevel.NONE, r.deleteSubjectCompatibility("s").orElseThrow());
        assertEquals(CompatibilityLevel.FULL, r.getCompatibility("s"));
        RegistryException e = assertThrows(RegistryException.class, () -> CompatibilityLevel.parse("SIDEWAYS"));
        assertEquals(RegistryException.INVALID_COMPATIBILITY_LEVEL, e.errorCode());
    }

    @Test
    void deleteAndNotFoundCodes() {
        InMemorySchemaRegistry r = new InMemorySchemaRegistry();
        int id = r.register("s", V1);
        r.register("s", V2);
        assertEquals(List.of(1, 2), r.deleteSubject("s", false));
        assertEquals(code(() -> r.latest("s")), RegistryException.SUBJECT_NOT_FOUND);
        assertEquals(code(() -> r.versions("s")), RegistryException.SUBJECT_NOT_FOUND);
        assertTrue(r.subjects().isEmpty());
        assertTrue(r.schemaById(id).contains("Ev"), "ids stay readable after a delete");
        assertEquals(id, r.register("s", V1));
        assertEquals(3, r.latest("s").version(), "versions continue after a soft delete");
        assertEquals(code(() -> r.version("s", 1)), RegistryException.VERSION_NOT_FOUND);
        assertEquals(code(() -> r.version("s", 99)), RegistryException.VERSION_NOT_FOUND);
        assertEquals(code(() -> r.version("s", 0)), RegistryException.INVALID_VERSION);
        assertEquals(code(() -> r.schemaById(999)), RegistryException.SCHEMA_NOT_FOUND);
        assertEquals(List.of(1, 2, 3), r.deleteSubject("s", true));
        assertEquals(code(() -> r.deleteSubject("s", false)), RegistryException.SUBJECT_NOT_FOUND);
    }

    @Test
    void hardDeletedIdsAreNotReissuedAfterCompaction() {
        List<InMemorySchemaRegistry.StoreRecord> journal = new ArrayList<>();
        InMemorySchemaRegistry r = new InMemorySchemaRegistry() {
            @Override
            protected void persist(List<StoreRecord> records) {
                journal.addAll(records);
            }
        };
        r.register("keep", V1);
        r.register("gone", BAD);
        r.deleteSubject("gone", false);
        r.deleteSubject("gone", true);
        // what a compacted topic keeps: the last value per key, tombstoned keys removed
        Map<String, InMemorySchemaRegistry.StoreRecord> compacted = new LinkedHashMap<>();
        for (InMemorySchemaRegistry.StoreRecord rec : journal) {
            compacted.remove(rec.key().toString());
            if (rec.value() != null) compacted.put(rec.key().toString(), rec);
        }
        InMemorySchemaRegistry replayed = new InMemorySchemaRegistry();
        compacted.values().forEach(replayed::apply);
        assertEquals(code(() -> replayed.schemaById(2)), RegistryException.SCHEMA_NOT_FOUND);
        assertEquals(3, replayed.register("new", V3.replace("Ev", "Other")), "id 2 was issued once, never again");
    }

    private static int code(Runnable call) {
        return assertThrows(RegistryException.class, call::run).errorCode();
    }
}
