package io.braid.producers.bag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.producers.ros.CdrDecoder;
import io.braid.producers.ros.MsgDefinitions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The readers and the CDR decoder against real rosbag2 recordings (shared/fixtures/rosbag2). */
class RealRosbagsTest {

    static List<BagMessage> readAll(Path bag, List<BagProblem> problems) throws IOException {
        List<BagMessage> out = new ArrayList<>();
        try (BagReader r = BagFiles.open(bag, Long.MIN_VALUE, Long.MAX_VALUE, problems::add)) {
            for (BagMessage m = r.next(); m != null; m = r.next()) out.add(m);
        }
        return out;
    }

    static Map<String, Object> decode(BagMessage m) throws Exception {
        MsgDefinitions defs = new MsgDefinitions()
                .add(m.channel().type(), new String(m.channel().schema().data(), StandardCharsets.UTF_8));
        CdrDecoder.Decoded d = new CdrDecoder(defs).decode(m.channel().type(), m.data());
        assertEquals(d.declaredPadding(), d.trailingBytes(), m.channel().topic() + " left bytes unread");
        return d.value();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mcap/talker", "mcap/cdr_test", "mcap/wbag", "sqlite3/talker"})
    void messageCountsPerTopicEqualTheMetadata(String fixture) throws IOException {
        Path bag = RosbagFixtures.require(fixture);
        BagMetadata meta = BagFiles.metadata(bag);
        List<BagProblem> problems = new ArrayList<>();
        List<BagMessage> all = readAll(bag, problems);
        assertEquals(List.of(), problems);
        Map<String, Long> counts = new LinkedHashMap<>();
        meta.topicCounts().keySet().forEach(t -> counts.put(t, 0L));
        for (BagMessage m : all) counts.merge(m.channel().topic(), 1L, Long::sum);
        assertEquals(meta.topicCounts(), counts);
        assertEquals(meta.messageCount(), all.size());
        for (BagMessage m : all) {
            assertEquals(meta.topicTypes().get(m.channel().topic()), m.channel().type());
        }
        if (fixture.endsWith("talker")) { // wbag's metadata.yaml has a synthetic start and duration
            long first = all.get(0).logTimeNs(), last = all.get(all.size() - 1).logTimeNs();
            assertEquals(meta.startNs(), first);
            assertEquals(meta.durationNs(), last - first);
        }
    }

    @Test
    void theTalkersStringsDecode() throws Exception {
        Path bag = RosbagFixtures.require("mcap/talker");
        List<String> lines = new ArrayList<>();
        for (BagMessage m : readAll(bag, new ArrayList<>())) {
            Map<String, Object> v = decode(m);
            if (m.channel().topic().equals("/topic")) lines.add((String) v.get("data"));
            else assertTrue(((String) v.get("msg")).startsWith("Publishing: 'Hello, world! "), v.toString());
        }
        assertEquals(10, lines.size());
        for (int i = 0; i < lines.size(); i++) assertEquals("Hello, world! " + i, lines.get(i));
    }

    @Test
    void everyCdrTestMessageDecodesAndConsumesExactlyItsPayload() throws Exception {
        Path bag = RosbagFixtures.require("mcap/cdr_test");
        List<BagMessage> all = readAll(bag, new ArrayList<>());
        assertEquals(7, all.size());
        for (BagMessage m : all) {
            Map<String, Object> v = decode(m);
            if (m.channel().type().equals("test_msgs/msg/BasicTypes")) {
                assertEquals(13, v.size());
                assertEquals(123, v.get("int32_value"));
            } else {
                assertEquals("test_msgs/msg/Arrays", m.channel().type());
                assertEquals(3, ((double[]) v.get("float64_values")).length);
                assertEquals(3, ((String[]) v.get("string_values")).length);
                assertEquals(3, ((List<?>) v.get("basic_types_values")).size());
            }
        }
    }

    @Test
    void theSplitBagYieldsEveryMessageInTimeOrder() throws IOException {
        Path bag = RosbagFixtures.require("mcap/wbag");
        assertEquals(5, BagFiles.files(bag).size());
        List<BagMessage> all = readAll(bag, new ArrayList<>());
        assertEquals(6074, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).logTimeNs() <= all.get(i).logTimeNs(), "out of order at " + i);
        }
    }

    @Test
    void theDb3TalkerGivesTheSameMessagesAsTheMcapOne() throws IOException {
        List<BagMessage> mcap = readAll(RosbagFixtures.require("mcap/talker"), new ArrayList<>());
        List<BagMessage> db3 = readAll(RosbagFixtures.require("sqlite3/talker"), new ArrayList<>());
        assertEquals(mcap.size(), db3.size());
        for (int i = 0; i < mcap.size(); i++) {
            BagMessage a = mcap.get(i), b = db3.get(i);
            assertEquals(a.channel().topic(), b.channel().topic());
            assertEquals(a.channel().type(), b.channel().type());
            assertEquals(a.logTimeNs(), b.logTimeNs());
            assertArrayEquals(a.data(), b.data());
        }
    }
}
