package io.braid.trainer.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.Embedding;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.topics.Topics;
import io.braid.trainer.model.ModelStore;
import io.braid.trainer.score.ScoringBroker.Read;
import io.braid.trainer.score.ScoringBroker.Reader;
import io.braid.trainer.score.ScoringBroker.TopicSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill test: two scorer instances with one application id in two child JVMs ({@link ScorerProcess}) share the
 * windows' partitions; while windows stream in, the one that owns a partition is SIGKILLed. The survivor takes over
 * its task (buffer restored from the changelog, the killed instance's open transaction aborted) and a read_committed
 * consumer sees every window's embedding exactly once, in window order per source.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ScoringKillIT {
    static final int SOURCES = 4, ROUNDS = 75, N = SOURCES * ROUNDS;
    static final String APP = "it-score-kill";
    static final Pattern TASKS = Pattern.compile("ScorerProcess (\\S+) state=\\S+ tasks=\\[([^]]*)]");
    static final Pattern WAITING =
            Pattern.compile("ScorerProcess \\S+ state=\\S+ tasks=\\[[^]]*] scored=\\d+ waiting=(\\d+)");

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void aKilledInstancesTasksAreTakenOverAndEveryWindowIsEmbeddedOnce(KafkaBroker broker) throws Exception {
        ModelStore.Artifact comm = ScoringFixtures.checkpoint(dir.resolve("comm"), "comm", 11);
        SimulatedDataset data = ScoringFixtures.dataset(ROUNDS);
        ModelVersion v1 = ScoringFixtures.version(comm, "v1", "comm", 0, ScoringFixtures.START);
        try (EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            TopicSet t = TopicSet.create(broker, APP);
            List<String> sources = ScoringBroker.sources("arm", SOURCES);
            List<MultimodalWindow> produced = new ArrayList<>();
            Path logA = dir.resolve("scorer-a.log"), logB = dir.resolve("scorer-b.log");
            Process a = null, b = null;
            long t0 = System.nanoTime();
            try (ScoringBroker.Producer p = new ScoringBroker.Producer(broker, registry.url(), t);
                    Reader<Embedding> live =
                            ScoringBroker.committed(broker, registry.url(), Topics.EMBEDDINGS, t.embeddings());
                    Reader<Embedding> dirty = uncommitted(broker, registry, t)) {
                p.publish(v1);
                a = start(broker, registry, "scorer-a", logA);
                b = start(broker, registry, "scorer-b", logB);
                // both instances run and own one task each before any window arrives
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (tasks(logA).size() != 1 || tasks(logB).size() != 1) {
                    assertTrue(a.isAlive() && b.isAlive(), "a scorer died:\n" + logs(logA, logB));
                    assertTrue(System.nanoTime() < deadline, "no one task each after 90 s:\n" + logs(logA, logB));
                    Thread.sleep(100);
                }
                assertTrue(!tasks(logA).equals(tasks(logB)), "the same task twice:\n" + logs(logA, logB));
                System.err.printf(
                        "ScoringKillIT: both instances running after %.1f s, a=%s b=%s%n",
                        (System.nanoTime() - t0) / 1e9, tasks(logA), tasks(logB));

                // windows stream in; both instances commit embeddings on their partitions (a transaction a second)
                int round = 0;
                deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (round < 25 || !committedOnEveryPartition(live.records, 20)) {
                    assertTrue(System.nanoTime() < deadline, "not 20 committed embeddings per partition after 30 s");
                    if (round < ROUNDS - 25) round = produceRound(p, data, sources, round, produced, live);
                    else live.poll(Duration.ofMillis(100));
                }
                // kill the instance that owns partition 0 (its windows' embeddings go to partition 0 as well, same
                // key) while its open transaction holds embeddings: past the last stable offset, seen read_uncommitted
                Process victim = tasks(logA).stream().anyMatch(x -> x.endsWith("_0")) ? a : b;
                Process survivor = victim == a ? b : a;
                Path survivorLog = victim == a ? logB : logA;
                long seen = -1, stable = 0;
                deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while ((seen = dirty.maxOffset(0)) < (stable = live.endOffset(0))) {
                    assertTrue(
                            System.nanoTime() < deadline && round < ROUNDS - 5,
                            "no open transaction with output seen by round " + round + ": read_uncommitted up to "
                                    + seen + ", last stable offset " + stable);
                    round = produceRound(p, data, sources, round, produced, live);
                    dirty.poll(Duration.ofMillis(20));
                }
                System.err.printf(
                        "ScoringKillIT: partition 0 read_uncommitted up to offset %d, last stable offset %d%n",
                        seen, stable);
                int committedAtKill = live.records.size();
                victim.destroyForcibly();
                assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, victim.exitValue(), "SIGKILL, not a graceful end");
                long killedAt = System.nanoTime();
                int killRound = round;
                while (round < ROUNDS) round = produceRound(p, data, sources, round, produced, live);

                // the survivor owns every task, and every window is committed
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (tasks(survivorLog).size() != ScoringBroker.PARTITIONS) {
                    assertTrue(survivor.isAlive(), "the survivor died:\n" + Files.readString(survivorLog));
                    assertTrue(
                            System.nanoTime() < deadline, "no takeover after 60 s:\n" + Files.readString(survivorLog));
                    live.poll(Duration.ofMillis(100));
                }
                double takeover = (System.nanoTime() - killedAt) / 1e9;
                assertTrue(
                        live.pollUntil(l -> l.size() >= N, Duration.ofSeconds(60)),
                        "committed embeddings 60 s after the takeover: " + live.records.size() + " of " + N + "\n"
                                + Files.readString(survivorLog));
                System.err.printf(
                        "ScoringKillIT: killed after round %d of %d with %d embeddings committed; survivor owned"
                                + " every task %.1f s after the kill, all %d committed %.1f s after it%n",
                        killRound, ROUNDS, committedAtKill, takeover, N, (System.nanoTime() - killedAt) / 1e9);

                // a graceful stop of the survivor: after it, nothing writes any more
                survivor.destroy();
                assertTrue(survivor.waitFor(60, TimeUnit.SECONDS), "the survivor did not stop on SIGTERM");
            } finally {
                stop(List.of(logA, logB), a, b);
            }

            List<Read<Embedding>> committed = assertEveryWindowOnceByV1(broker, registry, t, produced);
            // what the killed instance wrote in its open transaction is on the log, aborted: read_uncommitted sees it,
            // so the kill did strike a transaction holding output, and its windows were scored again by the survivor
            try (Reader<Embedding> raw = uncommitted(broker, registry, t)) {
                int aborted = raw.readToEnd(Duration.ofSeconds(30)).size() - committed.size();
                System.err.println("ScoringKillIT: " + aborted
                        + " embeddings of aborted transactions on the log, hidden from" + " read_committed");
                assertTrue(aborted > 0, "the kill struck no transaction that held output");
            }
        }
    }

    /**
     * Windows that wait for a first model survive a crash: they are committed into the buffer's changelog, the
     * instance holding them is SIGKILLed, a new one restores them (decoded again from their buffered bytes), and when
     * the first model arrives every one of them is embedded exactly once.
     */
    @Test
    @Timeout(180)
    void windowsWaitingForTheFirstModelSurviveAKill(KafkaBroker broker) throws Exception {
        String app = APP + "-waiting";
        int rounds = 20, n = SOURCES * rounds;
        ModelStore.Artifact comm = ScoringFixtures.checkpoint(dir.resolve("comm"), "comm", 11);
        SimulatedDataset data = ScoringFixtures.dataset(rounds);
        ModelVersion v1 = ScoringFixtures.version(comm, "v1", "comm", 0, ScoringFixtures.START);
        Path logA = dir.resolve("waiting-a.log"), logB = dir.resolve("waiting-b.log");
        try (EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            TopicSet t = TopicSet.create(broker, app);
            List<String> sources = ScoringBroker.sources("arm", SOURCES);
            List<MultimodalWindow> produced = new ArrayList<>();
            Process a = null, b = null;
            try (ScoringBroker.Producer p = new ScoringBroker.Producer(broker, registry.url(), t);
                    Admin admin = Admin.create(broker.clientProps())) {
                a = start(broker, registry, app, "waiting-a", logA);
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (tasks(logA).size() != ScoringBroker.PARTITIONS) {
                    assertTrue(a.isAlive(), "the scorer died:\n" + logs(logA));
                    assertTrue(System.nanoTime() < deadline, "no tasks after 90 s:\n" + logs(logA));
                    Thread.sleep(100);
                }
                for (int round = 0; round < rounds; round++)
                    for (String s : sources) {
                        MultimodalWindow w = ScoringFixtures.window(data, round, s);
                        p.window(w);
                        produced.add(w);
                    }
                p.flush();
                // every window read and its input offset committed: from here on the buffer's changelog holds them
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (waiting(logA) != n || committedInput(admin, app, t) != n) {
                    assertTrue(a.isAlive(), "the scorer died:\n" + logs(logA));
                    assertTrue(
                            System.nanoTime() < deadline,
                            "waiting " + waiting(logA) + ", committed input " + committedInput(admin, app, t) + " of "
                                    + n + " after 60 s:\n" + logs(logA));
                    Thread.sleep(100);
                }
                a.destroyForcibly();
                assertTrue(a.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, a.exitValue(), "SIGKILL, not a graceful end");

                b = start(broker, registry, app, "waiting-b", logB);
                deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (tasks(logB).size() != ScoringBroker.PARTITIONS || waiting(logB) != n) {
                    assertTrue(b.isAlive(), "the new scorer died:\n" + logs(logB));
                    assertTrue(
                            System.nanoTime() < deadline,
                            "the new instance restored " + waiting(logB) + " of " + n + " waiting windows:\n"
                                    + logs(logB));
                    Thread.sleep(100);
                }
                p.publish(v1);
                try (Reader<Embedding> live =
                        ScoringBroker.committed(broker, registry.url(), Topics.EMBEDDINGS, t.embeddings())) {
                    assertTrue(
                            live.pollUntil(l -> l.size() >= n, Duration.ofSeconds(60)),
                            "committed embeddings 60 s after the first model: " + live.records.size() + " of " + n
                                    + "\n" + logs(logB));
                }
                b.destroy();
                assertTrue(b.waitFor(60, TimeUnit.SECONDS), "the scorer did not stop on SIGTERM");
            } finally {
                stop(List.of(logA, logB), a, b);
            }
            assertEveryWindowOnceByV1(broker, registry, t, produced);
        }
    }

    /** The number of waiting windows an instance reported last (-1 before its first report). */
    static long waiting(Path log) throws Exception {
        long last = -1;
        if (!Files.exists(log)) return last;
        Matcher m = WAITING.matcher(Files.readString(log));
        while (m.find()) last = Long.parseLong(m.group(1));
        return last;
    }

    /** Input offsets the application committed on the windows topic, summed over its partitions. */
    static long committedInput(Admin admin, String app, TopicSet t) throws Exception {
        return admin
                .listConsumerGroupOffsets(app)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .entrySet()
                .stream()
                .filter(e -> e.getKey().topic().equals(t.windows()) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    /** SIGKILLs whichever of {@code ps} still runs and keeps their logs under target/. */
    static void stop(List<Path> logs, Process... ps) throws Exception {
        for (Process x : ps)
            if (x != null && x.isAlive()) {
                x.destroyForcibly();
                x.waitFor(30, TimeUnit.SECONDS);
            }
        keep(logs.toArray(Path[]::new));
    }

    /** Reads every committed embedding, asserts one per produced window, all by model v1; returns them. */
    static List<Read<Embedding>> assertEveryWindowOnceByV1(
            KafkaBroker broker, EmbeddedRegistryServer registry, TopicSet t, List<MultimodalWindow> produced)
            throws Exception {
        List<Read<Embedding>> committed;
        try (Reader<Embedding> all =
                ScoringBroker.committed(broker, registry.url(), Topics.EMBEDDINGS, t.embeddings())) {
            committed = all.readToEnd(Duration.ofSeconds(30));
        }
        ScoringIT.assertEveryWindowOnce(produced, committed);
        for (Read<Embedding> r : committed) assertEquals("v1", r.value().getModelVersion());
        return committed;
    }

    static Reader<Embedding> uncommitted(KafkaBroker broker, EmbeddedRegistryServer registry, TopicSet t) {
        return new Reader<>(
                broker,
                t.embeddings(),
                Topics.EMBEDDINGS
                        .renamed(t.embeddings())
                        .valueSerde(ScoringBroker.serde(registry.url()))
                        .deserializer(),
                false);
    }

    static boolean committedOnEveryPartition(List<Read<Embedding>> got, int atLeast) {
        for (int partition = 0; partition < ScoringBroker.PARTITIONS; partition++) {
            int p = partition;
            if (got.stream().filter(r -> r.partition() == p).count() < atLeast) return false;
        }
        return true;
    }

    static int produceRound(
            ScoringBroker.Producer p,
            SimulatedDataset data,
            List<String> sources,
            int round,
            List<MultimodalWindow> produced,
            Reader<Embedding> live) {
        for (String s : sources) {
            MultimodalWindow w = ScoringFixtures.window(data, round, s);
            p.window(w);
            produced.add(w);
        }
        p.flush();
        live.poll(Duration.ofMillis(40)); // paces the stream and follows the output
        return round + 1;
    }

    /** The active tasks an instance reported last (empty before its first report). */
    static Set<String> tasks(Path log) throws Exception {
        Set<String> last = Set.of();
        if (!Files.exists(log)) return last;
        for (String line : Files.readAllLines(log)) {
            Matcher m = TASKS.matcher(line);
            if (m.find()) {
                last = new TreeSet<>();
                for (String x : m.group(2).split(",")) if (!x.isBlank()) last.add(x.trim());
            }
        }
        return last;
    }

    Process start(KafkaBroker broker, EmbeddedRegistryServer registry, String client, Path log) throws Exception {
        return start(broker, registry, APP, client, log);
    }

    Process start(KafkaBroker broker, EmbeddedRegistryServer registry, String app, String client, Path log)
            throws Exception {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ScorerProcess.class.getName(),
                broker.bootstrapServers(),
                registry.url(),
                app,
                app,
                dir.resolve("state-" + client).toString(),
                client);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    static String logs(Path... logs) throws Exception {
        StringBuilder s = new StringBuilder();
        for (Path l : logs)
            s.append("--- ").append(l.getFileName()).append('\n').append(Files.exists(l) ? Files.readString(l) : "");
        return s.toString();
    }

    static void keep(Path... logs) throws Exception {
        Path keep = Path.of("target", "scoring-kill-it");
        Files.createDirectories(keep);
        for (Path l : logs)
            if (Files.exists(l))
                Files.copy(l, keep.resolve(l.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
