package io.braid.bench;

import io.braid.cli.support.HelpSections;
import io.braid.producers.bag.BagFiles;
import io.braid.producers.bag.BagReader;
import io.braid.producers.bag.Mcap;
import io.braid.producers.bag.McapWriter;
import io.braid.producers.imports.BagImporter;
import io.braid.producers.imports.ImportMapping;
import io.braid.producers.ros.BuiltinDefinitions;
import io.braid.producers.ros.CdrEncoder;
import io.braid.producers.ros.CdrEncoding;
import io.braid.producers.ros.MsgDefinitions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `braid bench import`: reading + decoding + mapping a ROS 2 bag against reading the same bytes raw. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "ROS 2 bag import: read + decode + map a generated MCAP bag, against a raw read of the same file.",
            "",
            "Writes a bag of camera frames (rgb8), IMU samples and strings in chunks of the chosen compression,",
            "then times, best of --repeats, (a) reading the file's bytes raw and (b) braid import's reading,",
            "CDR decoding and mapping into SensorChunk/CameraFrame/TextEvent records (no Kafka).",
            "Ends with: RESULT import mb_per_s=... messages_per_s=... raw_read_ratio=..."
        })
public final class BenchImportCommand implements Callable<Integer>, HelpSections.Declared {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--size-mb",
            defaultValue = "64",
            description = "Bag size to generate, MB. Default: ${DEFAULT-VALUE}.")
    int sizeMb;

    @Option(
            names = "--compression",
            defaultValue = "ZSTD",
            description = "Chunk compression: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Mcap.Compression compression;

    @Option(names = "--width", defaultValue = "320", description = "Frame width. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--height", defaultValue = "240", description = "Frame height. Default: ${DEFAULT-VALUE}.")
    int height;

    @Option(
            names = "--repeats",
            defaultValue = "3",
            description = "Timed runs of each; the best counts. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Override
    public Integer call() throws Exception {
        if (sizeMb < 1 || repeats < 1 || width < 1 || height < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "sizes and repeats must be >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("braid-bench-import");
        Path bag = dir.resolve("bench.mcap");
        try {
            long messages = writeBag(bag);
            long bytes = Files.size(bag);
            System.err.printf(
                    "bench import: wrote %s, %.1f MB, %d messages (%s chunks)%n",
                    bag, bytes / 1e6, messages, compression);
            double raw = Double.MAX_VALUE, imp = Double.MAX_VALUE;
            long records = 0;
            for (int i = 0; i < repeats; i++) {
                raw = Math.min(raw, rawRead(bag));
                long t0 = System.nanoTime();
                long[] count = new long[1];
                BagImporter importer = new BagImporter(
                        ImportMapping.defaults("bench"), (t, k, ts, v) -> count[0]++, 0, false, 0, null);
                BagImporter.Result r;
                try (BagReader reader = BagFiles.open(bag, Long.MIN_VALUE, Long.MAX_VALUE, importer::problem)) {
                    r = importer.run(reader, messages);
                }
                imp = Math.min(imp, (System.nanoTime() - t0) / 1e9);
                if (r.messages() != messages || r.deadLetters() != 0) {
                    throw new IllegalStateException("import read " + r.messages() + " of " + messages + " messages, "
                            + r.deadLetters() + " dead letters");
                }
                records = count[0];
                System.err.printf("bench import: run %d raw %.3f s, import %.3f s%n", i + 1, raw, imp);
            }
            double mbps = bytes / 1e6 / imp, rawMbps = bytes / 1e6 / raw;
            out.printf(
                    "bag %.1f MB, %d messages -> %d records; raw read %.0f MB/s; import %.1f MB/s%n",
                    bytes / 1e6, messages, records, rawMbps, mbps);
            out.printf(
                    "RESULT import mb_per_s=%.1f messages_per_s=%.0f raw_read_ratio=%.4f%n",
                    mbps, messages / imp, mbps / rawMbps);
            out.flush();
            return 0;
        } finally {
            Files.deleteIfExists(bag);
            Files.deleteIfExists(dir);
        }
    }

    private static double rawRead(Path f) throws IOException {
        long t0 = System.nanoTime();
        long sum = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                for (int i = 0; i < n; i++) sum += buf[i];
            }
        }
        if (sum == 42) System.err.print(""); // keeps the sum alive
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Frames at 10 Hz, IMU at 200 Hz and a line per second until the bag reaches --size-mb; returns the messages. */
    private long writeBag(Path bag) throws IOException {
        SplittableRandom rnd = new SplittableRandom(1);
        long t0 = 1_700_000_000_000_000_000L;
        long target = sizeMb * 1_000_000L, written = 0, n = 0;
        Map<String, CdrEncoder> enc = new LinkedHashMap<>();
        try (McapWriter w = new McapWriter(bag, compression, 1 << 20, true)) {
            Map<String, Integer> ch = new LinkedHashMap<>();
            for (String[] t : new String[][] {
                {"/camera", "sensor_msgs/msg/Image"},
                {"/imu", "sensor_msgs/msg/Imu"},
                {"/chatter", "std_msgs/msg/String"}
            }) {
                String text = BuiltinDefinitions.TEXTS.get(t[1]);
                ch.put(t[0], w.channel(w.schema(t[1], "ros2msg", text), t[0]));
                enc.put(t[0], new CdrEncoder(new MsgDefinitions().add(t[1], text), CdrEncoding.CDR_LE));
            }
            byte[] pixels = new byte[width * height * 3];
            for (long tick = 0; written < target; tick++) { // 5 ms ticks
                long t = t0 + tick * 5_000_000L;
                Map<String, Object> imu = new LinkedHashMap<>();
                imu.put("header", header(t));
                imu.put("orientation", Map.of("x", 0.0, "y", 0.0, "z", 0.0, "w", 1.0));
                imu.put("orientation_covariance", new double[9]);
                imu.put(
                        "angular_velocity",
                        Map.of("x", rnd.nextDouble(), "y", rnd.nextDouble(), "z", rnd.nextDouble()));
                imu.put("angular_velocity_covariance", new double[9]);
                imu.put("linear_acceleration", Map.of("x", rnd.nextDouble(), "y", rnd.nextDouble(), "z", 9.81));
                imu.put("linear_acceleration_covariance", new double[9]);
                byte[] m = enc.get("/imu").encode("sensor_msgs/msg/Imu", imu);
                w.message(ch.get("/imu"), n++, t, t, m);
                written += m.length;
                if (tick % 20 == 0) {
                    // a smooth gradient with noise: compresses like a camera image, not like zeros or random bytes
                    for (int i = 0; i < pixels.length; i++)
                        pixels[i] = (byte) ((i / 3 % width) + tick + rnd.nextInt(8));
                    Map<String, Object> img = new LinkedHashMap<>();
                    img.put("header", header(t));
                    img.put("height", (long) height);
                    img.put("width", (long) width);
                    img.put("encoding", "rgb8");
                    img.put("is_bigendian", 0);
                    img.put("step", (long) width * 3);
                    img.put("data", pixels);
                    m = enc.get("/camera").encode("sensor_msgs/msg/Image", img);
                    w.message(ch.get("/camera"), n++, t, t, m);
                    written += m.length;
                }
                if (tick % 200 == 0) {
                    m = enc.get("/chatter")
                            .encode("std_msgs/msg/String", Map.of("data", "tick " + tick + " move to the shelf"));
                    w.message(ch.get("/chatter"), n++, t, t, m);
                    written += m.length;
                }
            }
        }
        return n;
    }

    private static Map<String, Object> header(long t) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("stamp", Map.of("sec", (int) (t / 1_000_000_000L), "nanosec", t % 1_000_000_000L));
        h.put("frame_id", "base");
        return h;
    }

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Bag", "--size-mb", "--compression", "--width", "--height")
                .add("Timing", "--repeats");
    }
}
