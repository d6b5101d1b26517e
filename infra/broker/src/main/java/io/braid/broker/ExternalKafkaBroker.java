package io.braid.broker;

/** A broker someone else runs; closing it does nothing. */
public record ExternalKafkaBroker(String bootstrapServers) implements KafkaBroker {
    @Override
    public String kind() {
        return "external";
    }

    @Override
    public void close() {}
}
