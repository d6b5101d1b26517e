package io.braid.broker;

import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (broker + controller) inside this JVM, formatted at the production metadata version with
 * the same feature levels `kafka-storage format` sets (transaction.version=2 etc.), so it behaves like a real 4.x
 * broker and not like Kafka's unreleased test defaults.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {
    private final KafkaClusterTestKit kit;
    private final String bootstrap;

    private EmbeddedKafkaBroker(KafkaClusterTestKit kit) {
        this.kit = kit;
        this.bootstrap = kit.bootstrapServers();
    }

    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    public static EmbeddedKafkaBroker start(Map<String, String> extraConfig) {
        MetadataVersion mv = MetadataVersion.latestProduction();
        TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(mv);
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
        try {
            KafkaClusterTestKit kit = builder.build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new EmbeddedKafkaBroker(kit);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-JVM Kafka broker: " + e.getMessage(), e);
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrap;
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
