package io.braid.producers.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.braid.avro.CameraFrame;
import io.braid.avro.FrameEncoding;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.producers.bag.Mcap;
import io.braid.producers.bag.McapWriter;
import io.braid.producers.imports.TopicRule;
import io.braid.producers.ros.BuiltinDefinitions;
import io.braid.producers.ros.CdrEncoder;
import io.braid.producers.ros.CdrEncoding;
import io.braid.producers.ros.MsgDefinitions;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.SerdeConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code braid record --format mcap}: the robot topics' records as ROS 2 messages in one MCAP file (ros2 profile, CDR
 * little endian, the message definitions as ros2msg schema records), plus a mapping file for {@code braid import --map}
 * that gives back the same source ids, channel names, frame shapes and text kinds. One ROS topic per source and kind:
 *
 * <ul>
 *   <li>{@code SensorChunk} → {@code /braid/<source>/imu}, {@code sensor_msgs/msg/Imu}, one message per sample stamped
 *       start + i / rate: channels 0..5 go to {@code linear_acceleration.x..z, angular_velocity.x..z} (missing ones are
 *       0), the mapping names them back; a chunk of more than 6 channels is skipped ({@code SENSOR_OVER_6_CHANNELS}).
 *       The mapping's {@code max_samples} is the largest chunk of the topic, so chunks of one size (the simulator's)
 *       come back with their boundaries; others come back as the same samples chunked by size and gaps.
 *   <li>{@code CameraFrame} → raw 3-channel: {@code /braid/<source>/image_raw}, {@code sensor_msgs/msg/Image} rgb8;
 *       raw 1-channel: {@code /braid/<source>/image_mono}, mono8; PNG and JPEG: {@code
 *       /braid/<source>/image_raw/compressed}, {@code sensor_msgs/msg/CompressedImage}, bytes unchanged. Other shapes,
 *       and frames by URI, are skipped.
 *   <li>{@code TextEvent} → {@code /braid/<source>/text/<kind>}, {@code std_msgs/msg/String} (no header: its event
 *       time is the message's log time).
 * </ul>
 *
 * Anything else (labels, records that do not decode) is counted as skipped with a reason. Header stamps and log times
 * are the event times; publish times are the Kafka record timestamps. Sequence numbers are not stored: the importer
 * numbers each source's records from 0 again.
 */
public final class McapRecorder {
    /** Messages per ROS topic, skipped records per reason, and the mapping file written next to the bag. */
    public record Result(
            Map<String, Long> messages, Map<String, Long> skipped, Map<String, Long> records, Path mapping) {}

    static final String IMU = "sensor_msgs/msg/Imu",
            IMAGE = "sensor_msgs/msg/Image",
            COMPRESSED = "sensor_msgs/msg/CompressedImage",
            STRING = "std_msgs/msg/String";

    private final Map<String, Object> consumerProps;
    private final Map<String, Object> serdeConfig;
    private final Consumer<String> progress;

    private McapWriter writer;
    private final Map<String, Integer> schemas = new HashMap<>();
    private final Map<String, Integer> channels = new HashMap<>();
    private final Map<String, CdrEncoder> encoders = new HashMap<>();
    /** ROS topic → its mapping rule (YAML-ready). */
    private final Map<String, Map<String, Object>> rules = new TreeMap<>();

    private final Map<String, Long> messages = new TreeMap<>();
    private final Map<String, Long> skipped = new TreeMap<>();
    private final Map<String, String> sourceTokens = new HashMap<>();
    private final Set<String> usedTokens = new HashSet<>();
    /** (source, channel names) → ROS topic: a source whose chunks change channels gets another topic. */
    private final Map<String, String> sensorTopics = new HashMap<>();

    private final Map<String, Integer> sensorTopicsPerSource = new HashMap<>();
    private long sequence;

    /** {@code serdeConfig} holds {@code schema.registry.url} (the values are decoded to be rewritten). */
    public McapRecorder(Map<String, Object> consumerProps, Map<String, Object> serdeConfig, Consumer<String> progress) {
        this.consumerProps = consumerProps;
        this.serdeConfig = new HashMap<>(serdeConfig);
        this.serdeConfig.put(SerdeConfig.SPECIFIC_AVRO_READER, "true");
        this.progress = progress;
    }

    /** The mapping file written next to a bag: {@code run.mcap} → {@code run.map.yaml}. */
    public static Path mappingFile(Path bag) {
        String name = bag.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".mcap") ? name.substring(0, name.length() - 5) : name;
        return bag.resolveSibling(base + ".map.yaml");
    }

    public Result record(
            List<String> topics, Path file, Long fromMs, Long toMs, Duration follow, Mcap.Compression compression)
            throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Map<String, Long> counts = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps);
                ConfluentAvroDeserializer<Object> values = new ConfluentAvroDeserializer<>(null, serdeConfig);
                McapWriter w = new McapWriter(file, compression)) {
            writer = w;
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                var infos = c.partitionsFor(t, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty())
                    throw new IllegalArgumentException("topic " + t + " does not exist");
                infos.forEach(i -> parts.add(new TopicPartition(t, i.partition())));
                counts.put(t, 0L);
            }
            c.assign(parts);
            Recorder.consume(c, parts, fromMs, toMs, follow, progress, counts, r -> {
                Object v;
                try {
                    v = values.deserialize(r.topic(), r.value());
                } catch (RuntimeException e) {
                    skip("UNDECODABLE");
                    return;
                }
                long publishNs = r.timestamp() * 1_000_000L;
                if (v instanceof SensorChunk s) sensor(s, publishNs);
                else if (v instanceof CameraFrame f) frame(f, publishNs);
                else if (v instanceof TextEvent t) text(t, publishNs);
                else skip("NOT_SENSOR_VISION_OR_TEXT");
            });
        } finally {
            writer = null;
        }
        Path mapping = mappingFile(file);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("time", "header");
        root.put("topics", rules);
        new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
                .writeValue(mapping.toFile(), root);
        return new Result(messages, skipped, counts, mapping);
    }

    private void skip(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    private void sensor(SensorChunk s, long publishNs) throws IOException {
        List<String> names = new ArrayList<>();
        for (CharSequence n : s.getChannelNames()) names.add(n.toString());
        int ch = names.size(), n = s.getNumSamples();
        if (ch > 6) {
            skip("SENSOR_OVER_6_CHANNELS");
            return;
        }
        if (ch == 0 || n <= 0 || s.getValues().size() != (long) n * ch || !(s.getSampleRateHz() > 0)) {
            skip("SENSOR_WRONG_SHAPE");
            return;
        }
        String src = s.getSourceId().toString();
        String topic = sensorTopics.get(src + "\n" + names);
        if (topic == null) {
            int k = sensorTopicsPerSource.merge(src, 1, Integer::sum);
            topic = "/braid/" + token(src) + "/imu" + (k == 1 ? "" : "_" + k);
            sensorTopics.put(src + "\n" + names, topic);
            Map<String, Object> fields = new LinkedHashMap<>();
            for (int j = 0; j < ch; j++) fields.put(names.get(j), TopicRule.IMU_FIELDS.get(j));
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("modality", "sensor");
            rule.put("source_id", src);
            rule.put("channels", fields);
            rule.put("max_samples", 1);
            rules.put(topic, rule);
        }
        Map<String, Object> rule = rules.get(topic);
        rule.put("max_samples", Math.max((Integer) rule.get("max_samples"), n));
        long startNs = nanos(s.getStartTime());
        int id = channel(topic, IMU);
        for (int i = 0; i < n; i++) {
            long t = startNs + Math.round(i * 1e9 / s.getSampleRateHz());
            double[] v = new double[6];
            for (int j = 0; j < ch; j++) v[j] = s.getValues().get(i * ch + j);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("header", header(t, src));
            m.put("orientation", Map.of("x", 0.0, "y", 0.0, "z", 0.0, "w", 1.0));
            double[] unknown = new double[9];
            unknown[0] = -1; // REP 145: no orientation estimate
            m.put("orientation_covariance", unknown);
            m.put("angular_velocity", vec(v[3], v[4], v[5]));
            m.put("angular_velocity_covariance", new double[9]);
            m.put("linear_acceleration", vec(v[0], v[1], v[2]));
            m.put("linear_acceleration_covariance", new double[9]);
            write(topic, id, IMU, t, publishNs, m);
        }
    }

    private void frame(CameraFrame f, long publishNs) throws IOException {
        String src = f.getSourceId().toString();
        ByteBuffer buf = f.getData();
        byte[] data = new byte[buf == null ? 0 : buf.remaining()];
        if (buf != null) buf.duplicate().get(data);
        if (data.length == 0) {
            skip(f.getUri() != null ? "FRAME_BY_URI" : "FRAME_EMPTY");
            return;
        }
        long t = nanos(f.getEventTime());
        String topic;
        String type;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("header", header(t, src));
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("modality", "vision");
        rule.put("source_id", src);
        if (f.getEncoding() == FrameEncoding.RAW_U8) {
            int c = f.getChannels(), w = f.getWidth(), h = f.getHeight();
            if ((c != 1 && c != 3) || w <= 0 || h <= 0 || (long) w * h * c != data.length) {
                skip("FRAME_WRONG_SHAPE");
                return;
            }
            type = IMAGE;
            topic = "/braid/" + token(src) + (c == 3 ? "/image_raw" : "/image_mono");
            rule.put("channels", c);
            m.put("height", (long) h);
            m.put("width", (long) w);
            m.put("encoding", c == 3 ? "rgb8" : "mono8");
            m.put("is_bigendian", 0);
            m.put("step", (long) w * c);
            m.put("data", data);
        } else {
            type = COMPRESSED;
            topic = "/braid/" + token(src) + "/image_raw/compressed";
            m.put("format", f.getEncoding() == FrameEncoding.PNG ? "png" : "jpeg");
            m.put("data", data);
        }
        rules.putIfAbsent(topic, rule);
        write(topic, channel(topic, type), type, t, publishNs, m);
    }

    private void text(TextEvent e, long publishNs) throws IOException {
        String src = e.getSourceId().toString();
        String kind = e.getKind().name().toLowerCase(Locale.ROOT);
        String topic = "/braid/" + token(src) + "/text/" + kind;
        if (!rules.containsKey(topic)) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("modality", "text");
            rule.put("source_id", src);
            rule.put("field", "data");
            rule.put("kind", kind);
            rules.put(topic, rule);
        }
        write(
                topic,
                channel(topic, STRING),
                STRING,
                nanos(e.getEventTime()),
                publishNs,
                Map.of("data", e.getText().toString()));
    }

    private void write(String topic, int channel, String type, long logNs, long publishNs, Map<String, Object> msg)
            throws IOException {
        writer.message(channel, sequence++, logNs, publishNs, encoders.get(type).encode(type, msg));
        messages.merge(topic, 1L, Long::sum);
    }

    private int channel(String topic, String type) throws IOException {
        Integer id = channels.get(topic);
        if (id != null) return id;
        Integer schema = schemas.get(type);
        if (schema == null) {
            String text = BuiltinDefinitions.TEXTS.get(type);
            schema = writer.schema(type, "ros2msg", text);
            schemas.put(type, schema);
            encoders.put(type, new CdrEncoder(new MsgDefinitions().add(type, text), CdrEncoding.CDR_LE));
        }
        id = writer.channel(schema, topic);
        channels.put(topic, id);
        return id;
    }

    /** A ROS name token for a source id ([A-Za-z0-9_], not starting with a digit), unique per source. */
    private String token(String source) {
        String t = sourceTokens.get(source);
        if (t != null) return t;
        String base = source.replaceAll("[^A-Za-z0-9_]", "_");
        if (base.isEmpty() || Character.isDigit(base.charAt(0))) base = "s_" + base;
        t = base;
        for (int k = 2; !usedTokens.add(t); k++) t = base + "_" + k;
        sourceTokens.put(source, t);
        return t;
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static Map<String, Object> header(long tNs, String frameId) {
        Map<String, Object> stamp = new LinkedHashMap<>();
        stamp.put("sec", (int) Math.floorDiv(tNs, 1_000_000_000L));
        stamp.put("nanosec", Math.floorMod(tNs, 1_000_000_000L));
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("stamp", stamp);
        h.put("frame_id", frameId);
        return h;
    }

    static Map<String, Object> vec(double x, double y, double z) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("x", x);
        v.put("y", y);
        v.put("z", z);
        return v;
    }
}
