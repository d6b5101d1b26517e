package io.braid.flink;

import io.braid.text.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The version of everything that decides the content of a window or pair: alignment settings, standardisation
 * statistics, vocabulary and augmentation parameters. Same configuration, same version, on every machine.
 */
public final class PipelineVersion {
    private PipelineVersion() {}

    public static String of(WindowJobOptions o) {
        String canonical = o.contentConfig() + ";vocab=" + Tokenizer.VERSION;
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
        byte[] d = sha256(String.join("|", parts));
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (d[i] & 0xff);
        return v;
    }
}
