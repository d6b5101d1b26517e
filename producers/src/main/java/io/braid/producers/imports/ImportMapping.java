package io.braid.producers.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.braid.avro.TextKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The mapping file of {@code braid import --map}: which ROS topic becomes which modality and source id, which fields
 * become sensor channels, how frames are sized, and where event time comes from. Topics it does not name follow the
 * defaults by type ({@link TopicRule#byType}). YAML:
 *
 * <pre>
 * source_id: rover-1          # default source id (else the bag's name)
 * time: header                # header (the message's header stamp, log time when it has none) or log
 * topics:
 *   /imu:
 *     modality: sensor
 *     channels: {ax: linear_acceleration.x, ay: linear_acceleration.y, az: linear_acceleration.z, gz: angular_velocity.z}
 *     max_samples: 50
 *     gap_factor: 1.5
 *   /camera/image_raw: {modality: vision, width: 32, height: 32, channels: 3}
 *   /chatter: {modality: text, field: data, kind: instruction}
 *   /tf: {modality: skip}
 * </pre>
 */
public final class ImportMapping {
    /** Where a record's event time comes from. */
    public enum TimeSource {
        HEADER,
        LOG
    }

    private final String sourceId;
    private final TimeSource time;
    private final Map<String, TopicRule> topics;

    public ImportMapping(String sourceId, TimeSource time, Map<String, TopicRule> topics) {
        this.sourceId = sourceId;
        this.time = time;
        this.topics = Map.copyOf(topics);
    }

    public static ImportMapping defaults(String sourceId) {
        return new ImportMapping(sourceId, TimeSource.HEADER, Map.of());
    }

    public String sourceId() {
        return sourceId;
    }

    public TimeSource time() {
        return time;
    }

    public ImportMapping withSourceId(String s) {
        return new ImportMapping(s, time, topics);
    }

    public ImportMapping withTime(TimeSource t) {
        return new ImportMapping(sourceId, t, topics);
    }

    public TopicRule rule(String topic, String type) {
        TopicRule r = topics.get(topic);
        return r != null ? r : TopicRule.byType(type);
    }

    public String sourceOf(TopicRule r) {
        return r.sourceId() != null ? r.sourceId() : sourceId;
    }

    public static ImportMapping read(Path file, String defaultSourceId) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null || !root.isObject())
            throw new IllegalArgumentException(file + ": the mapping is not a YAML map");
        String source = root.path("source_id").asText(defaultSourceId);
        TimeSource time = TimeSource.valueOf(root.path("time").asText("header").toUpperCase(Locale.ROOT));
        Map<String, TopicRule> rules = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.path("topics").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            rules.put(e.getKey(), rule(file, e.getKey(), e.getValue()));
        }
        return new ImportMapping(source, time, rules);
    }

    private static TopicRule rule(Path file, String topic, JsonNode n) {
        String where = file + ": topic " + topic;
        TopicRule.Modality m;
        try {
            m = TopicRule.Modality.valueOf(n.path("modality").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": modality must be sensor, vision, text or skip");
        }
        String src = n.hasNonNull("source_id") ? n.get("source_id").asText() : null;
        switch (m) {
            case SKIP:
                return TopicRule.skip();
            case TEXT: {
                TextKind kind = TextKind.valueOf(n.path("kind").asText("log").toUpperCase(Locale.ROOT));
                return new TopicRule(m, src, List.of(), List.of(n.path("field").asText("data")), 0, 0, 0, 0, 0, kind);
            }
            case VISION: {
                int w = n.path("width").asInt(0),
                        h = n.path("height").asInt(0),
                        c = n.path("channels").asInt(3);
                if ((w == 0) != (h == 0) || w < 0 || h < 0 || w > 8192 || h > 8192) {
                    throw new IllegalArgumentException(where + ": width and height go together, in 1..8192");
                }
                if (c != 1 && c != 3) throw new IllegalArgumentException(where + ": channels must be 1 or 3");
                return new TopicRule(m, src, List.of(), List.of(), 0, 0, w, h, c, null);
            }
            default: {
                List<String> names = new ArrayList<>(), fields = new ArrayList<>();
                JsonNode ch = n.path("channels");
                if (ch.isObject()) {
                    ch.fields().forEachRemaining(f -> {
                        names.add(f.getKey());
                        fields.add(f.getValue().asText());
                    });
                } else if (ch.isArray()) {
                    ch.forEach(f -> {
                        names.add(f.asText());
                        fields.add(f.asText());
                    });
                } else {
                    names.addAll(TopicRule.IMU_NAMES);
                    fields.addAll(TopicRule.IMU_FIELDS);
                }
                if (fields.isEmpty()) throw new IllegalArgumentException(where + ": a sensor needs channels");
                int max = n.path("max_samples").asInt(TopicRule.DEFAULT_MAX_SAMPLES);
                double gap = n.path("gap_factor").asDouble(TopicRule.DEFAULT_GAP_FACTOR);
                if (max < 1 || max > 100_000) throw new IllegalArgumentException(where + ": max_samples in 1..100000");
                if (!(gap > 1)) throw new IllegalArgumentException(where + ": gap_factor must be > 1");
                return new TopicRule(m, src, names, fields, max, gap, 0, 0, 0, null);
            }
        }
    }
}
