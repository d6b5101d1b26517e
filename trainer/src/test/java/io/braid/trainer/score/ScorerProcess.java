package io.braid.trainer.score;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * One scorer instance for {@link ScoringKillIT}, run in a child JVM until it is killed (SIGKILL) or stopped (SIGTERM
 * closes the app, as {@code braid score} does). It prints a line {@code ScorerProcess <client> state=... tasks=[...]}
 * whenever its active tasks change, so the test knows who owns what.
 *
 * <p>Arguments: bootstrap servers, registry URL, topic prefix ({@link ScoringBroker.TopicSet#named}), application id,
 * state directory, client id. The overrides shorten failure detection (session timeout, transaction timeout) and
 * widen each transaction to a second (commit interval), so that a kill can strike one that holds output; exactly-once
 * is Kafka Streams' exactly_once_v2 as {@link ScoringApp#config} sets it.
 */
public final class ScorerProcess {
    public static void main(String[] args) throws Exception {
        if (args.length != 6)
            throw new IllegalArgumentException(
                    "usage: ScorerProcess <bootstrap> <registry-url> <topic-prefix> <application-id> <state-dir> <client-id>");
        String client = args[5];
        ScoringOptions o = ScoringBroker.options(
                args[0], args[1], ScoringBroker.TopicSet.named(args[2]), args[3], Path.of(args[4]));
        ScoringApp app = ScoringApp.start(o, overrides(client), Duration.ofSeconds(90), m -> {
            System.out.println("score: " + m);
            System.out.flush();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "scorer-stop"));
        Set<String> last = null;
        long lastWaiting = -1;
        while (true) {
            Set<String> tasks = new TreeSet<>();
            for (ThreadMetadata t : app.streams().metadataForLocalThreads())
                for (TaskMetadata m : t.activeTasks()) tasks.add(m.taskId().toString());
            long waiting = (long) app.metrics().waiting.get();
            if (!tasks.equals(last) || waiting != lastWaiting) {
                System.out.println(
                        "ScorerProcess " + client + " state=" + app.streams().state() + " tasks=" + tasks + " scored="
                                + (long) app.metrics().scored.get() + " waiting=" + waiting);
                System.out.flush();
                last = tasks;
                lastWaiting = waiting;
            }
            Thread.sleep(100);
        }
    }

    /**
     * A dead member leaves the group after 6 s and its open transaction aborts after 5 s; a transaction commits once a
     * second.
     */
    static Properties overrides(String client) {
        Properties p = new Properties();
        p.put("client.id", client);
        p.put("consumer.session.timeout.ms", "6000");
        p.put("consumer.heartbeat.interval.ms", "1000");
        p.put("producer.transaction.timeout.ms", "5000");
        p.put("commit.interval.ms", "1000");
        // every instance counts as caught up: the assignor spreads the stateful tasks at once instead of keeping
        // them on the first instance and warming the second up until a probing rebalance (10 min by default)
        p.put("acceptable.recovery.lag", Long.toString(Long.MAX_VALUE));
        return p;
    }
}
