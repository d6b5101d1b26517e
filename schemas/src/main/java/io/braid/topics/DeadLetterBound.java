package io.braid.topics;

import io.braid.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Keeps a dead letter small enough for mm.dlq: an original whose key + value exceed the bound keeps the head of each
 * (the key at most {@link #KEY_HEAD_BYTES}, the value the rest), and its error text ends with the original sizes and
 * SHA-256 of what was cut, so the record can still be identified and matched against its source offset. Without the
 * bound, one oversized input record fails the DLQ sink with RecordTooLargeException and restarts the job in a loop.
 *
 * <p>The sizes and hashes are in the contract's {@code truncated}, {@code original_*_bytes} and {@code *_sha256} fields,
 * and for a human reader also at the end of {@code error} as {@code "[truncated value: original_bytes=N kept_bytes=K
 * sha256=HEX]"} (and the same for a key).
 */
public final class DeadLetterBound {
    /** The most of an oversized record's key that is kept. */
    public static final int KEY_HEAD_BYTES = 1024;

    /** Marker that starts the truncation note in the error text. */
    public static final String TRUNCATED = "[truncated ";

    private DeadLetterBound() {}

    /** Truncates d in place when its key + value exceed maxBytes; returns whether it did. */
    public static boolean apply(DeadLetter d, int maxBytes) {
        int key = size(d.getKey());
        int value = size(d.getValue());
        if ((long) key + value <= maxBytes) return false;
        int keepKey = Math.min(key, Math.min(KEY_HEAD_BYTES, maxBytes / 2));
        int keepValue = Math.min(value, maxBytes - keepKey);
        StringBuilder note = new StringBuilder();
        if (keepKey < key) {
            note.append(' ').append(describe("key", d.getKey(), keepKey));
            d.setOriginalKeyBytes((long) key);
            d.setKeySha256(sha256(d.getKey()));
            d.setKey(head(d.getKey(), keepKey));
        }
        if (keepValue < value) {
            note.append(' ').append(describe("value", d.getValue(), keepValue));
            d.setOriginalValueBytes((long) value);
            d.setValueSha256(sha256(d.getValue()));
            d.setValue(head(d.getValue(), keepValue));
        }
        d.setTruncated(true);
        d.setError(d.getError() + note);
        return true;
    }

    /** The note for one cut field, e.g. {@code [truncated value: original_bytes=3145728 kept_bytes=983040 sha256=..]}. */
    static String describe(String field, ByteBuffer original, int kept) {
        return TRUNCATED + field + ": original_bytes=" + size(original) + " kept_bytes=" + kept + " sha256="
                + sha256(original) + "]";
    }

    public static String sha256(ByteBuffer b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b.duplicate());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static int size(ByteBuffer b) {
        return b == null ? 0 : b.remaining();
    }

    private static ByteBuffer head(ByteBuffer b, int n) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[n];
        d.get(out);
        return ByteBuffer.wrap(out);
    }
}
