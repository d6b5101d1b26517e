package io.braid.flink;

import io.braid.serde.SerdeConfig;
import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Where the job's Kafka and schema registry are, plus any extra client settings (security, timeouts). */
public class KafkaConnection implements Serializable {
    private static final long serialVersionUID = 1L;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    public String bootstrapServers = "localhost:9092";

    @Option(
            names = "--schema-registry-url",
            description =
                    "Confluent-compatible schema registry: http(s)://host:port or mock://scope (default: ${DEFAULT-VALUE}).")
    public String schemaRegistryUrl = "http://localhost:8081";

    @Option(
            names = "--kafka-property",
            description =
                    "Extra Kafka client property key=value for sources and sinks (repeatable), e.g. security.protocol=SASL_SSL.")
    public Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(
            names = "--registry-property",
            description = "Extra serde/registry property key=value (repeatable), e.g. basic.auth.user.info=u:p.")
    public Map<String, String> registryProperties = new LinkedHashMap<>();

    public KafkaConnection() {}

    public KafkaConnection(String bootstrapServers, String schemaRegistryUrl) {
        this.bootstrapServers = bootstrapServers;
        this.schemaRegistryUrl = schemaRegistryUrl;
    }

    public Properties kafkaProps() {
        Properties p = new Properties();
        p.putAll(kafkaProperties);
        return p;
    }

    /** Confluent serde configuration: the registry URL plus the extra registry properties. */
    public Map<String, String> serdeConfig() {
        Map<String, String> m = new HashMap<>(registryProperties);
        m.put(SerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        return m;
    }
}
