package io.braid.cli;

import io.braid.broker.EmbeddedKafkaBroker;
import io.braid.broker.ExternalKafkaBroker;
import io.braid.broker.KafkaBroker;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.registry.KafkaSchemaRegistry;
import io.braid.topics.TopicCatalog;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;

/**
 * The embedded default: an in-JVM KRaft broker (unless one is given), the embedded Confluent-compatible registry
 * persisted to {@link TopicCatalog#SCHEMAS}, and every topic of the catalog.
 */
public final class LocalStack implements AutoCloseable {
    private final KafkaBroker broker;
    private final KafkaSchemaRegistry store;
    private final EmbeddedRegistryServer registry;
    private final Set<String> createdTopics;
    private final Path dataDir;

    private LocalStack(
            KafkaBroker broker,
            KafkaSchemaRegistry store,
            EmbeddedRegistryServer registry,
            Set<String> created,
            Path dataDir) {
        this.broker = broker;
        this.store = store;
        this.registry = registry;
        this.createdTopics = created;
        this.dataDir = dataDir;
    }

    /**
     * @param externalBootstrap null to start the in-JVM broker
     * @param registryPort 0 for a free port
     */
    public static LocalStack start(String externalBootstrap, int registryPort, int partitions) {
        return start(externalBootstrap, registryPort, partitions, null);
    }

    /**
     * @param dataDir where the in-JVM broker keeps its data (topics, offsets and so the schema ids in {@link
     *     TopicCatalog#SCHEMAS}) across restarts; null for a temporary directory deleted on close. Ignored with an
     *     external broker (which keeps its own data).
     */
    public static LocalStack start(String externalBootstrap, int registryPort, int partitions, Path dataDir) {
        KafkaBroker broker = externalBootstrap == null
                ? quietly(() -> EmbeddedKafkaBroker.start(dataDir, Map.of()))
                : new ExternalKafkaBroker(externalBootstrap);
        try {
            Set<String> created;
            try (Admin admin = Admin.create(broker.clientProps())) {
                created = TopicCatalog.ensure(admin, TopicCatalog.all(partitions, (short) 1));
            }
            KafkaSchemaRegistry store = KafkaSchemaRegistry.open(broker.bootstrapServers(), TopicCatalog.SCHEMAS);
            EmbeddedRegistryServer registry = new EmbeddedRegistryServer(store, registryPort).start();
            return new LocalStack(broker, store, registry, created, externalBootstrap == null ? dataDir : null);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** Kafka's storage formatter prints to stdout; keep the CLI's stdout for our own output. */
    private static <T> T quietly(java.util.function.Supplier<T> action) {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            return action.get();
        } finally {
            System.setOut(out);
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public String brokerKind() {
        return broker.kind();
    }

    /** The in-JVM broker's kept data directory, or null when the data is temporary or the broker external. */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether the in-JVM broker started on the data of an earlier run. */
    public boolean reusedData() {
        return broker instanceof EmbeddedKafkaBroker e && e.reusedData();
    }

    public Set<String> createdTopics() {
        return createdTopics;
    }

    public Properties clientProps() {
        return broker.clientProps();
    }

    @Override
    public void close() {
        registry.close();
        store.close();
        broker.close();
    }
}
