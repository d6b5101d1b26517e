package io.braid.registry;

import io.braid.serde.SerdeConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * Picks the registry implementation from {@code schema.registry.url}: {@link RestSchemaRegistryClient} for
 * {@code http(s)://} (comma list = failover), and a shared in-process {@link InMemorySchemaRegistry} per scope for
 * {@code mock://scope} (Confluent's convention, so configs stay portable). Embedded ids are local to that registry.
 */
public final class RegistryClients {
    private static final Map<String, InMemorySchemaRegistry> MOCK_SCOPES = new ConcurrentHashMap<>();

    private RegistryClients() {}

    public static SchemaRegistryClient create(Map<String, ?> config) {
        String url = RestSchemaRegistryClient.stringOf(config, SerdeConfig.SCHEMA_REGISTRY_URL, null);
        if (url == null || url.isBlank()) {
            throw new ConfigException(SerdeConfig.SCHEMA_REGISTRY_URL
                    + " is required: an http(s):// registry URL list, or mock://<scope> for an in-process registry");
        }
        String trimmed = url.trim();
        if (trimmed.startsWith("mock://")) return mockScope(trimmed.substring("mock://".length()));
        return new RestSchemaRegistryClient(trimmed, config);
    }

    public static SchemaRegistryClient create(String url) {
        return create(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url));
    }

    /** The shared in-process registry behind {@code mock://scope} (created on first use). */
    public static InMemorySchemaRegistry mockScope(String scope) {
        return MOCK_SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry("mock://" + s));
    }

    /** Forgets a mock scope (tests). */
    public static void dropMockScope(String scope) {
        MOCK_SCOPES.remove(scope);
    }
}
