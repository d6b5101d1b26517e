package io.braid.producers.bag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.producers.ros.CdrDecoder;
import io.braid.producers.ros.CdrEncoding;
import io.braid.producers.ros.MsgDefinitions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The MCAP writer and reader agree in every compression, and the CDR decoder in every representation. */
class McapWriterReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Mcap.Compression.class)
    void everyMessageComesBackInEveryCompression(Mcap.Compression c) throws Exception {
        Path f = dir.resolve("b.mcap");
        TestBags.Written w = TestBags.write(f, c, CdrEncoding.CDR_LE, 5, 40);
        List<BagProblem> problems = new ArrayList<>();
        List<BagMessage> all = RealRosbagsTest.readAll(f, problems);
        assertEquals(List.of(), problems);
        assertEquals(5 * 5 + 40, all.size());
        for (int i = 1; i < all.size(); i++)
            assertTrue(all.get(i - 1).logTimeNs() <= all.get(i).logTimeNs());
        int rgb = 0;
        for (BagMessage m : all) {
            if (!m.channel().topic().equals("/cam/rgb")) continue;
            Map<String, Object> v = decode(m, c);
            assertArrayEquals(w.rgb().get(rgb++), (byte[]) v.get("data"));
        }
        assertEquals(5, rgb);
    }

    @ParameterizedTest
    @EnumSource(CdrEncoding.class)
    void imuDecodesInEveryCdrRepresentation(CdrEncoding enc) throws Exception {
        Path f = dir.resolve("imu.mcap");
        TestBags.Written w = TestBags.write(f, Mcap.Compression.ZSTD, enc, 1, 10);
        int i = 0;
        for (BagMessage m : RealRosbagsTest.readAll(f, new ArrayList<>())) {
            Map<String, Object> v = decode(m, null);
            if (!m.channel().topic().equals("/imu")) continue;
            @SuppressWarnings("unchecked")
            Map<String, Object> acc = (Map<String, Object>) v.get("linear_acceleration");
            assertEquals(w.imu().get(i)[0], (Double) acc.get("x"));
            i++;
        }
        assertEquals(10, i);
    }

    @ParameterizedTest
    @EnumSource(Mcap.Compression.class)
    void aBagWithoutSummaryOrChunksReadsTheSame(Mcap.Compression c) throws Exception {
        Path f = dir.resolve("plain.mcap");
        try (McapWriter mw = new McapWriter(f, c, 0, false)) {
            int ch = mw.channel(mw.schema("std_msgs/msg/String", "ros2msg", "string data\n"), "/s");
            for (int i = 0; i < 3; i++)
                mw.message(ch, i, 10 + i, 10 + i, new byte[] {0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0});
        }
        assertEquals(3, RealRosbagsTest.readAll(f, new ArrayList<>()).size());
        assertTrue(Files.size(f) > 0);
    }

    static Map<String, Object> decode(BagMessage m, Mcap.Compression c) throws Exception {
        MsgDefinitions d = new MsgDefinitions()
                .add(m.channel().type(), new String(m.channel().schema().data(), StandardCharsets.UTF_8));
        CdrDecoder.Decoded r = new CdrDecoder(d).decode(m.channel().type(), m.data());
        assertEquals(0, r.trailingBytes());
        return r.value();
    }
}
