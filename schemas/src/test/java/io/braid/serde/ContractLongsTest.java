package io.braid.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.avro.TrainingPair;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Item 8 of issue 7: every long of every contract survives a decoder that reads Avro longs as doubles. */
class ContractLongsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every long field of a record schema and the records nested in it (field path, schema, the field). */
    private record LongField(String path, Schema.Field field, Schema type) {}

    private static void longFields(Schema s, String path, Set<String> seen, List<LongField> out, Schema.Field f) {
        switch (s.getType()) {
            case RECORD -> {
                if (!seen.add(s.getFullName())) return;
                for (Schema.Field c : s.getFields()) longFields(c.schema(), s.getName() + "." + c.name(), seen, out, c);
            }
            case UNION -> s.getTypes().forEach(t -> longFields(t, path, seen, out, f));
            case ARRAY -> longFields(s.getElementType(), path + "[]", seen, out, f);
            case MAP -> longFields(s.getValueType(), path + "{}", seen, out, f);
            case LONG -> out.add(new LongField(path, f, s));
            default -> {}
        }
    }

    @Test
    void everyLongFieldThatIsNoTimestampDocumentsItsBound() {
        List<String> undocumented = new ArrayList<>();
        int longs = 0;
        for (Class<? extends SpecificRecord> c : RandomDatum.CONTRACTS) {
            List<LongField> fields = new ArrayList<>();
            longFields(SpecificData.get().getSchema(c), c.getSimpleName(), new HashSet<>(), fields, null);
            for (LongField l : fields) {
                longs++;
                // timestamp-millis fields are epoch ms: below 2^53 by construction (schemas/README.md)
                if (l.type().getLogicalType() instanceof LogicalTypes.TimestampMillis) continue;
                String doc = l.field() == null ? null : l.field().doc();
                if (doc == null || !doc.contains("2^53")) undocumented.add(l.path());
            }
        }
        assertTrue(longs > 10, "found the contracts' longs: " + longs);
        assertTrue(undocumented.isEmpty(), "long fields without a documented bound below 2^53: " + undocumented);
    }

    /** Sets every long (and timestamp) in a datum to the largest value a contract allows. */
    private static void maximise(Object datum) {
        if (datum instanceof GenericRecord r) {
            for (Schema.Field f : r.getSchema().getFields()) {
                Object v = r.get(f.pos());
                if (v instanceof Long) r.put(f.pos(), JsonSafeLongs.MAX_SAFE);
                else maximise(v);
            }
        } else if (datum instanceof Iterable<?> it) {
            it.forEach(ContractLongsTest::maximise);
        } else if (datum instanceof java.util.Map<?, ?> m) {
            m.values().forEach(ContractLongsTest::maximise);
        }
    }

    private static void collectLongs(Object datum, List<Long> out) {
        if (datum instanceof GenericRecord r) {
            for (Schema.Field f : r.getSchema().getFields()) collectLongs(r.get(f.pos()), out);
        } else if (datum instanceof Long v) {
            out.add(v);
        } else if (datum instanceof Iterable<?> it) {
            it.forEach(o -> collectLongs(o, out));
        } else if (datum instanceof java.util.Map<?, ?> m) {
            m.values().forEach(o -> collectLongs(o, out));
        }
    }

    /** Every integral number of an Avro-JSON document, read the way JavaScript reads it: as a double. */
    private static void numbersAsDoubles(JsonNode n, List<Double> out) {
        if (n.isIntegralNumber()) out.add(n.asDouble());
        n.elements().forEachRemaining(c -> numbersAsDoubles(c, out));
    }

    @Test
    void eachLongOfEachContractsSampleSurvivesAJsonDoubleRoundTrip() throws Exception {
        Random r = new Random(7);
        for (Class<? extends SpecificRecord> c : RandomDatum.CONTRACTS) {
            for (int sample = 0; sample < 20; sample++) {
                GenericRecord g =
                        (GenericRecord) RandomDatum.generate(SpecificData.get().getSchema(c), r);
                if (sample == 0) maximise(g); // the documented bound itself
                assertTrue(
                        JsonSafeLongs.violations(g).isEmpty(), c.getSimpleName() + ": " + JsonSafeLongs.violations(g));
                List<Long> longs = new ArrayList<>();
                collectLongs(g, longs);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                JsonEncoder enc = EncoderFactory.get().jsonEncoder(g.getSchema(), out);
                new GenericDatumWriter<GenericRecord>(g.getSchema(), GenericData.get()).write(g, enc);
                enc.flush();
                List<Double> doubles = new ArrayList<>();
                numbersAsDoubles(JSON.readTree(out.toString(StandardCharsets.UTF_8)), doubles);
                for (long v : longs) {
                    assertTrue(doubles.contains((double) v), c.getSimpleName() + ": " + v + " not in the JSON");
                    assertEquals(v, (long) (double) v, c.getSimpleName() + ": " + v + " is not exact as a double");
                }
            }
        }
    }

    @Test
    void theCheckCatchesASeedAbove53Bits() {
        GenericRecord g =
                (GenericRecord) RandomDatum.generate(SpecificData.get().getSchema(TrainingPair.class), new Random(1));
        g.put("seed1", (1L << 53) + 1);
        assertEquals(List.of("TrainingPair.seed1=" + ((1L << 53) + 1)), JsonSafeLongs.violations(g));
        assertFalse((long) (double) ((1L << 53) + 1) == (1L << 53) + 1, "a double really loses it");
    }
}
