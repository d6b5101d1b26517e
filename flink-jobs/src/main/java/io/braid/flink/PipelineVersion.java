package io.braid.flink;

import io.braid.augment.PairAugmenter;
import io.braid.text.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The version of everything that decides the content of a window or pair: alignment settings, standardisation
 * statistics, vocabulary, augmentation parameters and the version of the augmentation code ({@link
 * PairAugmenter#AUGMENT_CODE_VERSION}). Same configuration and code, same version, on every machine.
 */
public final class PipelineVersion {
    private PipelineVersion() {}

    public static String of(WindowJobOptions o) {
        return of(o, PairAugmenter.AUGMENT_CODE_VERSION);
    }

    /** The version with a given augmentation code version (tests show that bumping it changes the version). */
    static String of(WindowJobOptions o, int augmentCodeVersion) {
        String canonical = o.contentConfig() + ";vocab=" + Tokenizer.VERSION + ";augment-code=" + augmentCodeVersion;
        return "pv1-" + SensorStats.parse(o.sensorStats, o.sensorChannels).name() + "-"
                + sha256Hex(canonical).substring(0, 12);
    }

    static String sha256Hex(String s) {
        byte[] d = sha256(s);
        StringBuilder b = new StringBuilder();
        for (byte x : d) b.append(String.format("%02x", x));
        return b.toString();
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A 64-bit seed from the first 8 bytes of SHA-256 of the parts joined with '|'. */
    public static long seed(String... parts) {
        return PairAugmenter.seed64(parts);
    }
}
