package io.braid.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    private final Tokenizer tok = Tokenizer.defaultTokenizer();

    @Test
    void specialIdsAreFixed() {
        assertEquals("<pad>", tok.word(Tokenizer.PAD));
        assertEquals("<mask>", tok.word(Tokenizer.MASK));
        assertEquals("<unk>", tok.word(Tokenizer.UNK));
    }

    @Test
    void encodesCaseAndPunctuationInsensitivelyWithUnkAndPadding() {
        int[] ids = tok.encode("Pick the BOLT, in zone alpha!? xyzzy", 8);
        assertEquals("pick", tok.word(ids[0]));
        assertEquals("bolt", tok.word(ids[2]));
        assertEquals(Tokenizer.UNK, ids[6]);
        assertEquals(Tokenizer.PAD, ids[7]);
    }

    @Test
    void truncatesAcrossLinesDeterministically() {
        int[] a = tok.encode(List.of("grab the gear", "now place the cap in zone delta"), 5);
        int[] b = tok.encode(List.of("grab the gear", "now place the cap in zone delta"), 5);
        assertArrayEquals(a, b);
        assertEquals("place", tok.word(a[4]));
    }
}
