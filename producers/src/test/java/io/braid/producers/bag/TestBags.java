package io.braid.producers.bag;

import io.braid.producers.ros.BuiltinDefinitions;
import io.braid.producers.ros.CdrEncoder;
import io.braid.producers.ros.CdrEncoding;
import io.braid.producers.ros.MsgDefinitions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Writes test bags with the MCAP writer: Image rgb8 and mono8, CompressedImage png and jpeg, Imu and String, and keeps
 * the originals so that an import can be compared with them.
 */
public final class TestBags {
    public static final long T0 = 1_700_000_000_000_000_000L;

    /** What was written: per topic the messages' fields, stamps in ns. */
    public record Written(
            List<byte[]> rgb,
            List<byte[]> mono,
            List<byte[]> png,
            List<byte[]> jpeg,
            List<double[]> imu,
            List<Long> imuStamps,
            List<String> text,
            int width,
            int height) {}

    private TestBags() {}

    public static Map<String, Object> header(long tNs) {
        Map<String, Object> stamp = new LinkedHashMap<>();
        stamp.put("sec", (int) (tNs / 1_000_000_000L));
        stamp.put("nanosec", tNs % 1_000_000_000L);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("stamp", stamp);
        h.put("frame_id", "cam");
        return h;
    }

    public static Map<String, Object> vec(double x, double y, double z) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("x", x);
        v.put("y", y);
        v.put("z", z);
        return v;
    }

    public static byte[] encodeImage(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, format, b);
        return b.toByteArray();
    }

    /** A bag of every kind: frames frames per image topic, imu samples at 100 Hz with one gap, lines strings. */
    public static Written write(Path file, Mcap.Compression compression, CdrEncoding enc, int frames, int imuSamples)
            throws IOException {
        int w = 8, h = 6;
        SplittableRandom rnd = new SplittableRandom(7);
        Written out = new Written(
                new ArrayList<>(),
                new ArrayList<>(),
                new ArrayList<>(),
                new ArrayList<>(),
                new ArrayList<>(),
                new ArrayList<>(),
                new ArrayList<>(),
                w,
                h);
        try (McapWriter mw = new McapWriter(file, compression, 4096, true)) {
            Map<String, Integer> ch = new LinkedHashMap<>();
            String[][] topics = {
                {"/cam/rgb", "sensor_msgs/msg/Image"},
                {"/cam/mono", "sensor_msgs/msg/Image"},
                {"/cam/png", "sensor_msgs/msg/CompressedImage"},
                {"/cam/jpeg", "sensor_msgs/msg/CompressedImage"},
                {"/imu", "sensor_msgs/msg/Imu"},
                {"/chatter", "std_msgs/msg/String"}
            };
            Map<String, CdrEncoder> encoders = new LinkedHashMap<>();
            for (String[] t : topics) {
                String text = BuiltinDefinitions.TEXTS.get(t[1]);
                ch.put(t[0], mw.channel(mw.schema(t[1], "ros2msg", text), t[0]));
                encoders.put(t[0], new CdrEncoder(new MsgDefinitions().add(t[1], text), enc));
            }
            List<Pending> pending = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                long t = T0 + i * 100_000_000L;
                byte[] rgb = new byte[w * h * 3];
                rnd.nextBytes(rgb);
                byte[] mono = new byte[w * h];
                rnd.nextBytes(mono);
                out.rgb().add(rgb);
                out.mono().add(mono);
                pending.add(new Pending(
                        ch.get("/cam/rgb"),
                        t,
                        encoders.get("/cam/rgb").encode("sensor_msgs/msg/Image", image(t, w, h, "rgb8", w * 3, rgb))));
                pending.add(new Pending(
                        ch.get("/cam/mono"),
                        t + 1,
                        encoders.get("/cam/mono").encode("sensor_msgs/msg/Image", image(t, w, h, "mono8", w, mono))));
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rnd.nextInt(1 << 24));
                byte[] png = encodeImage(img, "png");
                byte[] jpeg = encodeImage(img, "jpeg");
                out.png().add(png);
                out.jpeg().add(jpeg);
                pending.add(new Pending(
                        ch.get("/cam/png"),
                        t + 2,
                        encoders.get("/cam/png").encode("sensor_msgs/msg/CompressedImage", compressed(t, "png", png))));
                pending.add(new Pending(
                        ch.get("/cam/jpeg"),
                        t + 3,
                        encoders.get("/cam/jpeg")
                                .encode("sensor_msgs/msg/CompressedImage", compressed(t, "jpeg", jpeg))));
                String line = "step " + i + " pick the red block";
                out.text().add(line);
                pending.add(new Pending(
                        ch.get("/chatter"),
                        t + 4,
                        encoders.get("/chatter").encode("std_msgs/msg/String", Map.of("data", line))));
            }
            for (int i = 0; i < imuSamples; i++) {
                // 100 Hz, with a 200 ms gap after the first half
                long t = T0 + i * 10_000_000L + (i >= imuSamples / 2 ? 200_000_000L : 0);
                double[] v = {
                    rnd.nextDouble(-9, 9),
                    rnd.nextDouble(-9, 9),
                    rnd.nextDouble(-9, 9),
                    rnd.nextDouble(-3, 3),
                    rnd.nextDouble(-3, 3),
                    rnd.nextDouble(-3, 3)
                };
                out.imu().add(v);
                out.imuStamps().add(t);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("header", header(t));
                m.put("orientation", Map.of("x", 0.0, "y", 0.0, "z", 0.0, "w", 1.0));
                m.put("orientation_covariance", new double[9]);
                m.put("angular_velocity", vec(v[3], v[4], v[5]));
                m.put("angular_velocity_covariance", new double[9]);
                m.put("linear_acceleration", vec(v[0], v[1], v[2]));
                m.put("linear_acceleration_covariance", new double[9]);
                pending.add(
                        new Pending(ch.get("/imu"), t + 5, encoders.get("/imu").encode("sensor_msgs/msg/Imu", m)));
            }
            // a recorder writes in arrival order
            pending.sort(java.util.Comparator.comparingLong(Pending::t));
            long seq = 0;
            for (Pending p : pending) mw.message(p.channel(), seq++, p.t(), p.t(), p.data());
        }
        return out;
    }

    private record Pending(int channel, long t, byte[] data) {}

    static Map<String, Object> image(long t, int w, int h, String enc, int step, byte[] data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("header", header(t));
        m.put("height", (long) h);
        m.put("width", (long) w);
        m.put("encoding", enc);
        m.put("is_bigendian", 0);
        m.put("step", (long) step);
        m.put("data", data);
        return m;
    }

    static Map<String, Object> compressed(long t, String format, byte[] data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("header", header(t));
        m.put("format", format);
        m.put("data", data);
        return m;
    }
}
