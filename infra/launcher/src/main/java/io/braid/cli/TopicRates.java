package io.braid.cli;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Records per topic and per second, from end offsets (no consuming, so watching costs the broker nothing). On
 * transactional topics the end offset also counts commit markers, so rates there are an upper bound.
 */
final class TopicRates {
    private final Admin admin;
    private final List<String> topics;
    private final Map<TopicPartition, Long> startOffsets = new HashMap<>();
    private Map<String, Long> last = new HashMap<>();
    private long lastNanos;

    TopicRates(Admin admin, List<String> topics) {
        this.admin = admin;
        this.topics = topics;
        this.last = endOffsets(startOffsets);
        this.lastNanos = System.nanoTime();
    }

    /** Rates since the previous call, in records/s, in the order of the topics given. */
    Map<String, Double> sample() {
        Map<String, Long> now = endOffsets(null);
        long t = System.nanoTime();
        double secs = Math.max(1e-3, (t - lastNanos) / 1e9);
        Map<String, Double> rates = new LinkedHashMap<>();
        for (String topic : topics) {
            rates.put(topic, (now.getOrDefault(topic, 0L) - last.getOrDefault(topic, 0L)) / secs);
        }
        last = now;
        lastNanos = t;
        return rates;
    }

    /**
     * Records a read_committed consumer sees between this monitor's start and now: exact for transactional topics,
     * where offsets also count commit markers and aborted records.
     */
    Map<String, Long> committedTotals(java.util.Properties clientProps) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(clientProps);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        Map<String, Long> counts = new LinkedHashMap<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                p,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            for (String topic : topics) {
                List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .toList();
                consumer.assign(parts);
                Map<TopicPartition, Long> start = new HashMap<>();
                for (TopicPartition tp : parts) start.put(tp, startOffsets.getOrDefault(tp, 0L));
                start.forEach(consumer::seek);
                Map<TopicPartition, Long> end = consumer.endOffsets(parts);
                long n = 0;
                long deadline = System.currentTimeMillis() + 20_000;
                while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                        && System.currentTimeMillis() < deadline) {
                    n += consumer.poll(java.time.Duration.ofMillis(200)).count();
                }
                counts.put(topic, n);
            }
        }
        return counts;
    }

    private Map<String, Long> endOffsets(Map<TopicPartition, Long> perPartition) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS)
                    .forEach((name, d) -> d.partitions()
                            .forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<String, Long> sums = new HashMap<>();
            admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> {
                sums.merge(tp.topic(), info.offset(), Long::sum);
                if (perPartition != null) perPartition.put(tp, info.offset());
            });
            return sums;
        } catch (Exception e) {
            throw new IllegalStateException("could not read topic offsets: " + e.getMessage(), e);
        }
    }
}
