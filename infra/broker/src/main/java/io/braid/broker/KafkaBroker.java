package io.braid.broker;

import java.util.Properties;

/** A running Kafka broker that tests and the local stack talk to, whatever runs it. */
public interface KafkaBroker extends AutoCloseable {
    String bootstrapServers();

    /** "embedded-kraft", "testcontainers" or "external". */
    String kind();

    default Properties clientProps() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        return p;
    }

    @Override
    void close();
}
