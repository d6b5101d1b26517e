package io.braid.serde;

import io.braid.registry.InMemorySchemaRegistry;
import io.braid.registry.RegistryClients;
import io.braid.registry.RegistryException;
import io.braid.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.PrimitivesArrays;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for the Confluent wire format: checks magic byte 0, fetches the writer schema by its id (cached
 * forever), and decodes with Avro schema resolution into the reader schema: the class given to the constructor, a
 * generated class when {@code specific.avro.reader=true}, or the writer schema as a {@link GenericRecord}. Anything
 * that cannot be decoded raises {@link WireFormatException} with a {@link WireFormatException.Reason}; a null payload
 * is refused unless {@code braid.null.as.tombstone=true}.
 *
 * <p>Serializable (config and class only; the client and caches are rebuilt on first use), so Flink functions can hold
 * one.
 */
public class ConfluentAvroDeserializer<T> implements Deserializer<T>, Serializable {
    private static final long serialVersionUID = 1L;

    private record ReaderKey(int id, Class<?> type) {}

    private final Class<T> type;
    private final HashMap<String, String> config = new HashMap<>();
    private boolean specificReader;
    private boolean nullAsTombstone;
    private transient SchemaRegistryClient client;
    private transient boolean ownsClient;
    private transient Map<Integer, Schema> writerSchemas;
    private transient Map<ReaderKey, Object> readers;

    /** For Kafka's reflective construction; {@link #configure} creates the client. Returns generic or specific. */
    public ConfluentAvroDeserializer() {
        this.type = null;
    }

    /** Untyped, on a given client (generic records unless configured with specific.avro.reader=true). */
    public ConfluentAvroDeserializer(SchemaRegistryClient client) {
        this.type = null;
        useClient(client);
    }

    /** Typed reader; the registry comes from {@link #configure} (Kafka does not configure instances it is given). */
    public ConfluentAvroDeserializer(Class<T> type) {
        this.type = type;
    }

    /** Typed reader on a given client. */
    public ConfluentAvroDeserializer(Class<T> type, SchemaRegistryClient client) {
        this.type = type;
        useClient(client);
    }

