package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.DeadLetter;
import io.braid.avro.ModelVersion;
import io.braid.avro.TrainingPair;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.Topic;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import io.braid.topics.Topics;
import io.braid.trainer.cli.TrainerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The kill test: {@code train --until-end} in a child JVM is SIGKILLed at three seeded-random moments after it
 * published a version and restarted with the same arguments, then runs to its end. The versions on mm.models have
 * offset ranges without gap or overlap from the beginning of every partition, and every step's batch (hash and loss)
 * equals the step of an uninterrupted run of the same command over the same topic, including the steps a killed run
 * took after its last checkpoint and the resumed run took again.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TrainerCrashIT {
    static final int ROBOTS = 6, TICKS = 160, PARTITIONS = 3;

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void killedThreeTimesTheVersionsAreContiguousAndTheBatchesThoseOfAnUninterruptedRun(KafkaBroker broker)
            throws Exception {
        try (EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            Map<String, Object> serde = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
            Topic<String, TrainingPair> train = Topics.TRAIN.renamed("it-crash-train." + TopicCatalog.TRAIN);
            Topic<String, ModelVersion> models = Topics.MODELS.renamed("it-crash-train." + TopicCatalog.MODELS);
            Topic<String, ModelVersion> refModels = Topics.MODELS.renamed("it-crash-ref." + TopicCatalog.MODELS);
            Topic<String, DeadLetter> dlq = Topics.DLQ.renamed("it-crash-train." + TopicCatalog.DLQ);
            try (Admin admin = Admin.create(broker.clientProps())) {
                TopicCatalog.ensure(
                        admin,
                        List.of(
                                new TopicSpec(train.name(), PARTITIONS, (short) 1, Map.of()),
                                new TopicSpec(models.name(), 1, (short) 1, Map.of()),
                                new TopicSpec(refModels.name(), 1, (short) 1, Map.of()),
                                new TopicSpec(dlq.name(), 1, (short) 1, Map.of())));
            }
            OnlineTrainerIT.produce(broker, train, serde, Fixtures.stream(ROBOTS, TICKS, 13));
            Path config = dir.resolve("tiny.json");
            Files.writeString(config, Fixtures.tiny("comm").toJson());

            // the uninterrupted run: the same command in this JVM
            Path refLog = dir.resolve("ref.batches");
            int rc = new CommandLine(new TrainerMain())
                    .execute(args(broker, registry, train, refModels, dlq, config, dir.resolve("ref"), refLog)
                            .toArray(String[]::new));
            assertEquals(0, rc, "uninterrupted run");
            Map<Long, BatchLog.Line> reference = BatchLog.read(refLog, null);
            assertTrue(reference.size() >= 40, "steps " + reference.size());

            Path batches = dir.resolve("crash.batches");
            List<String> a = args(broker, registry, train, models, dlq, config, dir.resolve("crash"), batches);
            Random random = new Random(42);
            for (int run = 0; run < 3; run++) {
                Path log = dir.resolve("run-" + run + ".log");
                Process child = startChild(a, log);
                // a version of this run is published: the next run resumes from it (or from a later one)
                long deadline = System.currentTimeMillis() + 120_000;
                while (child.isAlive() && published(log) == 0 && System.currentTimeMillis() < deadline)
                    Thread.sleep(50);
                assertTrue(child.isAlive(), "run " + run + " ended before it was killed:\n" + Files.readString(log));
                Thread.sleep(random.nextInt(600)); // a seeded-random moment after the publication
                assertTrue(child.isAlive(), "run " + run + " finished too early:\n" + Files.readString(log));
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "SIGKILL, not a graceful end");
            }
            Path last = dir.resolve("run-3.log");
            Process child = startChild(a, last);
            assertTrue(child.waitFor(180, TimeUnit.SECONDS), "last run did not end");
            assertEquals(0, child.exitValue(), Files.readString(last));
            assertTrue(Files.readString(last).contains("resuming from"), "the last run resumed");

            Path keep = Path.of("target", "crash-it");
            Files.createDirectories(keep);
            for (String f : List.of("run-0.log", "run-1.log", "run-2.log", "run-3.log", "crash.batches", "ref.batches"))
                Files.copy(dir.resolve(f), keep.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            // batches: every step any run took, redone or not, is the uninterrupted run's step
            List<String> redone = new ArrayList<>();
            Map<Long, BatchLog.Line> crashed = BatchLog.read(batches, (before, again) -> {
                assertEquals(before.hash(), again.hash(), "a redone step drew another batch at " + before);
                if (before.loss() != again.loss())
                    System.err.println("TrainerCrashIT: redone step loss " + before + " vs " + again);
                redone.add(before.hash());
            });
            assertEquals(reference.keySet(), crashed.keySet(), "the same steps");
            int lossesDiffer = 0;
            for (Map.Entry<Long, BatchLog.Line> e : reference.entrySet()) {
                BatchLog.Line c = crashed.get(e.getKey());
                assertEquals(e.getValue().hash(), c.hash(), "batch at " + e.getKey() + " pairs");
                if (e.getValue().loss() != c.loss()) lossesDiffer++;
            }
            // the same initialisation in both JVMs: the first step's loss is bit-identical
            assertEquals(reference.get(0L).loss(), crashed.get(0L).loss(), "first-step loss");
            System.err.println("TrainerCrashIT: " + redone.size() + " steps redone after kills; losses differing from"
                    + " the in-process run: " + lossesDiffer + " of " + reference.size());

            // versions: contiguous ranges from the beginning, the last one where the uninterrupted run ended
            List<ModelVersion> vs = PublishedVersions.read(
                    broker.bootstrapServers(), Map.of(), serde, models.name(), Duration.ofSeconds(20));
            List<ModelVersion> ref = PublishedVersions.read(
                    broker.bootstrapServers(), Map.of(), serde, refModels.name(), Duration.ofSeconds(20));
            assertTrue(vs.size() >= 4, "versions " + vs.size());
            Map<Integer, Long> zero = new TreeMap<>();
            for (int p = 0; p < PARTITIONS; p++) zero.put(p, 0L);
            assertEquals(zero, OnlineTrainerIT.offsets(vs.get(0).getOffsetsFrom()));
            for (int i = 1; i < vs.size(); i++)
                assertEquals(
                        OnlineTrainerIT.offsets(vs.get(i - 1).getOffsets()),
                        OnlineTrainerIT.offsets(vs.get(i).getOffsetsFrom()),
                        "gap or overlap before " + vs.get(i).getVersion());
            assertEquals(
                    OnlineTrainerIT.offsets(ref.get(ref.size() - 1).getOffsets()),
                    OnlineTrainerIT.offsets(vs.get(vs.size() - 1).getOffsets()));
        }
    }

    static long published(Path log) throws Exception {
        if (!Files.exists(log)) return 0;
        return Files.readString(log)
                .lines()
                .filter(l -> l.contains("train: published "))
                .count();
    }

    static List<String> args(
            KafkaBroker broker,
            EmbeddedRegistryServer registry,
            Topic<?, ?> train,
            Topic<?, ?> models,
            Topic<?, ?> dlq,
            Path config,
            Path modelDir,
            Path batchLog) {
        return List.of(
                "train",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--schema-registry-url",
                registry.url(),
                "--train-topic",
                train.name(),
                "--models-topic",
                models.name(),
                "--dlq-topic",
                dlq.name(),
                "--model-dir",
                modelDir.toString(),
                "--model-config",
                config.toString(),
                "--until-end",
                "--batch-log",
                batchLog.toString(),
                "--batch-size",
                "16",
                "--shuffle-buffer",
                "32",
                "--max-per-source",
                "8",
                "--checkpoint-every",
                "3",
                "--checkpoint-interval",
                "1h",
                "--keep-versions",
                "3",
                "--metrics-port",
                "-1");
    }

    /** {@code train} in a child JVM: this test's classpath, DJL offline (inherited environment), no fixed port. */
    static Process startChild(List<String> args, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                TrainerMain.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        return pb.start();
    }
}
