package io.braid.cli;

import io.braid.flink.KafkaConnection;
import io.braid.flink.LocalWindowJob;
import io.braid.flink.WindowJobOptions;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import io.braid.trainer.cli.RetrainReplayCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code replay --rebuild}: the Flink job, bounded (up to the raw topics' latest offsets at start), from the raw
 * input topics into {@code replay.<id>.*} topics; the replay then trains on {@code replay.<id>.mm.train}, filtered to
 * the range by event time. It lives in the launcher because the trainer does not depend on flink-jobs.
 */
final class FlinkRebuild implements RetrainReplayCommand.Rebuilder {
    @Override
    public String rebuild(String id, String bootstrap, String registry, Instant from, Instant to) throws Exception {
        String prefix = "replay." + id + ".";
        WindowJobOptions o = new WindowJobOptions();
        o.windowsTopic = prefix + TopicCatalog.WINDOWS;
        o.trainTopic = prefix + TopicCatalog.TRAIN;
        o.lateTopic = prefix + TopicCatalog.LATE;
        o.dlqTopic = prefix + TopicCatalog.DLQ;
        o.groupId = "braid-replay-" + id;
        o.transactionalIdPrefix = "braid-replay-" + id;
        o.bounded = true;
        KafkaConnection c = new KafkaConnection(bootstrap, registry);
        Properties p = c.kafkaProps();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<TopicSpec> specs = new ArrayList<>();
            for (TopicSpec s : TopicCatalog.all(2, (short) 1))
                if (s.name().equals(TopicCatalog.WINDOWS)
                        || s.name().equals(TopicCatalog.TRAIN)
                        || s.name().equals(TopicCatalog.LATE)
                        || s.name().equals(TopicCatalog.DLQ))
                    specs.add(new TopicSpec(prefix + s.name(), s.partitions(), s.replicationFactor(), s.configs()));
            TopicCatalog.ensure(admin, specs);
        }
        System.err.println("replay: rebuilding " + o.trainTopic + " from the raw topics (bounded Flink job) for " + from
                + " .. " + to);
        try (LocalWindowJob job = LocalWindowJob.start(c, o)) {
            job.awaitFinished(Duration.ofHours(12));
        }
        return o.trainTopic;
    }
}
