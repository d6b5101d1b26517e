package io.braid.producers.bag;

import com.github.luben.zstd.Zstd;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;

/**
 * A small MCAP writer (https://mcap.dev/spec): header with the ros2 profile, schemas and channels in the data section,
 * messages in chunks (none, zstd or lz4 frame, with the uncompressed CRC) followed by their message indexes, the data end
 * with the CRC of every byte before it, a summary (schemas, channels, statistics, chunk indexes) with its summary
 * offsets, and the footer with the summary CRC. Tests build bags with it; {@code chunkBytes = 0} writes messages outside
 * chunks and {@code summary = false} leaves the summary out, as a recorder that crashed before closing would.
 */
public final class McapWriter implements Closeable {
    private final OutputStream out;
    private final Mcap.Compression compression;
    private final int chunkBytes;
    private final boolean summary;
    private final CRC32 crc = new CRC32();
    private long pos;

    private final List<byte[]> schemaRecords = new ArrayList<>();
    private final List<byte[]> channelRecords = new ArrayList<>();
    private final List<byte[]> chunkIndexes = new ArrayList<>();
    private final Map<Integer, Long> channelCounts = new TreeMap<>();
    private long messageCount;
    private long start = Long.MAX_VALUE;
    private long end = Long.MIN_VALUE;
    private int chunkCount;

    private final ByteArrayOutputStream chunk = new ByteArrayOutputStream();
    private final Map<Integer, ByteArrayOutputStream> chunkIndex = new LinkedHashMap<>();
    private long chunkStart = Long.MAX_VALUE;
    private long chunkEnd = Long.MIN_VALUE;
    private int nextSchema = 1;
    private int nextChannel;

    public McapWriter(Path file, Mcap.Compression compression, int chunkBytes, boolean summary) throws IOException {
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        this.compression = compression;
        this.chunkBytes = chunkBytes;
        this.summary = summary;
        write(Mcap.MAGIC);
        Rec h = new Rec().str("ros2").str("braid");
        record(Mcap.OP_HEADER, h.bytes());
    }

    public McapWriter(Path file, Mcap.Compression compression) throws IOException {
        this(file, compression, 1 << 20, true);
    }

    /** Adds a schema (e.g. name sensor_msgs/msg/Imu, encoding ros2msg, the definition text); returns its id. */
    public int schema(String name, String encoding, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        byte[] r = new Rec()
                .u16(nextSchema)
                .str(name)
                .str(encoding)
                .u32(data.length)
                .raw(data)
                .bytes();
        schemaRecords.add(r);
        record(Mcap.OP_SCHEMA, r);
        return nextSchema++;
    }

    /** Adds a channel on a schema with message encoding cdr; returns its id. */
    public int channel(int schemaId, String topic) throws IOException {
        byte[] r = new Rec()
                .u16(nextChannel)
                .u16(schemaId)
                .str(topic)
                .str("cdr")
                .u32(0)
                .bytes();
        channelRecords.add(r);
        record(Mcap.OP_CHANNEL, r);
        channelCounts.put(nextChannel, 0L);
        return nextChannel++;
    }

    public void message(int channel, long sequence, long logTimeNs, long publishTimeNs, byte[] data)
            throws IOException {
        byte[] r = new Rec()
                .u16(channel)
                .u32(sequence)
                .u64(logTimeNs)
                .u64(publishTimeNs)
                .raw(data)
                .bytes();
        messageCount++;
        channelCounts.merge(channel, 1L, Long::sum);
        start = Math.min(start, logTimeNs);
        end = Math.max(end, logTimeNs);
        if (chunkBytes <= 0) {
            record(Mcap.OP_MESSAGE, r);
            return;
        }
        chunkIndex
                .computeIfAbsent(channel, c -> new ByteArrayOutputStream())
                .writeBytes(new Rec().u64(logTimeNs).u64(chunk.size()).bytes());
        chunk.write(Mcap.OP_MESSAGE);
        chunk.writeBytes(new Rec().u64(r.length).bytes());
        chunk.writeBytes(r);
        chunkStart = Math.min(chunkStart, logTimeNs);
        chunkEnd = Math.max(chunkEnd, logTimeNs);
        if (chunk.size() >= chunkBytes) flushChunk();
    }

