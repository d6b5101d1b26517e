package io.braid.serde;

import io.braid.avro.CameraFrame;
import io.braid.avro.DeadLetter;
import io.braid.avro.Embedding;
import io.braid.avro.LateEvent;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Prediction;
import io.braid.avro.SegmentLabels;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.avro.TrainingPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/** Test data: a random, valid datum for any schema, and every contract class of DESIGN.md. */
final class RandomDatum {
    static final List<Class<? extends SpecificRecord>> CONTRACTS = List.of(
            SensorChunk.class,
            CameraFrame.class,
            TextEvent.class,
            SegmentLabels.class,
            MultimodalWindow.class,
            TrainingPair.class,
            ModelVersion.class,
            Embedding.class,
            Prediction.class,
            DeadLetter.class,
            LateEvent.class);

    private RandomDatum() {}

    static Object generate(Schema s, Random r) {
        switch (s.getType()) {
            case RECORD -> {
                GenericData.Record rec = new GenericData.Record(s);
                for (Schema.Field f : s.getFields()) rec.put(f.pos(), generate(f.schema(), r));
                return rec;
            }
            case ARRAY -> {
                int n = r.nextInt(4);
                List<Object> l = new ArrayList<>();
                for (int i = 0; i < n; i++) l.add(generate(s.getElementType(), r));
                return new GenericData.Array<>(s, l);
            }
            case MAP -> {
                Map<String, Object> m = new HashMap<>();
                int n = r.nextInt(3);
                for (int i = 0; i < n; i++) m.put("k" + r.nextInt(1000), generate(s.getValueType(), r));
                return m;
            }
            case UNION -> {
                return generate(s.getTypes().get(r.nextInt(s.getTypes().size())), r);
            }
            case ENUM -> {
                return new GenericData.EnumSymbol(
                        s, s.getEnumSymbols().get(r.nextInt(s.getEnumSymbols().size())));
            }
            case FIXED -> {
                byte[] b = new byte[s.getFixedSize()];
                r.nextBytes(b);
                return new GenericData.Fixed(s, b);
            }
            case STRING -> {
                return "s" + Long.toString(r.nextLong() & 0xffffff, 36);
            }
            case BYTES -> {
                byte[] b = new byte[r.nextInt(8)];
                r.nextBytes(b);
                return ByteBuffer.wrap(b);
            }
            case INT -> {
                return r.nextInt();
            }
            case LONG -> {
                return r.nextLong() >> 20;
            }
            case FLOAT -> {
                return r.nextFloat();
            }
            case DOUBLE -> {
                return r.nextDouble();
            }
            case BOOLEAN -> {
                return r.nextBoolean();
            }
            case NULL -> {
                return null;
            }
            default -> throw new IllegalArgumentException(s.toString());
        }
    }

    static GenericRecord generic(Class<? extends SpecificRecord> type, long seed) {
        return (GenericRecord) generate(SpecificData.get().getSchema(type), new Random(seed));
    }

    /** The same datum as an instance of the generated class (through Avro binary). */
    static <T extends SpecificRecord> T specific(Class<T> type, long seed) {
        GenericRecord g = generic(type, seed);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(g.getSchema()).write(g, enc);
            enc.flush();
            SpecificData model = SpecificData.getForClass(type);
            Schema schema = model.getSchema(type);
            return new SpecificDatumReader<T>(schema, schema, model)
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
