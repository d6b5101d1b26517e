package io.braid.producers;

import io.braid.producers.sim.SimStream;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.util.List;

/** Where each simulator stream goes (TopicCatalog names). */
public final class StreamTopics {
    public static final List<String> INPUTS =
            List.of(TopicCatalog.SENSOR, TopicCatalog.VISION, TopicCatalog.TEXT, TopicCatalog.LABELS);

    private StreamTopics() {}

    public static String of(SimStream s) {
        return switch (s) {
            case SENSOR -> TopicCatalog.SENSOR;
            case VISION -> TopicCatalog.VISION;
            case TEXT -> TopicCatalog.TEXT;
            case LABELS -> TopicCatalog.LABELS;
        };
    }

    /** The catalog's specs of the four input topics. */
    public static List<TopicSpec> inputSpecs(int partitions, short replication) {
        return TopicCatalog.all(partitions, replication).stream()
                .filter(t -> INPUTS.contains(t.name()))
                .toList();
    }
}
