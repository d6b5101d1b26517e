package io.braid.serde;

import io.braid.registry.InMemorySchemaRegistry;
import io.braid.registry.RegisteredSchema;
import io.braid.registry.RegistryClients;
import io.braid.registry.RegistryException;
import io.braid.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer writing the Confluent wire format: magic byte 0, the schema's registry id as a big-endian int, then
 * the Avro binary datum. Takes specific records, generic records and Avro primitives. Configured with Confluent's keys
 * ({@link SerdeConfig}): {@code auto.register.schemas} (default true) registers the record's schema, otherwise it is
 * looked up; {@code use.latest.version} writes with the subject's latest schema instead.
 */
public class ConfluentAvroSerializer<T> implements Serializer<T> {
    private record SubjectSchema(String subject, Schema schema) {}

    private record Target(int id, Schema writerSchema) {}

    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatest;
    private boolean latestStrict = true;
    private SubjectNameStrategy strategy = SubjectNameStrategy.TOPIC;
    private final Map<SubjectSchema, Target> targets = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} then creates the registry client. */
    public ConfluentAvroSerializer() {}

    /** Uses the given client; {@link #configure} may still set the other keys. */
    public ConfluentAvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    /** Ready to use without a separate configure call (the client is created from the config when null). */
    public ConfluentAvroSerializer(SchemaRegistryClient client, Map<String, ?> config, boolean isKey) {
        this.client = client;
        configure(config, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        this.autoRegister = bool(configs, SerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        this.useLatest = bool(configs, SerdeConfig.USE_LATEST_VERSION, false);
        this.latestStrict = bool(configs, SerdeConfig.LATEST_COMPATIBILITY_STRICT, true);
        this.strategy = SubjectNameStrategy.fromConfig(
                configs.get(isKey ? SerdeConfig.KEY_SUBJECT_NAME_STRATEGY : SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY));
        if (client == null) {
            client = RegistryClients.create(configs);
            ownsClient = true;
        }
        targets.clear();
    }

    static boolean bool(Map<String, ?> configs, String key, boolean dflt) {
        Object v = configs == null ? null : configs.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        return Boolean.parseBoolean(v.toString().trim());
    }

    /** The registry client in use (shared with a deserializer by {@link BraidSerdes}). */
    public SchemaRegistryClient client() {
        return client;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) return null;
        if (client == null) {
            throw new WireFormatException(
                    WireFormatException.Reason.REGISTRY_UNAVAILABLE,
                    "serializer not configured: set " + SerdeConfig.SCHEMA_REGISTRY_URL);
        }
        Schema schema = schemaOf(data);
        String subject = strategy.subjectName(topic, isKey, schema);
        Target target = targets.computeIfAbsent(new SubjectSchema(subject, schema), k -> resolve(subject, schema));
        Object datum = data instanceof byte[] b ? ByteBuffer.wrap(b) : data;
        if (target.writerSchema() != schema) datum = convert(datum, schema, target.writerSchema());
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64);
            out.write(0);
            int id = target.id();
            out.write(id >>> 24);
            out.write(id >>> 16);
            out.write(id >>> 8);
            out.write(id);
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            writer(target.writerSchema(), datum).write(datum, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException(
                    WireFormatException.Reason.UNREADABLE_PAYLOAD,
                    "cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(),
                    e);
        }
    }

    static Schema schemaOf(Object data) {
        if (data instanceof GenericContainer c) return c.getSchema();
        if (data instanceof CharSequence) return Schema.create(Schema.Type.STRING);
        if (data instanceof Integer) return Schema.create(Schema.Type.INT);
        if (data instanceof Long) return Schema.create(Schema.Type.LONG);
        if (data instanceof Boolean) return Schema.create(Schema.Type.BOOLEAN);
        if (data instanceof Float) return Schema.create(Schema.Type.FLOAT);
        if (data instanceof Double) return Schema.create(Schema.Type.DOUBLE);
        if (data instanceof byte[] || data instanceof ByteBuffer) return Schema.create(Schema.Type.BYTES);
        throw new WireFormatException(
                WireFormatException.Reason.UNREADABLE_PAYLOAD,
                "cannot serialize " + data.getClass().getName() + ": not an Avro record or primitive");
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<Object> writer(Schema schema, Object datum) {
        return writers.computeIfAbsent(
                schema,
                s -> datum instanceof SpecificRecord
                        ? (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(s)
                        : new GenericDatumWriter<>(s, GenericData.get()));
    }

    private Target resolve(String subject, Schema schema) {
        String text = schema.toString();
        try {
            if (useLatest) {
                RegisteredSchema latest = client.latest(subject);
                Schema latestSchema = InMemorySchemaRegistry.parse(latest.schema());
                if (latestSchema.equals(schema)) return new Target(latest.id(), schema);
                if (latestStrict) {
                    SchemaCompatibility.SchemaPairCompatibility c =
                            SchemaCompatibility.checkReaderWriterCompatibility(latestSchema, schema);
                    if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                        throw new WireFormatException(
                                WireFormatException.Reason.INCOMPATIBLE_SCHEMA,
                                "latest version " + latest.version() + " (id " + latest.id() + ") of subject "
                                        + subject + " cannot represent " + schema.getFullName() + ": "
                                        + c.getDescription());
                    }
                }
                return new Target(latest.id(), latestSchema);
            }
            if (autoRegister) return new Target(client.register(subject, text), schema);
            Optional<RegisteredSchema> found = client.lookup(subject, text);
            if (found.isEmpty()) {
                throw new WireFormatException(
                        WireFormatException.Reason.UNKNOWN_SCHEMA_ID,
                        "schema " + schema.getFullName() + " is not registered under subject " + subject
                                + " (registry " + client.target() + " answered 40403) and "
                                + SerdeConfig.AUTO_REGISTER_SCHEMAS + "=false");
            }
            return new Target(found.get().id(), schema);
        } catch (RegistryException e) {
            throw fromRegistry(e, "schema " + schema.getFullName() + " for subject " + subject, client.target());
        }
    }

    static WireFormatException fromRegistry(RegistryException e, String what, String target) {
        WireFormatException.Reason reason;
        if (e.isIncompatible()) reason = WireFormatException.Reason.INCOMPATIBLE_SCHEMA;
        else if (e.status() == 404) reason = WireFormatException.Reason.UNKNOWN_SCHEMA_ID;
        else if (e.status() == 422) reason = WireFormatException.Reason.INCOMPATIBLE_SCHEMA;
        else reason = WireFormatException.Reason.REGISTRY_UNAVAILABLE;
        String answer = e.status() < 0 ? "could not be reached" : "answered " + e.errorCode();
        return new WireFormatException(reason, what + ": registry " + target + " " + answer + ": " + e.getMessage(), e);
    }

    /** Re-expresses a datum written with {@code from} in schema {@code to} through Avro schema resolution. */
    private Object convert(Object datum, Schema from, Schema to) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            writer(from, datum).write(datum, enc);
            enc.flush();
            return new GenericDatumReader<>(from, to, GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException(
                    WireFormatException.Reason.INCOMPATIBLE_SCHEMA,
                    "cannot write " + from.getFullName() + " with the latest schema: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        if (ownsClient && client != null) client.close();
    }
}
