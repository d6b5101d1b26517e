package io.braid.broker;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * JUnit 5 extension shared by every module's integration tests: one broker per test JVM (root store). Picks
 * Testcontainers Kafka when a Docker engine answers, the in-JVM KRaft broker otherwise. Override with
 * {@code -Dkafka.broker=embedded|testcontainers|external} and {@code -Dkafka.bootstrap=host:port}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext ctx) {
        broker(ctx);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return KafkaBroker.class.isAssignableFrom(p.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return broker(c);
    }

    public static KafkaBroker broker(ExtensionContext ctx) {
        return ctx.getRoot()
                .getStore(NS)
                .getOrComputeIfAbsent("broker", k -> new Holder(create()), Holder.class)
                .broker;
    }

    static KafkaBroker create() {
        String mode = System.getProperty("kafka.broker", "auto");
        switch (mode) {
            case "external":
                return new ExternalKafkaBroker(System.getProperty("kafka.bootstrap", "localhost:9092"));
            case "testcontainers":
                return new ContainerKafkaBroker();
            case "embedded":
                return EmbeddedKafkaBroker.start();
            case "auto":
                return dockerAvailable() ? new ContainerKafkaBroker() : EmbeddedKafkaBroker.start();
            default:
                throw new IllegalArgumentException(
                        "kafka.broker must be auto, embedded, testcontainers or external, not '" + mode + "'");
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static final class Holder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final KafkaBroker broker;

        Holder(KafkaBroker broker) {
            this.broker = broker;
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    static final class ContainerKafkaBroker implements KafkaBroker {
        private final KafkaContainer container;

        ContainerKafkaBroker() {
            container = new KafkaContainer(System.getProperty("kafka.image", "apache/kafka:4.1.0"));
            container.start();
        }

        @Override
        public String bootstrapServers() {
            return container.getBootstrapServers();
        }

        @Override
        public String kind() {
            return "testcontainers";
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
