package io.braid.trainer.cli;

import io.braid.topics.TopicCatalog;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.online.OnlineTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where a trainer command reads and writes (Kafka, registry, its three topics), and its hidden test hooks. */
public final class TrainerIo {
    @Mixin
    KafkaEndpoints kafka = new KafkaEndpoints();

    @Option(
            names = "--train-topic",
            defaultValue = TopicCatalog.TRAIN,
            description = "topic of training pairs (default: ${DEFAULT-VALUE})")
    String trainTopic;

    @Option(
            names = "--models-topic",
            defaultValue = TopicCatalog.MODELS,
            description = "topic the versions are published on (default: ${DEFAULT-VALUE})")
    String modelsTopic;

    @Option(
            names = "--dlq-topic",
            defaultValue = TopicCatalog.DLQ,
            description = "dead-letter topic for pairs that fail decoding or validation (default: ${DEFAULT-VALUE})")
    String dlqTopic;

    @Option(names = "--batch-log", hidden = true, description = "append one line per step: pairs-before step hash loss")
    Path batchLog;

    @Option(
            names = "--model-config",
            hidden = true,
            description = "config.json of the architecture to start from (tests: a tiny model)")
    Path modelConfig;

    /** Sets the connection, the topics (mm.train: {@code trainTopic}) and the hooks on the trainer's options. */
    void applyTo(OnlineTrainer.Options o, String trainTopic) throws IOException {
        o.bootstrapServers = kafka.bootstrap;
        o.registryUrl = kafka.registry;
        o.trainTopic = trainTopic;
        o.modelsTopic = modelsTopic;
        o.dlqTopic = dlqTopic;
        o.batchLog = batchLog;
        if (modelConfig != null) o.config = ModelConfig.fromJson(Files.readString(modelConfig));
    }
}
