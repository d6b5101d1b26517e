package io.braid.producers.bag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rosbag2 {@code metadata.yaml}: the storage (mcap or sqlite3), the files in recording order, the message count per
 * topic with its type, the start time and the duration.
 */
public record BagMetadata(
        String storage,
        List<String> files,
        Map<String, Long> topicCounts,
        Map<String, String> topicTypes,
        long messageCount,
        long startNs,
        long durationNs) {

    public static final String FILE_NAME = "metadata.yaml";

    public static BagMetadata read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new BagFormatException(file + ": not readable YAML: " + e.getMessage(), e);
        }
        JsonNode info = root == null ? null : root.get("rosbag2_bagfile_information");
        if (info == null) throw new BagFormatException(file + ": no rosbag2_bagfile_information");
        List<String> files = new ArrayList<>();
        for (JsonNode f : info.path("relative_file_paths")) files.add(f.asText());
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode t : info.path("topics_with_message_count")) {
            String topic = t.path("topic_metadata").path("name").asText();
            counts.put(topic, t.path("message_count").asLong());
            types.put(topic, t.path("topic_metadata").path("type").asText());
        }
        return new BagMetadata(
                info.path("storage_identifier").asText(""),
                files,
                counts,
                types,
                info.path("message_count").asLong(),
                info.path("starting_time").path("nanoseconds_since_epoch").asLong(),
                info.path("duration").path("nanoseconds").asLong());
    }
}
