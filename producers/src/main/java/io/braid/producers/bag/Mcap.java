package io.braid.producers.bag;

/** Constants of the MCAP format (https://mcap.dev/spec, major version 0). */
public final class Mcap {
    /** 0x89 M C A P 0 \r \n, at the start and the end of every file. */
    public static final byte[] MAGIC = {(byte) 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};

    public static final int OP_HEADER = 0x01;
    public static final int OP_FOOTER = 0x02;
    public static final int OP_SCHEMA = 0x03;
    public static final int OP_CHANNEL = 0x04;
    public static final int OP_MESSAGE = 0x05;
    public static final int OP_CHUNK = 0x06;
    public static final int OP_MESSAGE_INDEX = 0x07;
    public static final int OP_CHUNK_INDEX = 0x08;
    public static final int OP_ATTACHMENT = 0x09;
    public static final int OP_ATTACHMENT_INDEX = 0x0A;
    public static final int OP_STATISTICS = 0x0B;
    public static final int OP_METADATA = 0x0C;
    public static final int OP_METADATA_INDEX = 0x0D;
    public static final int OP_SUMMARY_OFFSET = 0x0E;
    public static final int OP_DATA_END = 0x0F;

    /** Opcode (1) + content length (8). */
    public static final int RECORD_PREFIX = 9;
    /** Footer content: summary_start (8), summary_offset_start (8), summary_crc (4). */
    public static final int FOOTER_CONTENT = 20;

    /** Chunk compressions this reader and the writer know. */
    public enum Compression {
        NONE(""),
        ZSTD("zstd"),
        LZ4("lz4");

        public final String id;

        Compression(String id) {
            this.id = id;
        }
    }

    private Mcap() {}

    static boolean isMagic(byte[] b, int off) {
        if (b.length - off < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) if (b[off + i] != MAGIC[i]) return false;
        return true;
    }
}
