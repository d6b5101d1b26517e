package io.braid.producers.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The text rendering of notes/methods.md §6.4: a noun synonym (obj), a verb synonym (verb) and a zone word (zone) in one
 * of three templates, plus 0-2 fillers at random positions; at most 8 words.
 */
public final class TextRenderer {
    public static final int MAX_WORDS = 8;

    private TextRenderer() {}

    public static String line(SegmentFactors f, SplittableRandom rng) {
        String noun = Rendering.NOUNS[f.obj()][rng.nextInt(2)];
        String verb = Rendering.VERBS[f.verb()][rng.nextInt(2)];
        String zone = Rendering.ZONES[f.zone()];
        List<String> words = new ArrayList<>(MAX_WORDS);
        switch (rng.nextInt(3)) {
            case 0 -> words.addAll(List.of(verb, "the", noun, "in", "zone", zone));
            case 1 -> words.addAll(List.of(noun, verb, "zone", zone));
            default -> words.addAll(List.of("zone", zone, verb, noun));
        }
        int fillers = rng.nextInt(3);
        for (int i = 0; i < fillers; i++) {
            String filler = Rendering.FILLERS[rng.nextInt(Rendering.FILLERS.length)];
            words.add(rng.nextInt(words.size() + 1), filler);
        }
        return String.join(" ", words);
    }
}
