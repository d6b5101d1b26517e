package io.braid.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Deterministic word tokenizer with a versioned, closed vocabulary. Token ids are part of the mm.windows contract, so
 * the vocabulary only ever grows at the end and every change bumps {@link #VERSION}.
 */
public final class Tokenizer {
    public static final String VERSION = "v1";
    public static final int PAD = 0;
    public static final int MASK = 1;
    public static final int UNK = 2;

    private static final List<String> WORDS = List.of(
            "<pad>",
            "<mask>",
            "<unk>",
            // nouns (object type)
            "bolt",
            "screw",
            "gear",
            "cog",
            "cap",
            "lid",
            "tube",
            "pipe",
            // verbs (commanded action)
            "pick",
            "grab",
            "place",
            "put",
            "push",
            "shove",
            "hold",
            "grip",
            // zones
            "alpha",
            "bravo",
            "charlie",
            "delta",
            // glue and fillers
            "the",
            "in",
            "zone",
            "now",
            "slowly",
            "please",
            "again");

    private static final Map<String, Integer> IDS = index();
    private static final Tokenizer DEFAULT = new Tokenizer();

    private Tokenizer() {}

    public static Tokenizer defaultTokenizer() {
        return DEFAULT;
    }

    private static Map<String, Integer> index() {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < WORDS.size(); i++) m.put(WORDS.get(i), i);
        return Collections.unmodifiableMap(m);
    }

    public int vocabularySize() {
        return WORDS.size();
    }

    public String word(int id) {
        return id >= 0 && id < WORDS.size() ? WORDS.get(id) : WORDS.get(UNK);
    }

    /** Lower-cases, splits on anything that is not a letter or digit, maps unknown words to UNK. */
    public List<Integer> tokenize(String text) {
        List<Integer> ids = new ArrayList<>();
        if (text == null) return ids;
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+")) {
            if (!w.isEmpty()) ids.add(IDS.getOrDefault(w, UNK));
        }
        return ids;
    }

    /** Tokens of the given lines in order, truncated or padded with PAD to exactly {@code length}. */
    public int[] encode(List<String> lines, int length) {
        int[] out = new int[length];
        int n = 0;
        for (String line : lines) {
            for (int id : tokenize(line)) {
                if (n == length) return out;
                out[n++] = id;
            }
        }
        return out; // the rest stays PAD (0)
    }

    public int[] encode(String line, int length) {
        return encode(List.of(line), length);
    }
}
