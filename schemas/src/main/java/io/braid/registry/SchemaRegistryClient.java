package io.braid.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The Confluent schema-registry operations Braid uses (notes/registry.md §4.1). Implemented over REST by
 * {@link RestSchemaRegistryClient} and in process by {@link InMemorySchemaRegistry}; {@link RegistryClients} picks one
 * from {@code schema.registry.url}. Failures are {@link RegistryException}s with the HTTP status and Confluent code.
 */
public interface SchemaRegistryClient extends AutoCloseable {
    /** Registers (idempotently) and returns the global id; the same schema under any subject gets the same id. */
    int register(String subject, String schema);

    default int register(String subject, Schema schema) {
        return register(subject, schema.toString());
    }

    /** The version of this subject holding exactly this schema, or empty when the subject or schema is unknown. */
    Optional<RegisteredSchema> lookup(String subject, String schema);

    /** The schema text for a global id; 40403 when unknown. */
    String schemaById(int id);

    /** Newest version of a subject; 40401 when the subject is unknown. */
    RegisteredSchema latest(String subject);

    /** A given version of a subject; 40401/40402 when unknown. */
    RegisteredSchema version(String subject, int version);

    /** Whether the schema could be registered under the subject with its effective compatibility level. */
    default boolean testCompatibility(String subject, String schema) {
        return compatibilityMessages(subject, schema).isEmpty();
    }

    /** Why the schema is incompatible with the subject (empty when compatible). */
    List<String> compatibilityMessages(String subject, String schema);

    /** Global level when subject is null, else the subject's effective level (falls back to the global one). */
    CompatibilityLevel getCompatibility(String subjectOrNull);

    /** Sets the global level when subject is null, else the subject's level. */
    void setCompatibility(String subjectOrNull, CompatibilityLevel level);

    List<String> subjects();

    List<Integer> versions(String subject);

    /** Soft-deletes (or with permanent, hard-deletes) a subject; returns the versions it had. */
    List<Integer> deleteSubject(String subject, boolean permanent);

    /** Where this client points: a URL list or {@code mock://scope}. */
    String target();

    @Override
    default void close() {}
}
