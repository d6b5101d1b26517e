package io.braid.producers.bag;

import com.github.luben.zstd.Zstd;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;

/**
 * Streams the messages of one MCAP file front to back (https://mcap.dev/spec): magic, header, then the data section's
 * schemas, channels, messages and chunks (none, zstd or lz4 frame; the uncompressed CRC checked), the data end's CRC over
 * every byte before it, then the summary (read past, its CRC checked against the footer) and the closing magic. The
 * summary and indexes are never needed: a file cut short by a crash yields every message before the cut, then a clear
 * error. Messages of one chunk come out sorted by log time.
 *
 * <p>A chunk that fails its CRC, does not decompress to its declared size or uses an unknown compression is reported as a
 * {@link BagProblem} and skipped: the outer record framing still says where the next record starts.
 */
public final class McapReader implements BagReader {
    /** The largest chunk this reader decompresses; a bigger declared size is a problem, not an allocation. */
    public static final long DEFAULT_MAX_CHUNK_BYTES = 512L * 1024 * 1024;

    private final String name;
    private final InputStream in;
    private final long size;
    private final long fromNs;
    private final long toNs;
    private final Consumer<BagProblem> problems;
    private final long maxChunkBytes;
    private final Map<Integer, BagSchema> schemas = new HashMap<>();
    private final Map<Integer, BagChannel> channels = new HashMap<>();
    private final ArrayDeque<BagMessage> pending = new ArrayDeque<>();
    private final CRC32 dataCrc = new CRC32();
    private final CRC32 summaryCrc = new CRC32();
    private final byte[] prefix = new byte[Mcap.RECORD_PREFIX];
    private long pos;
    private boolean inData = true;
    private long summaryStart = -1;
    private boolean done;
    private String profile = "";

    public McapReader(Path file, long fromNs, long toNs, Consumer<BagProblem> problems) throws IOException {
        this(file, fromNs, toNs, problems, DEFAULT_MAX_CHUNK_BYTES);
    }