    private void flushChunk() throws IOException {
        if (chunk.size() == 0) return;
        byte[] records = chunk.toByteArray();
        CRC32 c = new CRC32();
        c.update(records);
        byte[] compressed =
                switch (compression) {
                    case NONE -> records;
                    case ZSTD -> Zstd.compress(records, 3);
                    case LZ4 -> {
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        try (FramedLZ4CompressorOutputStream lz = new FramedLZ4CompressorOutputStream(b)) {
                            lz.write(records);
                        }
                        yield b.toByteArray();
                    }
                };
        byte[] r = new Rec()
                .u64(chunkStart)
                .u64(chunkEnd)
                .u64(records.length)
                .u32(c.getValue())
                .str(compression.id)
                .u64(compressed.length)
                .raw(compressed)
                .bytes();
        long chunkOffset = pos;
        record(Mcap.OP_CHUNK, r);
        long chunkLength = pos - chunkOffset;
        Rec offsets = new Rec();
        long indexStart = pos;
        for (Map.Entry<Integer, ByteArrayOutputStream> e : chunkIndex.entrySet()) {
            offsets.u16(e.getKey()).u64(pos);
            byte[] entries = e.getValue().toByteArray();
            record(
                    Mcap.OP_MESSAGE_INDEX,
                    new Rec().u16(e.getKey()).u32(entries.length).raw(entries).bytes());
        }
        byte[] offs = offsets.bytes();
        chunkIndexes.add(new Rec()
                .u64(chunkStart)
                .u64(chunkEnd)
                .u64(chunkOffset)
                .u64(chunkLength)
                .u32(offs.length)
                .raw(offs)
                .u64(pos - indexStart)
                .str(compression.id)
                .u64(compressed.length)
                .u64(records.length)
                .bytes());
        chunkCount++;
        chunk.reset();
        chunkIndex.clear();
        chunkStart = Long.MAX_VALUE;
        chunkEnd = Long.MIN_VALUE;
    }

    @Override
    public void close() throws IOException {
        flushChunk();
        record(Mcap.OP_DATA_END, new Rec().u32(crc.getValue()).bytes());
        long summaryStart = 0, offsetStart = 0;
        crc.reset();
        if (summary) {
            summaryStart = pos;
            Rec offsets = new Rec();
            group(offsets, Mcap.OP_SCHEMA, schemaRecords);
            group(offsets, Mcap.OP_CHANNEL, channelRecords);
            Rec counts = new Rec();
            channelCounts.forEach((ch, n) -> counts.u16(ch).u64(n));
            byte[] cm = counts.bytes();
            byte[] stats = new Rec()
                    .u64(messageCount)
                    .u16(schemaRecords.size())
                    .u32(channelRecords.size())
                    .u32(0)
                    .u32(0)
                    .u32(chunkCount)
                    .u64(messageCount == 0 ? 0 : start)
                    .u64(messageCount == 0 ? 0 : end)
                    .u32(cm.length)
                    .raw(cm)
                    .bytes();
            group(offsets, Mcap.OP_STATISTICS, List.of(stats));
            group(offsets, Mcap.OP_CHUNK_INDEX, chunkIndexes);
            offsetStart = pos;
            for (byte[] o : offsets.records) record(Mcap.OP_SUMMARY_OFFSET, o);
        } else {
            crc.reset();
        }
        byte[] footerHead = new Rec().u64(summaryStart).u64(offsetStart).bytes();
        write(new byte[] {Mcap.OP_FOOTER});
        write(new Rec().u64(Mcap.FOOTER_CONTENT).bytes());
        write(footerHead);
        write(new Rec().u32(summary ? crc.getValue() : 0).bytes());
        write(Mcap.MAGIC);
        out.close();
    }

    private void group(Rec offsets, int op, List<byte[]> records) throws IOException {
        if (records.isEmpty()) return;
        long s = pos;
        for (byte[] r : records) record(op, r);
        offsets.records.add(new Rec().u8(op).u64(s).u64(pos - s).bytes());
    }

    private void record(int op, byte[] content) throws IOException {
        write(new byte[] {(byte) op});
        write(new Rec().u64(content.length).bytes());
        write(content);
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        crc.update(b);
        pos += b.length;
    }

    /** Little-endian record content. */
    private static final class Rec {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();
        final List<byte[]> records = new ArrayList<>();

        Rec u8(int v) {
            b.write(v);
            return this;
        }

        Rec u16(int v) {
            b.write(v);
            b.write(v >> 8);
            return this;
        }

        Rec u32(long v) {
            for (int i = 0; i < 4; i++) b.write((int) (v >> (8 * i)));
            return this;
        }

        Rec u64(long v) {
            for (int i = 0; i < 8; i++) b.write((int) (v >> (8 * i)));
            return this;
        }

        Rec str(String s) {
            byte[] d = s.getBytes(StandardCharsets.UTF_8);
            u32(d.length);
            b.writeBytes(d);
            return this;
        }

        Rec raw(byte[] d) {
            b.writeBytes(d);
            return this;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }
}
