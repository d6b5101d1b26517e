package io.braid.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * The registry's store logic, in memory: global ids per distinct schema, versions per subject, the seven compatibility
 * levels checked with Avro's {@link SchemaCompatibility}, global and per-subject config. Schemas are de-duplicated on an
 * MD5 of their full JSON ({@link Schema#toString()}), not on the Parsing Canonical Form, so two schemas that differ
 * only in a default or a doc get different ids (as in Confluent's registry).
 *
 * <p>Every change is expressed as Confluent-style {@code _schemas} key/value records and goes through {@link
 * #persist(List)} before it is applied, so {@link KafkaSchemaRegistry} only has to write them to a topic and replay them
 * on start.
 */
public class InMemorySchemaRegistry implements SchemaRegistryClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One _schemas record: a JSON key and a JSON value, or a null value for a tombstone. */
    public record StoreRecord(ObjectNode key, ObjectNode value) {}

    private record Version(int id, boolean deleted) {}

    private final String name;
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByHash = new HashMap<>();
    private final Map<String, TreeMap<Integer, Version>> subjects = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int maxId;

    public InMemorySchemaRegistry() {
        this("memory");
    }

    /** @param name shown by {@link #target()} (e.g. the mock:// scope) */
    public InMemorySchemaRegistry(String name) {
        this.name = name;
    }

    /** Hook for durable stores: called with the records of one change before they are applied; throw to abort. */
    protected void persist(List<StoreRecord> records) {}

    /**
     * Hook for durable stores: called (under this registry's lock) before a change is computed, so that a store can
     * refuse writes or first read what others wrote; an id is never chosen from a stale view.
     */
    protected void beforeChange() {}

    private void commit(List<StoreRecord> records) {
        persist(records);
        records.forEach(this::apply);
    }

    /** Applies one store record (a change made here, or one replayed from a journal). */
    public synchronized void apply(StoreRecord r) {
        String keytype = r.key().path("keytype").asText();
        JsonNode subjectNode = r.key().get("subject");
        String subject = subjectNode == null || subjectNode.isNull() ? null : subjectNode.asText();
        switch (keytype) {
            case "SCHEMA" -> {
                int version = r.key().path("version").asInt();
                if (r.value() == null) {
                    TreeMap<Integer, Version> vs = subjects.get(subject);
                    if (vs != null) {
                        vs.remove(version);
                        if (vs.isEmpty()) subjects.remove(subject);
                    }
                    return;
                }
                int id = r.value().path("id").asInt();
                String schema = r.value().path("schema").asText();
                schemasById.put(id, schema);
                idsByHash.putIfAbsent(hash(schema), id);
                maxId = Math.max(maxId, id);
                subjects.computeIfAbsent(subject, s -> new TreeMap<>())
                        .put(version, new Version(id, r.value().path("deleted").asBoolean(false)));
            }
            case "CONFIG" -> {
                CompatibilityLevel level = r.value() == null
                        ? null
                        : CompatibilityLevel.parse(
                                r.value().path("compatibilityLevel").asText());
                if (subject == null) {
                    globalLevel = level == null ? CompatibilityLevel.BACKWARD : level;
                } else if (level == null) {
                    subjectLevels.remove(subject);
                } else {
                    subjectLevels.put(subject, level);
                }
            }
            case "NOOP" -> {
                // our id high-water mark: ids of hard-deleted (compacted away) schemas are never handed out again
                if (r.value() != null && r.value().has("max_id"))
                    maxId = Math.max(maxId, r.value().path("max_id").asInt());
            }
            default -> {
                // MODE and other key types carry nothing this store keeps
            }
        }
    }

    static StoreRecord schemaRecord(String subject, int version, int id, String schema, boolean deleted) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "SCHEMA")
                .put("subject", subject)
                .put("version", version)
                .put("magic", 1);
        ObjectNode value = JSON.createObjectNode();
        value.put("subject", subject)
                .put("version", version)
                .put("id", id)
                .put("schema", schema)
                .put("deleted", deleted);
        return new StoreRecord(key, value);
    }

    static StoreRecord configRecord(String subject, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "CONFIG");
        if (subject == null) key.putNull("subject");
        else key.put("subject", subject);
        key.put("magic", 0);
        ObjectNode value = null;
        if (level != null) {
            value = JSON.createObjectNode();
            value.put("compatibilityLevel", level.name());
        }
        return new StoreRecord(key, value);
    }

    /** The id high-water mark, kept under Confluent's NOOP key type (which Confluent readers skip). */
    static StoreRecord maxIdRecord(int maxId) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "NOOP").put("magic", 0);
        ObjectNode value = JSON.createObjectNode();
        value.put("max_id", maxId);
        return new StoreRecord(key, value);
    }

    /** Parses an Avro schema; anything unparseable is a 42201. */
    public static Schema parse(String schema) {
        if (schema == null || schema.isBlank()) throw RegistryException.invalidSchema("Invalid schema: empty");
        try {
            return new Schema.Parser().parse(schema);
        } catch (SchemaParseException | NullPointerException | IllegalArgumentException e) {
            throw RegistryException.invalidSchema("Invalid schema " + schema + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw RegistryException.invalidSchema("Invalid schema: " + e.getMessage());
        }
    }

    static String hash(String canonical) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized int register(String subject, String schema) {
        Schema parsed = parse(schema);
        beforeChange();
        String canonical = parsed.toString();
        TreeMap<Integer, Version> vs = subjects.get(subject);
        if (vs != null) {
            for (Version v : vs.values()) {
                if (!v.deleted() && schemasById.get(v.id()).equals(canonical)) return v.id();
            }
        }
        List<String> messages = check(subject, parsed, null);
        if (!messages.isEmpty()) {
            throw new RegistryException(
                    409,
                    RegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\", details: " + messages);
        }
        Integer existing = idsByHash.get(hash(canonical));
        int id = existing != null ? existing : maxId + 1;
        int version = vs == null || vs.isEmpty() ? 1 : vs.lastKey() + 1;
        commit(List.of(schemaRecord(subject, version, id, canonical, false)));
        return id;
    }

    @Override
    public synchronized Optional<RegisteredSchema> lookup(String subject, String schema) {
        String canonical = parse(schema).toString();
        TreeMap<Integer, Version> vs = subjects.get(subject);
        if (vs == null) return Optional.empty();
        for (Map.Entry<Integer, Version> e : vs.entrySet()) {
            Version v = e.getValue();
            if (!v.deleted() && schemasById.get(v.id()).equals(canonical)) {
                return Optional.of(new RegisteredSchema(subject, e.getKey(), v.id(), canonical));
            }
        }
        return Optional.empty();
    }

    /** True when the subject has at least one live version. */
    public synchronized boolean hasSubject(String subject) {
        TreeMap<Integer, Version> vs = subjects.get(subject);
        return vs != null && vs.values().stream().anyMatch(v -> !v.deleted());
    }

    @Override
    public synchronized String schemaById(int id) {
        String s = schemasById.get(id);
        if (s == null) throw RegistryException.schemaNotFound("Schema " + id + " not found");
        return s;
    }

    private TreeMap<Integer, Version> live(String subject) {
        TreeMap<Integer, Version> out = new TreeMap<>();
        TreeMap<Integer, Version> vs = subjects.get(subject);
        if (vs != null)
            vs.forEach((k, v) -> {
                if (!v.deleted()) out.put(k, v);
            });
        return out;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        TreeMap<Integer, Version> vs = live(subject);
        if (vs.isEmpty()) throw RegistryException.subjectNotFound(subject);
        Map.Entry<Integer, Version> e = vs.lastEntry();
        return new RegisteredSchema(
                subject,
                e.getKey(),
                e.getValue().id(),
                schemasById.get(e.getValue().id()));
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        if (version == -1) return latest(subject);
        if (version <= 0) {
            throw new RegistryException(
                    422,
                    RegistryException.INVALID_VERSION,
                    "The specified version '" + version + "' is not a valid version id.");
        }
        TreeMap<Integer, Version> vs = live(subject);
        if (vs.isEmpty()) throw RegistryException.subjectNotFound(subject);
        Version v = vs.get(version);
        if (v == null) throw RegistryException.versionNotFound(subject, version);
        return new RegisteredSchema(subject, version, v.id(), schemasById.get(v.id()));
    }

    @Override
    public synchronized List<String> compatibilityMessages(String subject, String schema) {
        return check(subject, parse(schema), null);
    }

    /**
     * Checks a schema against the subject with its effective level: against the latest live version (or all of them
     * when transitive), or, when {@code version} is given, against that version only. Empty means compatible.
     */
    public synchronized List<String> compatibilityMessages(String subject, String schema, Integer version) {
        Schema parsed = parse(schema);
        if (version != null && version != -1) {
            RegisteredSchema target = version(subject, version);
            return check(subject, parsed, target);
        }
        return check(subject, parsed, null);
    }

    private List<String> check(String subject, Schema candidate, RegisteredSchema only) {
        CompatibilityLevel level = getCompatibility(subject);
        if (level == CompatibilityLevel.NONE) return List.of();
        List<RegisteredSchema> targets = new ArrayList<>();
        if (only != null) {
            targets.add(only);
        } else {
            TreeMap<Integer, Version> vs = live(subject);
            if (vs.isEmpty()) return List.of();
            if (level.transitive) {
                vs.forEach((k, v) -> targets.add(new RegisteredSchema(subject, k, v.id(), schemasById.get(v.id()))));
            } else {
                Map.Entry<Integer, Version> e = vs.lastEntry();
                targets.add(new RegisteredSchema(
                        subject,
                        e.getKey(),
                        e.getValue().id(),
                        schemasById.get(e.getValue().id())));
            }
        }
        List<String> messages = new ArrayList<>();
        for (RegisteredSchema t : targets) {
            Schema old = new Schema.Parser().parse(t.schema());
            if (level.backward) {
                describe(
                        messages,
                        level,
                        "the new schema cannot read data written with version " + t.version(),
                        SchemaCompatibility.checkReaderWriterCompatibility(candidate, old));
            }
            if (level.forward) {
                describe(
                        messages,
                        level,
                        "version " + t.version() + " cannot read data written with the new schema",
                        SchemaCompatibility.checkReaderWriterCompatibility(old, candidate));
            }
        }
        return messages;
    }

    private static void describe(
            List<String> out,
            CompatibilityLevel level,
            String what,
            SchemaCompatibility.SchemaPairCompatibility result) {
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) return;
        for (SchemaCompatibility.Incompatibility i : result.getResult().getIncompatibilities()) {
            out.add(level + ": " + what + ": " + i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")");
        }
        if (result.getResult().getIncompatibilities().isEmpty()) out.add(level + ": " + what);
    }

    @Override
    public synchronized CompatibilityLevel getCompatibility(String subjectOrNull) {
        if (subjectOrNull == null) return globalLevel;
        return subjectLevels.getOrDefault(subjectOrNull, globalLevel);
    }

    /** The level set on the subject itself, if any (REST: 40408 when none). */
    public synchronized Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    @Override
    public synchronized void setCompatibility(String subjectOrNull, CompatibilityLevel level) {
        if (level == null) CompatibilityLevel.parse(null);
        beforeChange();
        commit(List.of(configRecord(subjectOrNull, level)));
    }

    /** Removes a subject's own level so it follows the global one again; returns the level it had. */
    public synchronized Optional<CompatibilityLevel> deleteSubjectCompatibility(String subject) {
        beforeChange();
        Optional<CompatibilityLevel> had = subjectCompatibility(subject);
        if (had.isPresent()) commit(List.of(configRecord(subject, null)));
        return had;
    }

    @Override
    public synchronized List<String> subjects() {
        TreeSet<String> out = new TreeSet<>();
        subjects.keySet().stream().filter(this::hasSubject).forEach(out::add);
        return List.copyOf(out);
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        TreeMap<Integer, Version> vs = live(subject);
        if (vs.isEmpty()) throw RegistryException.subjectNotFound(subject);
        return List.copyOf(vs.keySet());
    }

    @Override
    public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        beforeChange();
        TreeMap<Integer, Version> all = subjects.get(subject);
        if (all == null || all.isEmpty()) throw RegistryException.subjectNotFound(subject);
        List<StoreRecord> records = new ArrayList<>();
        List<Integer> deleted = new ArrayList<>();
        for (Map.Entry<Integer, Version> e : all.entrySet()) {
            int version = e.getKey();
            Version v = e.getValue();
            if (permanent) {
                StoreRecord r = schemaRecord(subject, version, v.id(), "", true);
                records.add(new StoreRecord(r.key(), null));
                deleted.add(version);
            } else if (!v.deleted()) {
                records.add(schemaRecord(subject, version, v.id(), schemasById.get(v.id()), true));
                deleted.add(version);
            }
        }
        if (deleted.isEmpty()) throw RegistryException.subjectNotFound(subject);
        // compaction drops hard-deleted schema records; the high-water mark keeps their ids from being re-issued
        if (permanent) records.add(maxIdRecord(maxId));
        commit(records);
        return deleted;
    }

    /** Highest id handed out so far (0 when empty). */
    public synchronized int maxId() {
        return maxId;
    }

    @Override
    public String target() {
        return name.contains("://") ? name : "in-memory registry '" + name + "'";
    }
}
