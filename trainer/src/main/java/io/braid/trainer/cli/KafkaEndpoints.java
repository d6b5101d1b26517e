package io.braid.trainer.cli;

import picocli.CommandLine.Option;

/** The Kafka bootstrap servers and schema registry a trainer-side command (train, replay, score) talks to. */
public final class KafkaEndpoints {
    @Option(
            names = "--bootstrap-servers",
            defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(
            names = "--schema-registry-url",
            defaultValue = "http://localhost:8081",
            description = "schema registry URL (default: ${DEFAULT-VALUE})")
    String registry;
}
