package io.braid.trainer.score;

import io.braid.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The scoring job's typed options, immutable: {@link #defaults()} and {@link #toBuilder()} make changed copies, so a
 * running app can never be reconfigured behind its back. {@code ScoreCommand} maps its flags onto these one to one.
 */
public record ScoringOptions(
        String bootstrapServers,
        String registryUrl,
        String applicationId,
        String windowsTopic,
        String modelsTopic,
        String embeddingsTopic,
        String predictionsTopic,
        String dlqTopic,
        int maxBatchSize,
        Duration maxBatchWait,
        int maxWaitingWindows,
        Duration maxModelAge,
        StalenessPolicy stalenessPolicy,
        String objective,
        Path modelCacheDir,
        Path modelStoreDir,
        int metricsPort,
        int streamThreads,
        Path stateDir) {

    public ScoringOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registryUrl, "registryUrl");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(windowsTopic, "windowsTopic");
        Objects.requireNonNull(modelsTopic, "modelsTopic");
        Objects.requireNonNull(embeddingsTopic, "embeddingsTopic");
        Objects.requireNonNull(predictionsTopic, "predictionsTopic");
        Objects.requireNonNull(dlqTopic, "dlqTopic");
        Objects.requireNonNull(stalenessPolicy, "stalenessPolicy");
        if (maxBatchSize < 1) throw new IllegalArgumentException("max batch size must be >= 1: " + maxBatchSize);
        if (maxBatchWait == null || maxBatchWait.isNegative() || maxBatchWait.isZero())
            throw new IllegalArgumentException("max batch wait must be > 0: " + maxBatchWait);
        if (maxWaitingWindows < maxBatchSize)
            throw new IllegalArgumentException(
                    "max waiting windows (" + maxWaitingWindows + ") must be >= max batch size (" + maxBatchSize + ")");
        if (maxModelAge == null || maxModelAge.isNegative())
            throw new IllegalArgumentException("max model age must be >= 0 (0 = off): " + maxModelAge);
        if (streamThreads < 1) throw new IllegalArgumentException("stream threads must be >= 1: " + streamThreads);
        if (objective != null && objective.isBlank()) objective = null;
    }

    /** Every option at its default: local broker and registry, the catalog's topics. */
    public static ScoringOptions defaults() {
        return new ScoringOptions(
                "localhost:9092",
                "http://localhost:8081",
                "braid-scorer",
                TopicCatalog.WINDOWS,
                TopicCatalog.MODELS,
                TopicCatalog.EMBEDDINGS,
                TopicCatalog.PREDICTIONS,
                TopicCatalog.DLQ,
                32,
                Duration.ofMillis(100),
                10_000,
                Duration.ofMinutes(10),
                StalenessPolicy.FLAG,
                null,
                null,
                null,
                9405,
                1,
                null);
    }

    /** True when the staleness guard is on (a max model age above zero). */
    public boolean stalenessGuard() {
        return !maxModelAge.isZero();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A mutable copy to change a few options and {@link #build()} a new, validated record. */
    public static final class Builder {
        public String bootstrapServers, registryUrl, applicationId;
        public String windowsTopic, modelsTopic, embeddingsTopic, predictionsTopic, dlqTopic;
        public int maxBatchSize;
        public Duration maxBatchWait;
        public int maxWaitingWindows;
        public Duration maxModelAge;
        public StalenessPolicy stalenessPolicy;
        public String objective;
        public Path modelCacheDir, modelStoreDir;
        public int metricsPort, streamThreads;
        public Path stateDir;

        private Builder(ScoringOptions o) {
            bootstrapServers = o.bootstrapServers;
            registryUrl = o.registryUrl;
            applicationId = o.applicationId;
            windowsTopic = o.windowsTopic;
            modelsTopic = o.modelsTopic;
            embeddingsTopic = o.embeddingsTopic;
            predictionsTopic = o.predictionsTopic;
            dlqTopic = o.dlqTopic;
            maxBatchSize = o.maxBatchSize;
            maxBatchWait = o.maxBatchWait;
            maxWaitingWindows = o.maxWaitingWindows;
            maxModelAge = o.maxModelAge;
            stalenessPolicy = o.stalenessPolicy;
            objective = o.objective;
            modelCacheDir = o.modelCacheDir;
            modelStoreDir = o.modelStoreDir;
            metricsPort = o.metricsPort;
            streamThreads = o.streamThreads;
            stateDir = o.stateDir;
        }

        public ScoringOptions build() {
            return new ScoringOptions(
                    bootstrapServers,
                    registryUrl,
                    applicationId,
                    windowsTopic,
                    modelsTopic,
                    embeddingsTopic,
                    predictionsTopic,
                    dlqTopic,
                    maxBatchSize,
                    maxBatchWait,
                    maxWaitingWindows,
                    maxModelAge,
                    stalenessPolicy,
                    objective,
                    modelCacheDir,
                    modelStoreDir,
                    metricsPort,
                    streamThreads,
                    stateDir);
        }
    }
}
