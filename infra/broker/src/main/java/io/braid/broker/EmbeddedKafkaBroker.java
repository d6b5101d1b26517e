package io.braid.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (broker + controller) inside this JVM, formatted at the production metadata version with
 * the same feature levels `kafka-storage format` sets (transaction.version=2 etc.), so it behaves like a real 4.x
 * broker and not like Kafka's unreleased test defaults.
 *
 * <p>By default its log and metadata directories are temporary and deleted on close. With a data directory they are
 * kept: the test kit lays out its node directories deterministically under the base directory, so a restart reuses
 * them when it is given the same cluster id (kept in {@value #MARKER}) and skips formatting (the kit's formatter
 * refuses formatted directories). The listener ports are new on every start; clients find the broker through the
 * printed bootstrap servers.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {
    /** File in a data directory that marks it formatted and holds its cluster id. */
    public static final String MARKER = "braid-broker.properties";

    private final KafkaClusterTestKit kit;
    private final String bootstrap;
    private final Path dataDir;
    private final boolean reused;

    private EmbeddedKafkaBroker(KafkaClusterTestKit kit, Path dataDir, boolean reused) {
        this.kit = kit;
        this.bootstrap = kit.bootstrapServers();
        this.dataDir = dataDir;
        this.reused = reused;
    }

    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    public static EmbeddedKafkaBroker start(Map<String, String> extraConfig) {
        return start(null, extraConfig);
    }

    /**
     * @param dataDir where the broker keeps its data across restarts (created if missing); null for a temporary
     *     directory that is deleted on close
     */
    public static EmbeddedKafkaBroker start(Path dataDir, Map<String, String> extraConfig) {
        String clusterId = null;
        boolean reuse = false;
        if (dataDir != null) {
            Path marker = dataDir.resolve(MARKER);
            try {
                Files.createDirectories(dataDir);
                if (Files.exists(marker)) {
                    Properties p = new Properties();
                    try (InputStream in = Files.newInputStream(marker)) {
                        p.load(in);
                    }
                    clusterId = p.getProperty("cluster.id");
                    if (clusterId == null || clusterId.isBlank()) {
                        throw new IllegalStateException(marker + " has no cluster.id; remove " + dataDir
                                + " to start over with an empty broker");
                    }
                    reuse = true;
                } else {
                    try (var entries = Files.list(dataDir)) {
                        if (entries.findAny().isPresent()) {
                            throw new IllegalStateException("data directory " + dataDir + " is not empty and has no "
                                    + MARKER + " (not a Braid broker directory, or its first start failed);"
                                    + " give an empty or new directory");
                        }
                    }
                    clusterId = Uuid.randomUuid().toString();
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot use broker data directory " + dataDir + ": " + e, e);
            }
        }
        MetadataVersion mv = MetadataVersion.latestProduction();
        TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(mv);
        if (dataDir != null) nodes.setBaseDirectory(dataDir).setClusterId(clusterId);
        for (Feature f : Feature.PRODUCTION_FEATURES) {
            if (f == Feature.KRAFT_VERSION) continue;
            short level = f.defaultLevel(mv);
            if (level > 0) nodes.setFeature(f.featureName(), level);
        }
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
        Map.of(
                        "offsets.topic.replication.factor", "1",
                        "offsets.topic.num.partitions", "1",
                        "transaction.state.log.replication.factor", "1",
                        "transaction.state.log.min.isr", "1",
                        "transaction.state.log.num.partitions", "1",
                        "share.coordinator.state.topic.replication.factor", "1",
                        "share.coordinator.state.topic.min.isr", "1",
                        "group.initial.rebalance.delay.ms", "0",
                        "auto.create.topics.enable", "false")
                .forEach(builder::setConfigProp);
        extraConfig.forEach(builder::setConfigProp);
        if (dataDir != null) builder.setDeleteOnClose(false);
        try {
            KafkaClusterTestKit kit = builder.build();
            if (!reuse) kit.format();
            if (dataDir != null && !reuse) {
                Properties p = new Properties();
                p.setProperty("cluster.id", clusterId);
                p.setProperty("metadata.version", mv.version());
                try (OutputStream out = Files.newOutputStream(dataDir.resolve(MARKER))) {
                    p.store(out, "Braid in-JVM Kafka broker data; delete the directory to start over");
                }
            }
            kit.startup();
            kit.waitForReadyBrokers();
            return new EmbeddedKafkaBroker(kit, dataDir, reuse);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-JVM Kafka broker: " + e.getMessage(), e);
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrap;
    }

    /** The data directory kept across restarts, or null when the data is temporary. */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether this start reused the data of an earlier one. */
    public boolean reusedData() {
        return reused;
    }

    @Override
    public String kind() {
        return "embedded-kraft";
    }

    @Override
    public void close() {
        try {
            kit.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the in-JVM Kafka broker", e);
        }
    }
}