    public McapReader(Path file, long fromNs, long toNs, Consumer<BagProblem> problems, long maxChunkBytes)
            throws IOException {
        this.name = file.getFileName().toString();
        this.size = Files.size(file);
        this.fromNs = fromNs;
        this.toNs = toNs;
        this.problems = problems;
        this.maxChunkBytes = maxChunkBytes;
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            open();
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private void open() throws IOException {
        if (size < 2L * Mcap.MAGIC.length + Mcap.RECORD_PREFIX) {
            throw new BagFormatException(name + ": " + size + " bytes is too short for an MCAP file");
        }
        byte[] magic = new byte[Mcap.MAGIC.length];
        read(magic, 0, magic.length);
        if (!Mcap.isMagic(magic, 0)) throw new BagFormatException(name + ": not an MCAP file (bad magic)");
        byte[] header = nextRecord();
        if (header == null || prefix[0] != Mcap.OP_HEADER) {
            throw new BagFormatException(name + ": the first record is not a Header (op 0x01)");
        }
        LeBuf h = new LeBuf(header, 0, header.length, name + " header");
        profile = h.str("profile");
    }

    /** The profile named in the header ("ros2" for rosbag2). */
    public String profile() {
        return profile;
    }

    @Override
    public BagMessage next() throws IOException {
        while (pending.isEmpty() && !done) step();
        return pending.poll();
    }

    /** Reads one top-level record and acts on it. */
    private void step() throws IOException {
        long start = pos;
        byte[] content = nextRecord();
        int op = prefix[0] & 0xff;
        if (content == null) return; // skipped (attachment, index, unknown op)
        String where = name + " @" + start;
        switch (op) {
            case Mcap.OP_SCHEMA -> schema(new LeBuf(content, 0, content.length, where));
            case Mcap.OP_CHANNEL -> channel(new LeBuf(content, 0, content.length, where));
            case Mcap.OP_MESSAGE -> {
                BagMessage m = message(new LeBuf(content, 0, content.length, where));
                if (m != null) pending.add(m);
            }
            case Mcap.OP_CHUNK -> chunk(content, where);
            case Mcap.OP_DATA_END -> {
                long declared = new LeBuf(content, 0, content.length, where).u32();
                // the CRC covers every byte before this record, magic included; 0 = not computed
                long actual = crcBefore;
                if (declared != 0 && declared != actual) {
                    problems.accept(new BagProblem(
                            "DATA_SECTION_CRC_MISMATCH",
                            where + ": data section CRC is 0x" + Long.toHexString(actual) + ", data end says 0x"
                                    + Long.toHexString(declared),
                            null,
                            new byte[0]));
                }
                inData = false;
                summaryStart = pos;
            }
            case Mcap.OP_FOOTER -> footer(content, where);
            default -> {}
        }
    }

    private long crcBefore;

    /**
     * Reads the next record's prefix and content; returns null for a record this reader skips (its bytes still count in
     * the CRCs). The footer's content is returned whole.
     */
    private byte[] nextRecord() throws IOException {
        long start = pos;
        long left = size - pos;
        if (left < Mcap.RECORD_PREFIX + Mcap.MAGIC.length) {
            throw new BagFormatException(name + ": truncated at byte " + pos + " of " + size
                    + " (no room for another record and the closing magic)");
        }
        crcBefore = dataCrc.getValue();
        read(prefix, 0, prefix.length);
        int op = prefix[0] & 0xff;
        long len = LeBuf.get64(prefix, 1);
        long avail = size - pos - Mcap.MAGIC.length;
        if (len < 0 || len > avail) {
            throw new BagFormatException(String.format(
                    "%s: truncated or corrupt: record op 0x%02x at byte %d declares %d content bytes, %d remain",
                    name, op, start, len, Math.max(0, avail)));
        }
        boolean keep =
                switch (op) {
                    case Mcap.OP_HEADER,
                            Mcap.OP_SCHEMA,
                            Mcap.OP_CHANNEL,
                            Mcap.OP_MESSAGE,
                            Mcap.OP_CHUNK,
                            Mcap.OP_DATA_END,
                            Mcap.OP_FOOTER -> inData || op == Mcap.OP_FOOTER;
                    default -> false;
                };
        if (!keep) {
            skip(len);
            return null;
        }
        if (len > Integer.MAX_VALUE - 16) {
            throw new BagFormatException(name + ": record at byte " + start + " is " + len + " bytes (over 2 GiB)");
        }
        if (op == Mcap.OP_FOOTER) {
            byte[] c = new byte[(int) len];
            // the summary CRC ends before the footer's own summary_crc field
            readFooter(c);
            return c;
        }
        byte[] c = new byte[(int) len];
        read(c, 0, c.length);
        return c;
    }

    private void readFooter(byte[] c) throws IOException {
        if (c.length < Mcap.FOOTER_CONTENT) {
            throw new BagFormatException(name + ": footer has " + c.length + " bytes, expected 20");
        }
        int crcAt = 16;
        read(c, 0, crcAt);
        long sumCrc = summaryCrc.getValue();
        read(c, crcAt, c.length - crcAt);
        footerSummaryCrc = sumCrc;
    }

    private long footerSummaryCrc;

    private void footer(byte[] c, String where) throws IOException {
        LeBuf f = new LeBuf(c, 0, c.length, where);
        long declaredStart = f.u64();
        f.u64(); // summary_offset_start
        long crc = f.u32();
        if (declaredStart != 0 && crc != 0) {
            if (declaredStart != summaryStart) {
                problems.accept(new BagProblem(
                        "SUMMARY_OFFSET_MISMATCH",
                        where + ": footer says the summary starts at " + declaredStart + ", it starts at "
                                + summaryStart,
                        null,
                        new byte[0]));
            } else if (crc != footerSummaryCrc) {
                problems.accept(new BagProblem(
                        "SUMMARY_CRC_MISMATCH",
                        where + ": summary CRC is 0x" + Long.toHexString(footerSummaryCrc) + ", footer says 0x"
                                + Long.toHexString(crc),
                        null,
                        new byte[0]));
            }
        }
        byte[] magic = new byte[Mcap.MAGIC.length];
        read(magic, 0, magic.length);
        if (!Mcap.isMagic(magic, 0)) throw new BagFormatException(name + ": bad closing magic after the footer");
        if (pos != size) throw new BagFormatException(name + ": " + (size - pos) + " bytes after the closing magic");
        done = true;
    }

    private void schema(LeBuf r) throws BagFormatException {
        int id = r.u16();
        String n = r.str("schema name");
        String enc = r.str("schema encoding");
        long len = r.u32();
        byte[] data = r.bytes(len, "schema data");
        if (id == 0) throw new BagFormatException(name + ": schema id 0 is reserved");
        schemas.put(id, new BagSchema(id, n, enc, data));
    }

    private void channel(LeBuf r) throws BagFormatException {
        int id = r.u16();
        int schemaId = r.u16();
        String topic = r.str("topic");
        String enc = r.str("message encoding");
        r.stringMap("channel metadata");
        BagSchema s = schemaId == 0 ? null : schemas.get(schemaId);
        if (schemaId != 0 && s == null) {
            problems.accept(new BagProblem(
                    "UNKNOWN_SCHEMA",
                    name + ": channel " + topic + " names schema " + schemaId + " before it is defined",
                    topic,
                    new byte[0]));
        }
        channels.put(id, new BagChannel(id, topic, s == null ? "" : s.name(), enc, s));
    }

    private BagMessage message(LeBuf r) throws BagFormatException {
        int channelId = r.u16();
        long seq = r.u32();
        long logTime = r.u64();
        long publishTime = r.u64();
        byte[] data = r.bytes(r.remaining(), "message data");
        BagChannel ch = channels.get(channelId);
        if (ch == null) {
            problems.accept(new BagProblem(
                    "UNKNOWN_CHANNEL",
                    name + ": message on channel " + channelId + " that was never defined",
                    null,
                    data));
            return null;
        }
        if (logTime < fromNs || logTime >= toNs) return null;
        return new BagMessage(ch, seq, logTime, publishTime, data);
    }

    private void chunk(byte[] content, String where) throws BagFormatException {
        LeBuf r = new LeBuf(content, 0, content.length, where + " chunk");
        long startTime = r.u64();
        long endTime = r.u64();
        long uncompressedSize = r.u64();
        long crc = r.u32();
        String compression = r.str("compression");
        long recordsLen = r.u64();
        if (recordsLen < 0 || recordsLen > r.remaining()) {
            problem(
                    "CHUNK_INVALID",
                    where + ": chunk records declare " + recordsLen + " bytes, " + r.remaining() + " remain",
                    content);
            return;
        }
        int off = r.pos;
        int len = (int) recordsLen;
        if (uncompressedSize < 0 || uncompressedSize > maxChunkBytes) {
            problem(
                    "CHUNK_TOO_LARGE",
                    where + ": chunk declares " + Long.toUnsignedString(uncompressedSize)
                            + " uncompressed bytes, the limit is " + maxChunkBytes,
                    content);
            return;
        }
        boolean anyInRange = endTime >= fromNs && startTime < toNs;
        byte[] records;
        try {
            records = decompress(compression, content, off, len, (int) uncompressedSize, where);
        } catch (ChunkException e) {
            problem(e.reason, e.getMessage(), content);
            return;
        }
        if (records == null) return;
        if (crc != 0) {
            CRC32 c = new CRC32();
            c.update(records, 0, records.length);
            if (c.getValue() != crc) {
                problem(
                        "CHUNK_CRC_MISMATCH",
                        where + ": chunk CRC is 0x" + Long.toHexString(c.getValue()) + ", the chunk says 0x"
                                + Long.toHexString(crc),
                        content);
                return;
            }
        }
        List<BagMessage> out = new ArrayList<>();
        LeBuf in = new LeBuf(records, 0, records.length, where + " chunk records");
        try {
            while (in.remaining() > 0) {
                int op = in.u8();
                long rl = in.u64();
                if (rl < 0 || rl > in.remaining()) {
                    throw new BagFormatException(where + ": chunk record op 0x" + Integer.toHexString(op) + " declares "
                            + rl + " bytes, " + in.remaining() + " remain in the chunk");
                }
                LeBuf rec = new LeBuf(records, in.pos, in.pos + (int) rl, where + " chunk record");
                in.skip(rl, "chunk record");
                switch (op) {
                    case Mcap.OP_SCHEMA -> schema(rec);
                    case Mcap.OP_CHANNEL -> channel(rec);
                    case Mcap.OP_MESSAGE -> {
                        if (!anyInRange) break;
                        BagMessage m = message(rec);
                        if (m != null) out.add(m);
                    }
                    default -> {}
                }
            }
        } catch (BagFormatException e) {
            problem("CHUNK_RECORD_INVALID", e.getMessage(), content);
        }
        out.sort(Comparator.comparingLong(BagMessage::logTimeNs));
        pending.addAll(out);
    }

    private void problem(String reason, String detail, byte[] bytes) {
        problems.accept(new BagProblem(reason, detail, null, bytes));
    }

    /** Thrown inside chunk decoding: the chunk is skipped with this reason. */
    private static final class ChunkException extends Exception {
        final String reason;

        ChunkException(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    private static byte[] decompress(String compression, byte[] src, int off, int len, int size, String where)
            throws ChunkException {
        switch (compression) {
            case "" -> {
                if (len != size) {
                    throw new ChunkException(
                            "CHUNK_SIZE_MISMATCH",
                            where + ": uncompressed chunk holds " + len + " bytes, it declares " + size);
                }
                byte[] out = new byte[size];
                System.arraycopy(src, off, out, 0, len);
                return out;
            }
            case "zstd" -> {
                byte[] out = new byte[size];
                long n;
                try {
                    n = Zstd.decompressByteArray(out, 0, size, src, off, len);
                } catch (RuntimeException e) {
                    String err = String.valueOf(e.getMessage());
                    throw new ChunkException(
                            err.contains("too small") ? "CHUNK_SIZE_MISMATCH" : "CHUNK_DECOMPRESS_FAILED",
                            where + ": zstd chunk does not decompress into its declared " + size + " bytes: "
                                    + e.getMessage());
                }
                if (Zstd.isError(n)) {
                    String err = Zstd.getErrorName(n);
                    throw new ChunkException(
                            err.contains("too small") ? "CHUNK_SIZE_MISMATCH" : "CHUNK_DECOMPRESS_FAILED",
                            where + ": zstd chunk does not decompress into its declared " + size + " bytes: "
                                    + Zstd.getErrorName(n));
                }
                if (n != size) {
                    throw new ChunkException(
                            "CHUNK_SIZE_MISMATCH",
                            where + ": zstd chunk decompresses to " + n + " bytes, it declares " + size);
                }
                return out;
            }
            case "lz4" -> {
                byte[] out = new byte[size];
                try (InputStream lz = new FramedLZ4CompressorInputStream(new ByteArrayInputStream(src, off, len))) {
                    int got = 0;
                    while (got < size) {
                        int k = lz.read(out, got, size - got);
                        if (k < 0) break;
                        got += k;
                    }
                    if (got != size || lz.read() != -1) {
                        throw new ChunkException(
                                "CHUNK_SIZE_MISMATCH",
                                where + ": lz4 chunk decompresses to " + (got == size ? "more than " : "") + got
                                        + " bytes, it declares " + size);
                    }
                    return out;
                } catch (IOException | RuntimeException e) {
                    throw new ChunkException(
                            "CHUNK_DECOMPRESS_FAILED", where + ": lz4 chunk does not decompress: " + e.getMessage());
                }
            }
            default -> throw new ChunkException(
                    "UNKNOWN_COMPRESSION",
                    where + ": chunk compression '" + compression + "' is not none, zstd or lz4");
        }
    }

    private void read(byte[] b, int off, int n) throws IOException {
        int got = 0;
        while (got < n) {
            int k = in.read(b, off + got, n - got);
            if (k < 0)
                throw new EOFException(name + ": file ended at byte " + (pos + got) + " (expected " + size + ")");
            got += k;
        }
        account(b, off, n);
    }

    private void account(byte[] b, int off, int n) {
        if (inData) dataCrc.update(b, off, n);
        else summaryCrc.update(b, off, n);
        pos += n;
    }

    private void skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
        while (n > 0) {
            int k = (int) Math.min(n, buf.length);
            read(buf, 0, k);
            n -= k;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
