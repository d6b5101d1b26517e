package io.braid.trainer.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferedWindowTest {
    @Test
    void roundTripsEveryFieldIncludingNullAndEmptyBytes() {
        byte[] value = new byte[5000];
        new Random(3).nextBytes(value);
        BufferedWindow w = new BufferedWindow(
                "mm.windows",
                7,
                123_456_789_012L,
                1_700_000_000_123L,
                1_700_000_000_456L,
                "robot-1".getBytes(StandardCharsets.UTF_8),
                value);
        BufferedWindow back = BufferedWindow.decode(w.encode());
        assertEquals(w.topic(), back.topic());
        assertEquals(w.partition(), back.partition());
        assertEquals(w.offset(), back.offset());
        assertEquals(w.timestamp(), back.timestamp());
        assertEquals(w.readAtMs(), back.readAtMs());
        assertArrayEquals(w.key(), back.key());
        assertArrayEquals(w.value(), back.value());

        BufferedWindow empty =
                BufferedWindow.decode(new BufferedWindow(null, -1, -1, 0, 0, null, new byte[0]).encode());
        assertEquals("", empty.topic());
        assertNull(empty.key());
        assertEquals(0, empty.value().length);
    }
}
