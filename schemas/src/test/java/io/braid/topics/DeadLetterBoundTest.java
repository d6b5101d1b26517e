package io.braid.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Oversized dead letters keep their head, their size and a hash of the whole original. */
class DeadLetterBoundTest {
    static DeadLetter letter(byte[] key, byte[] value) {
        return DeadLetter.newBuilder()
                .setSourceTopic("robot.sensor")
                .setSourcePartition(0)
                .setSourceOffset(7)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setStage("deserialize")
                .setReason("BAD_MAGIC_BYTE")
                .setError("bad magic byte")
                .setFailedAt(Instant.EPOCH)
                .build();
    }

    @Test
    void aSmallDeadLetterIsUntouched() {
        DeadLetter d = letter("r1".getBytes(), new byte[100]);
        assertFalse(DeadLetterBound.apply(d, 1000));
        assertEquals(100, d.getValue().remaining());
        assertEquals("bad magic byte", d.getError());
        assertFalse(d.getTruncated());
        assertEquals(null, d.getOriginalValueBytes());
    }

    @Test
    void anOversizedValueKeepsItsHeadSizeAndHash() {
        byte[] value = new byte[3 * 1024 * 1024];
        new SplittableRandom(1).nextBytes(value);
        String hash = DeadLetterBound.sha256(ByteBuffer.wrap(value));
        DeadLetter d = letter("r1".getBytes(), value);
        assertTrue(DeadLetterBound.apply(d, 100_000));
        byte[] kept = new byte[d.getValue().remaining()];
        d.getValue().duplicate().get(kept);
        assertEquals(100_000 - 2, kept.length);
        assertArrayEquals(Arrays.copyOf(value, kept.length), kept, "the head of the original");
        assertEquals("r1", new String(d.getKey().array()));
        assertTrue(d.getError().startsWith("bad magic byte [truncated value: original_bytes=3145728"), d.getError());
        assertTrue(d.getError().contains("kept_bytes=99998 sha256=" + hash), d.getError());
        assertEquals("BAD_MAGIC_BYTE", d.getReason(), "the reason stays the original one");
        assertTrue(d.getTruncated());
        assertEquals(3L * 1024 * 1024, d.getOriginalValueBytes());
        assertEquals(hash, d.getValueSha256());
        assertEquals(null, d.getOriginalKeyBytes(), "the key was whole");
        assertEquals(null, d.getKeySha256());
    }

    @Test
    void anOversizedKeyIsCutToo() {
        DeadLetter d = letter(new byte[50_000], new byte[60_000]);
        assertTrue(DeadLetterBound.apply(d, 20_000));
        assertEquals(DeadLetterBound.KEY_HEAD_BYTES, d.getKey().remaining());
        assertEquals(20_000 - DeadLetterBound.KEY_HEAD_BYTES, d.getValue().remaining());
        assertTrue(d.getError().contains("[truncated key: original_bytes=50000"), d.getError());
        assertTrue(d.getError().contains("[truncated value: original_bytes=60000"), d.getError());
        assertEquals(50_000L, d.getOriginalKeyBytes());
        assertEquals(DeadLetterBound.sha256(ByteBuffer.wrap(new byte[50_000])), d.getKeySha256());
        assertEquals(60_000L, d.getOriginalValueBytes());
    }
}
