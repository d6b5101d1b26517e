package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.DeadLetter;
import io.braid.avro.ModelVersion;
import io.braid.avro.TrainingPair;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.serde.SerdeConfig;
import io.braid.topics.Topic;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import io.braid.topics.Topics;
import io.braid.trainer.model.LocalModelStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deliberately slow step (longer than a short max.poll.interval.ms) costs nothing: the trainer has no group (assign),
 * so there is nothing to rebalance; the poll thread pauses the partitions while training is behind and resumes them;
 * no pair is lost or trained twice, and the run completes.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SlowStepIT {
    static final int ROBOTS = 3, TICKS = 60;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void aSlowStepCausesNoRebalanceAndNoLoss(KafkaBroker broker) throws Exception {
        Map<String, Object> serde = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://slow-step-it");
        Topic<String, TrainingPair> train = Topics.TRAIN.renamed("it-slow." + TopicCatalog.TRAIN);
        Topic<String, ModelVersion> models = Topics.MODELS.renamed("it-slow." + TopicCatalog.MODELS);
        Topic<String, DeadLetter> dlq = Topics.DLQ.renamed("it-slow." + TopicCatalog.DLQ);
        try (Admin admin = Admin.create(broker.clientProps())) {
            TopicCatalog.ensure(
                    admin,
                    List.of(
                            new TopicSpec(train.name(), 2, (short) 1, Map.of()),
                            new TopicSpec(models.name(), 1, (short) 1, Map.of()),
                            new TopicSpec(dlq.name(), 1, (short) 1, Map.of())));
        }
        OnlineTrainerIT.produce(broker, train, serde, Fixtures.stream(ROBOTS, TICKS, 3));

        OnlineTrainerIT it = new OnlineTrainerIT();
        it.dir = dir;
        OnlineTrainer.Options o = it.options(broker, serde, train, models, dlq, "comm");
        o.kafka.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 1000);
        o.kafka.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        o.kafka.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000);
        o.queueCapacity = 40;
        o.maxPollRecords = 8;
        AtomicInteger slow = new AtomicInteger();
        o.afterStep = r -> {
            if (slow.incrementAndGet() <= 3) {
                try {
                    Thread.sleep(2500); // > max.poll.interval.ms
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        OnlineTrainer t = new OnlineTrainer(o, m -> System.err.println("slow: " + m));
        OnlineTrainer.Result r = t.run();

        assertTrue(t.pauses() >= 1, "paused while behind");
        assertTrue(t.resumes() >= 1, "resumed after catching up");
        try (Admin admin = Admin.create(broker.clientProps())) {
            assertEquals(0, admin.listConsumerGroups().all().get().size(), "no consumer group: nothing to rebalance");
        }
        assertTrue(r.published().size() >= 2, "versions " + r.published().size());
        LocalModelStore store = new LocalModelStore(o.modelDir);
        var all = store.list();
        Checkpoint.Meta m =
                Checkpoint.open(store.read(all.get(all.size() - 1).name())).meta();
        long pending =
                m.offsets().values().stream().mapToLong(p -> p.pending().size()).sum();
        assertEquals(ROBOTS * TICKS, m.pairsTrained() + pending, "every pair trained once or still pending");
        assertTrue(pending < o.minBatch, "pending " + pending);
        for (int i = 1; i < r.published().size(); i++)
            assertEquals(
                    OnlineTrainerIT.offsets(r.published().get(i - 1).getOffsets()),
                    OnlineTrainerIT.offsets(r.published().get(i).getOffsetsFrom()));
    }
}
