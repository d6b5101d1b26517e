package io.braid.producers.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.DeadLetter;
import io.braid.producers.bag.BagChannel;
import io.braid.producers.bag.BagFiles;
import io.braid.producers.bag.BagFormatException;
import io.braid.producers.bag.BagMessage;
import io.braid.producers.bag.BagProblem;
import io.braid.producers.bag.BagReader;
import io.braid.producers.bag.BagSchema;
import io.braid.producers.bag.Mcap;
import io.braid.producers.bag.RosbagFixtures;
import io.braid.producers.bag.TestBags;
import io.braid.producers.ros.CdrEncoding;
import io.braid.topics.TopicCatalog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and hostile bags give a clear error or a dead letter with a reason; never a hang, a crash or an
 * OutOfMemoryError.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileBagsTest {
    @TempDir
    Path dir;

    /** Messages read and problems reported, or the error that stopped the reading. */
    record Outcome(List<BagMessage> messages, List<BagProblem> problems, IOException error) {}

    static Outcome read(Path bag) {
        List<BagMessage> msgs = new ArrayList<>();
        List<BagProblem> problems = new ArrayList<>();
        try (BagReader r = BagFiles.open(bag, Long.MIN_VALUE, Long.MAX_VALUE, problems::add)) {
            for (BagMessage m = r.next(); m != null; m = r.next()) msgs.add(m);
        } catch (IOException e) {
            return new Outcome(msgs, problems, e);
        }
        return new Outcome(msgs, problems, null);
    }

    private Path bag(Mcap.Compression c) throws IOException {
        Path f = dir.resolve("b-" + c + ".mcap");
        TestBags.write(f, c, CdrEncoding.CDR_LE, 6, 50);
        return f;
    }

    /** Offset of the first top-level record with this opcode. */
    static int firstRecord(byte[] b, int op) {
        int pos = 8;
        while (pos + 9 <= b.length) {
            long len = ByteBuffer.wrap(b, pos + 1, 8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            if ((b[pos] & 0xff) == op) return pos;
            pos += 9 + (int) len;
        }
        throw new AssertionError("no record " + op);
    }

    @Test
    void aTruncatedFileGivesItsMessagesThenSaysWhereItWasCut() throws IOException {
        Path f = bag(Mcap.Compression.ZSTD);
        byte[] b = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.mcap");
        Files.write(cut, java.util.Arrays.copyOf(b, b.length * 2 / 3));
        Outcome o = read(cut);
        assertTrue(o.error() instanceof BagFormatException, String.valueOf(o.error()));
        assertTrue(o.error().getMessage().contains("truncated"), o.error().getMessage());
        assertTrue(
                o.messages().size() > 10,
                "messages before the cut: " + o.messages().size());
    }

    @Test
    void badMagicIsRefused() throws IOException {
        Path f = dir.resolve("bad.mcap");
        byte[] b = Files.readAllBytes(bag(Mcap.Compression.NONE));
        b[1] = 'X';
        Files.write(f, b);
        IOException e = assertThrows(IOException.class, () -> BagFiles.open(f, 0, Long.MAX_VALUE, p -> {}));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
    }

    @Test
    void aChunkWithABadCrcIsReportedAndSkippedAndTheRestIsRead() throws IOException {
        byte[] b = Files.readAllBytes(bag(Mcap.Compression.NONE));
        byte[] needle = "step 0 pick".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(b, needle);
        b[at] = 'S';
        Path f = dir.resolve("crc.mcap");
        Files.write(f, b);
        Outcome o = read(f);
        assertEquals(null, o.error());
        // the chunk's own CRC, then the data section's (the writer computes both)
        assertEquals(
                List.of("CHUNK_CRC_MISMATCH", "DATA_SECTION_CRC_MISMATCH"),
                o.problems().stream().map(BagProblem::reason).toList());
        assertTrue(o.messages().size() > 0 && o.messages().size() < 6 * 5 + 50);
    }

    @Test
    void aChunkThatDecompressesToAnotherSizeIsReported() throws IOException {
        for (Mcap.Compression c : Mcap.Compression.values()) {
            for (int delta : new int[] {-1, 1}) {
                byte[] b = Files.readAllBytes(bag(c));
                int chunk = firstRecord(b, Mcap.OP_CHUNK);
                ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                int sizeAt = chunk + 9 + 16;
                bb.putLong(sizeAt, bb.getLong(sizeAt) + delta);
                Path f = dir.resolve("size.mcap");
                Files.write(f, b);
                Outcome o = read(f);
                assertEquals(null, o.error(), c + " " + delta);
                assertEquals(2, o.problems().size(), c + " " + delta); // the chunk, then the data section CRC
                assertTrue(o.problems().get(0).reason().startsWith("CHUNK_"), c + " " + delta + ": " + o.problems());
            }
        }
    }

    @Test
    void aHostileChunkSizeIsAProblemNotAnAllocation() throws IOException {
        byte[] b = Files.readAllBytes(bag(Mcap.Compression.ZSTD));
        int chunk = firstRecord(b, Mcap.OP_CHUNK);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(chunk + 9 + 16, Long.MAX_VALUE / 2);
        Path f = dir.resolve("huge.mcap");
        Files.write(f, b);
        Outcome o = read(f);
        assertEquals("CHUNK_TOO_LARGE", o.problems().get(0).reason());
    }

    /** A reader over fixed messages, to give the importer channels a writer would not produce. */
    static BagReader listReader(List<BagMessage> messages) {
        Iterator<BagMessage> it = messages.iterator();
        return new BagReader() {
            @Override
            public BagMessage next() {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public void close() {}
        };
    }

    static List<DeadLetter> importDeadLetters(List<BagMessage> messages) throws Exception {
        List<DeadLetter> dlq = new ArrayList<>();
        BagImporter imp = new BagImporter(
                ImportMapping.defaults("r1"),
                (topic, key, ts, v) -> {
                    if (topic.equals(TopicCatalog.DLQ)) dlq.add((DeadLetter) v);
                },
                0,
                false,
                0,
                null);
        imp.run(listReader(messages), 0);
        return dlq;
    }

    @Test
    void anUnknownMessageEncodingIsADeadLetter() throws Exception {
        BagSchema s = new BagSchema(1, "std_msgs/msg/String", "ros2msg", "string data\n".getBytes());
        BagChannel ch = new BagChannel(0, "/chatter", "std_msgs/msg/String", "protobuf", s);
        List<DeadLetter> dlq = importDeadLetters(List.of(new BagMessage(ch, 0, 1, 1, new byte[] {1, 2, 3})));
        assertEquals(1, dlq.size());
        assertEquals("UNKNOWN_MESSAGE_ENCODING", dlq.get(0).getReason());
        assertEquals("/chatter", dlq.get(0).getSourceTopic());
        assertEquals("import", dlq.get(0).getStage());
    }

    @Test
    void aCdrLengthPastTheEndIsADeadLetterAndTheImportGoesOn() throws Exception {
        BagSchema s = new BagSchema(1, "std_msgs/msg/String", "ros2msg", "string data\n".getBytes());
        BagChannel ch = new BagChannel(0, "/chatter", "std_msgs/msg/String", "cdr", s);
        byte[] hostile = {0, 1, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 'h', 'i', 0};
        byte[] good = {0, 1, 0, 0, 3, 0, 0, 0, 'h', 'i', 0};
        List<DeadLetter> dlq = new ArrayList<>();
        List<Object> sent = new ArrayList<>();
        BagImporter imp = new BagImporter(
                ImportMapping.defaults("r1"),
                (topic, key, ts, v) -> {
                    if (topic.equals(TopicCatalog.DLQ)) dlq.add((DeadLetter) v);
                    else sent.add(v);
                },
                0,
                false,
                0,
                null);
        imp.run(listReader(List.of(new BagMessage(ch, 0, 1, 1, hostile), new BagMessage(ch, 1, 2, 2, good))), 0);
        assertEquals(1, dlq.size());
        assertEquals("CDR_TRUNCATED", dlq.get(0).getReason());
        assertEquals(1, sent.size());
    }

    @Test
    void anUnsupportedImageEncodingIsADeadLetter() throws Exception {
        Path f = bag(Mcap.Compression.NONE);
        List<BagMessage> msgs = new ArrayList<>(read(f).messages());
        // rewrite one rgb8 image as bayer
        BagMessage m = msgs.stream()
                .filter(x -> x.channel().topic().equals("/cam/rgb"))
                .findFirst()
                .orElseThrow();
        byte[] d = m.data().clone();
        int at = indexOf(d, "rgb8".getBytes(StandardCharsets.UTF_8));
        System.arraycopy("yuv2".getBytes(StandardCharsets.UTF_8), 0, d, at, 4);
        List<DeadLetter> dlq = importDeadLetters(List.of(new BagMessage(m.channel(), 0, 1, 1, d)));
        assertEquals("UNSUPPORTED_IMAGE_ENCODING", dlq.get(0).getReason());
    }

    @Test
    void randomMutationsOfTheRealRecordingsNeverCrashOrHang() throws Exception {
        Path root = RosbagFixtures.require("mcap");
        List<Path> files = new ArrayList<>();
        for (String f : List.of("talker/talker.mcap", "cdr_test/cdr_test_0.mcap", "wbag/wbag_0.mcap")) {
            files.add(root.resolve(f));
        }
        SplittableRandom rnd = new SplittableRandom(20240611);
        int errors = 0, problems = 0, deadLetters = 0;
        for (int i = 0; i < 150; i++) {
            Path src = files.get(i % files.size());
            byte[] b = Files.readAllBytes(src);
            int flips = 1 + rnd.nextInt(8);
            for (int k = 0; k < flips; k++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            if (rnd.nextInt(10) == 0) b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            Path f = dir.resolve("fuzz.mcap");
            Files.write(f, b);
            List<DeadLetter> dlq = new ArrayList<>();
            BagImporter imp = new BagImporter(
                    ImportMapping.defaults("fuzz"),
                    (topic, key, ts, v) -> {
                        if (topic.equals(TopicCatalog.DLQ)) dlq.add((DeadLetter) v);
                    },
                    0,
                    false,
                    0,
                    null);
            try (BagReader r = BagFiles.open(f, Long.MIN_VALUE, Long.MAX_VALUE, imp::problem)) {
                imp.run(r, 0);
            } catch (IOException e) {
                errors++;
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            }
            for (DeadLetter d : dlq) {
                assertTrue(!d.getReason().isBlank() && !d.getError().isBlank());
                assertTrue(d.getValue() == null || d.getValue().remaining() <= TopicCatalog.DLQ_MAX_MESSAGE_BYTES);
            }
            deadLetters += dlq.size();
        }
        // the mutations must have hit something
        assertTrue(errors + deadLetters > 30, "errors=" + errors + " dead letters=" + deadLetters);
    }

    static int indexOf(byte[] b, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= b.length; i++) {
            for (int j = 0; j < needle.length; j++) if (b[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
