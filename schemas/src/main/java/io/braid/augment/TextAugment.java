package io.braid.augment;

import io.braid.text.Tokenizer;

/** Token masking: each non-special token independently becomes MASK with probability p (no BERT 80/10/10). */
final class TextAugment {
    private TextAugment() {}

    static int[] apply(int[] tokens, double p, Rng rng) {
        int[] out = tokens.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == Tokenizer.PAD || out[i] == Tokenizer.MASK) continue;
            if (rng.coin(p)) out[i] = Tokenizer.MASK;
        }
        return out;
    }
}
