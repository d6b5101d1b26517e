package io.braid.serde;

import io.braid.registry.InMemorySchemaRegistry;
import io.braid.registry.RegisteredSchema;
import io.braid.registry.RegistryClients;
import io.braid.registry.RegistryException;
import io.braid.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.PrimitivesArrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
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
    /**
     * Per topic, what the last record's schema (by identity) resolved to, so the hot path skips the subject name, the
     * target lookup and the writer lookup while a topic keeps seeing the same schema object.
     */
    private final Map<String, Resolved> lastByTopic = new ConcurrentHashMap<>();
    /** Per-thread output buffer and Avro encoder, reused across records (the result is copied out exactly sized). */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private record Resolved(Schema schema, Target target, DatumWriter<Object> writer) {}

    /** An unsynchronised growable byte buffer the encoder writes into; reset per record. */
    private static final class Buffer extends OutputStream {
        byte[] bytes = new byte[4096];
        int size;

        private void ensure(int extra) {
            if (size + extra > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }
    }

    private static final class Scratch {
        final Buffer out = new Buffer();
        BinaryEncoder encoder;
    }

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
        lastByTopic.clear();
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
        Resolved resolved = lastByTopic.get(topic);
        if (resolved == null || resolved.schema() != schema) {
            String subject = strategy.subjectName(topic, isKey, schema);
            Target target = targets.computeIfAbsent(new SubjectSchema(subject, schema), k -> resolve(subject, schema));
            // a datum converted to another writer schema is generic: its writer is picked per record below
            resolved = new Resolved(schema, target, target.writerSchema() == schema ? writer(schema, data) : null);
            // primitives get a fresh Schema object per record: caching them per topic would only churn
            if (data instanceof GenericContainer) lastByTopic.put(topic, resolved);
        }
        Target target = resolved.target();
        Object datum = data instanceof byte[] b ? ByteBuffer.wrap(b) : data;
        if (target.writerSchema() != schema) datum = convert(datum, schema, target.writerSchema());
        Scratch sc = scratch.get();
        Buffer out = sc.out;
        try {
            out.size = 0;
            int id = target.id();
            out.ensure(5);
            byte[] head = out.bytes;
            head[0] = 0;
            head[1] = (byte) (id >>> 24);
            head[2] = (byte) (id >>> 16);
            head[3] = (byte) (id >>> 8);
            head[4] = (byte) id;
            out.size = 5;
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, sc.encoder);
            sc.encoder = enc;
            DatumWriter<Object> w = resolved.writer();
            (w != null ? w : writer(target.writerSchema(), datum)).write(datum, enc);
            enc.flush();
            byte[] result = Arrays.copyOf(out.bytes, out.size);
            if (out.bytes.length > MAX_RETAINED) out.bytes = new byte[4096];
            return result;
        } catch (IOException | RuntimeException e) {
            sc.encoder = null; // may hold a partial record
            out.size = 0;
            throw new WireFormatException(
                    WireFormatException.Reason.UNREADABLE_PAYLOAD,
                    "cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(),
                    e);
        }
    }

    /** A per-thread buffer that grew past this (one huge record) is dropped rather than kept. */
    private static final int MAX_RETAINED = 4 << 20;

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
                        ? (DatumWriter<Object>) (DatumWriter<?>) new FastSpecificWriter(s)
                        : new FastGenericWriter(s));
    }

    /**
     * Writes an array of floats held in primitive form ({@link FloatValues}, Avro's {@code PrimitivesArrays.FloatArray})
     * without boxing each element; the bytes are the ones the generic path writes. False when not such an array.
     */
    static boolean writeFloats(Schema schema, Object datum, Encoder out) throws IOException {
        Schema element = schema.getElementType();
        if (element.getType() != Schema.Type.FLOAT || element.getLogicalType() != null) return false;
        if (datum instanceof FloatValues f) {
            int n = f.size();
            out.writeArrayStart();
            out.setItemCount(n);
            for (int i = 0; i < n; i++) {
                out.startItem();
                out.writeFloat(f.floatAt(i));
            }
            out.writeArrayEnd();
            return true;
        }
        if (datum instanceof PrimitivesArrays.FloatArray f) {
            int n = f.size();
            out.writeArrayStart();
            out.setItemCount(n);
            for (int i = 0; i < n; i++) {
                out.startItem();
                out.writeFloat(f.getFloat(i));
            }
            out.writeArrayEnd();
            return true;
        }
        return false;
    }

    private static final class FastSpecificWriter extends SpecificDatumWriter<Object> {
        FastSpecificWriter(Schema schema) {
            super(schema);
        }

        @Override
        protected void writeArray(Schema schema, Object datum, Encoder out) throws IOException {
            if (!writeFloats(schema, datum, out)) super.writeArray(schema, datum, out);
        }
    }

    private static final class FastGenericWriter extends GenericDatumWriter<Object> {
        FastGenericWriter(Schema schema) {
            super(schema, GenericData.get());
        }

        @Override
        protected void writeArray(Schema schema, Object datum, Encoder out) throws IOException {
            if (!writeFloats(schema, datum, out)) super.writeArray(schema, datum, out);
        }
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
        if (e.isMisconfigured()) reason = WireFormatException.Reason.REGISTRY_MISCONFIGURED;
        else if (e.isIncompatible()) reason = WireFormatException.Reason.INCOMPATIBLE_SCHEMA;
        else if (e.isNotFound()) reason = WireFormatException.Reason.UNKNOWN_SCHEMA_ID;
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