    /** Typed reader on {@code schema.registry.url} (http(s) list or mock://scope). */
    public ConfluentAvroDeserializer(Class<T> type, String registryUrl) {
        this(type, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl));
    }

    /** Typed reader configured with Confluent keys; ready to use. */
    public ConfluentAvroDeserializer(Class<T> type, Map<String, ?> config) {
        this.type = type;
        configure(config, false);
    }

    private void useClient(SchemaRegistryClient c) {
        this.client = c;
        this.ownsClient = false;
        String target = c.target();
        if (target.startsWith("mock://") || target.startsWith("http")) {
            config.put(SerdeConfig.SCHEMA_REGISTRY_URL, target);
        }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configs.forEach((k, v) -> {
            if (v != null) config.put(k, v instanceof Class<?> c ? c.getName() : v.toString());
        });
        specificReader = ConfluentAvroSerializer.bool(configs, SerdeConfig.SPECIFIC_AVRO_READER, false);
        nullAsTombstone = ConfluentAvroSerializer.bool(configs, SerdeConfig.NULL_AS_TOMBSTONE, false);
        if (client == null && configs.get(SerdeConfig.SCHEMA_REGISTRY_URL) != null) {
            client = RegistryClients.create(configs);
            ownsClient = true;
        }
    }

    private SchemaRegistryClient client() {
        if (client == null) {
            if (!config.containsKey(SerdeConfig.SCHEMA_REGISTRY_URL)) {
                throw new WireFormatException(
                        WireFormatException.Reason.REGISTRY_UNAVAILABLE,
                        "deserializer not configured: set " + SerdeConfig.SCHEMA_REGISTRY_URL);
            }
            client = RegistryClients.create(config);
            ownsClient = true;
        }
        return client;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            if (nullAsTombstone) return null;
            throw new WireFormatException(
                    WireFormatException.Reason.NULL_PAYLOAD,
                    "null payload on topic " + topic + " (set " + SerdeConfig.NULL_AS_TOMBSTONE
                            + "=true to read tombstones as null)");
        }
        if (data.length > 0 && data[0] != 0) {
            throw new WireFormatException(
                    WireFormatException.Reason.BAD_MAGIC_BYTE,
                    String.format(
                            "unknown magic byte 0x%02x on topic %s (expected 0x00, the Confluent wire format)",
                            data[0] & 0xff, topic));
        }
        if (data.length < 5) {
            throw new WireFormatException(
                    WireFormatException.Reason.TRUNCATED_PAYLOAD,
                    "payload of " + data.length + " bytes on topic " + topic
                            + " is shorter than the 5-byte Confluent header (magic byte + schema id)");
        }
        int id = (data[1] & 0xff) << 24 | (data[2] & 0xff) << 16 | (data[3] & 0xff) << 8 | (data[4] & 0xff);
        Schema writer = writerSchema(id);
        DatumReader<Object> reader = reader(id, writer);
        BoundedBinaryDecoder in = new BoundedBinaryDecoder(data, 5, data.length - 5);
        Object value;
        try {
            value = reader.read(null, in);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new WireFormatException(
                    WireFormatException.Reason.UNREADABLE_PAYLOAD,
                    "cannot decode " + (data.length - 5) + " bytes of " + writer.getFullName() + " (schema id " + id
                            + ") on topic " + topic + ": " + e,
                    e);
        }
        if (in.remaining() != 0) {
            throw new WireFormatException(
                    WireFormatException.Reason.UNREADABLE_PAYLOAD,
                    in.remaining() + " trailing bytes after a " + writer.getFullName() + " (schema id " + id
                            + ") on topic " + topic + ": payload is corrupt or framed with the wrong id");
        }
        if (type != null && !type.isInstance(value)) {
            throw new WireFormatException(
                    WireFormatException.Reason.INCOMPATIBLE_SCHEMA,
                    "schema id " + id + " decodes to " + value.getClass().getName() + ", not " + type.getName());
        }
        @SuppressWarnings("unchecked")
        T t = (T) value;
        return t;
    }

    private Schema writerSchema(int id) {
        if (writerSchemas == null) writerSchemas = new ConcurrentHashMap<>();
        Schema s = writerSchemas.get(id);
        if (s != null) return s;
        SchemaRegistryClient c = client();
        String text;
        try {
            text = c.schemaById(id);
        } catch (RegistryException e) {
            if (e.isNotFound()) {
                throw new WireFormatException(
                        WireFormatException.Reason.UNKNOWN_SCHEMA_ID,
                        "unknown schema id " + id + " (registry " + c.target() + " answered " + e.errorCode() + ")",
                        e);
            }
            throw ConfluentAvroSerializer.fromRegistry(e, "schema id " + id, c.target());
        }
        try {
            s = InMemorySchemaRegistry.parse(text);
        } catch (RegistryException e) {
            throw new WireFormatException(
                    WireFormatException.Reason.UNKNOWN_SCHEMA_ID,
                    "schema id " + id + " from registry " + c.target() + " is not a valid Avro schema: "
                            + e.getMessage(),
                    e);
        }
        writerSchemas.put(id, s);
        return s;
    }

    @SuppressWarnings("unchecked")
    private DatumReader<Object> reader(int id, Schema writer) {
        if (readers == null) readers = new ConcurrentHashMap<>();
        Class<?> target = readerClass(writer);
        Object r = readers.computeIfAbsent(new ReaderKey(id, target), k -> newReader(id, writer, target));
        if (r instanceof WireFormatException e) {
            throw new WireFormatException(e.reason(), e.getMessage());
        }
        return (DatumReader<Object>) r;
    }

    private Class<?> readerClass(Schema writer) {
        if (type != null && SpecificRecord.class.isAssignableFrom(type)) return type;
        if (type != null) return null;
        if (specificReader && writer.getType() == Schema.Type.RECORD) {
            Class<?> c = SpecificData.get().getClass(writer);
            if (c != null && SpecificRecord.class.isAssignableFrom(c)) return c;
        }
        return null;
    }

    private Object newReader(int id, Schema writer, Class<?> target) {
        if (target == null) return new FloatsGenericReader(writer);
        SpecificData model = SpecificData.getForClass(target);
        Schema readerSchema = model.getSchema(target);
        SchemaCompatibility.SchemaPairCompatibility c =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return new WireFormatException(
                    WireFormatException.Reason.INCOMPATIBLE_SCHEMA,
                    "data written with schema id " + id + " (" + writer.getFullName() + ") cannot be read as "
                            + target.getName() + ": " + c.getResult().getIncompatibilities());
        }
        return new FloatsSpecificReader(writer, readerSchema, model);
    }

    /**
     * Reads an {@code array<float>} into Avro's own primitive array without boxing each element (Avro 1.12 reads
     * every element as a {@code Float} and unboxes it into the array: on a window of a few thousand values that
     * garbage is most of what a decoder allocates). The initial capacity is capped, so a hostile block count fails at
     * the end of the bytes instead of allocating its claim. Null when not such an array.
     */
    static Object readFloats(Object old, Schema expected, ResolvingDecoder in) throws IOException {
        Schema element = expected.getElementType();
        if (element.getType() != Schema.Type.FLOAT || element.getLogicalType() != null) return null;
        long n = in.readArrayStart();
        PrimitivesArrays.FloatArray a;
        if (old instanceof PrimitivesArrays.FloatArray reuse) {
            reuse.clear();
            a = reuse;
        } else {
            a = new PrimitivesArrays.FloatArray((int) Math.min(n, 1 << 16), expected);
        }
        for (; n > 0; n = in.arrayNext()) for (long i = 0; i < n; i++) a.add(a.size(), in.readFloat());
        return a;
    }

    private static final class FloatsSpecificReader extends SpecificDatumReader<Object> {
        FloatsSpecificReader(Schema writer, Schema reader, SpecificData model) {
            super(writer, reader, model);
        }

        @Override
        protected Object readArray(Object old, Schema expected, ResolvingDecoder in) throws IOException {
            Object floats = readFloats(old, expected, in);
            return floats != null ? floats : super.readArray(old, expected, in);
        }
    }

    private static final class FloatsGenericReader extends GenericDatumReader<Object> {
        FloatsGenericReader(Schema writer) {
            super(writer, writer, GenericData.get());
        }

        @Override
        protected Object readArray(Object old, Schema expected, ResolvingDecoder in) throws IOException {
            Object floats = readFloats(old, expected, in);
            return floats != null ? floats : super.readArray(old, expected, in);
        }
    }

    @Override
    public void close() {
        if (ownsClient && client != null) client.close();
    }
}
