package io.braid.cli;

import io.braid.broker.EmbeddedKafkaBroker;
import io.braid.broker.ExternalKafkaBroker;
import io.braid.broker.KafkaBroker;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.registry.KafkaSchemaRegistry;
import io.braid.topics.TopicCatalog;
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

    private LocalStack(
            KafkaBroker broker, KafkaSchemaRegistry store, EmbeddedRegistryServer registry, Set<String> created) {
        this.broker = broker;
        this.store = store;
        this.registry = registry;
        this.createdTopics = created;
    }

    /**
     * @param externalBootstrap null to start the in-JVM broker
     * @param registryPort 0 for a free port
     */
    public static LocalStack start(String externalBootstrap, int registryPort, int partitions) {
        KafkaBroker broker = externalBootstrap == null
                ? quietly(EmbeddedKafkaBroker::start)
                : new ExternalKafkaBroker(externalBootstrap);
        try {
            Set<String> created;
            try (Admin admin = Admin.create(broker.clientProps())) {
                created = TopicCatalog.ensure(admin, TopicCatalog.all(partitions, (short) 1));
            }
            KafkaSchemaRegistry store = KafkaSchemaRegistry.open(broker.bootstrapServers(), TopicCatalog.SCHEMAS);
            EmbeddedRegistryServer registry = new EmbeddedRegistryServer(store, registryPort).start();
            return new LocalStack(broker, store, registry, created);
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
