package io.braid.trainer.score;

import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Presence;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.model.LocalModelStore;
import io.braid.trainer.model.ModelStore;
import io.braid.trainer.online.Fixtures;
import io.braid.trainer.online.OnlineLearner;
import io.braid.trainer.online.StepGuard;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Real tiny checkpoints (written the way the online trainer writes them), their ModelVersions, and windows. */
final class ScoringFixtures {
    static final long START = Fixtures.START;

    private ScoringFixtures() {}

    /** A step-0 checkpoint of the tiny {@code objective} model with parameter seed {@code initSeed}, in {@code dir}. */
    static ModelStore.Artifact checkpoint(Path dir, String objective, long initSeed) throws Exception {
        LocalModelStore store = new LocalModelStore(dir);
        try (OnlineLearner l = new OnlineLearner(
                store,
                Fixtures.tiny(objective, initSeed),
                Tokenizer.VERSION,
                "mm.train",
                1e-3,
                1e-2,
                7,
                new StepGuard(5, 3),
                m -> {})) {
            return l.checkpoint(START).artifact();
        }
    }

    /** The mm.models record of {@code a}: created at START + createdOffsetMs, trained through {@code trainedThrough}. */
    static ModelVersion version(
            ModelStore.Artifact a, String name, String objective, long createdOffsetMs, long trainedThrough) {
        return ModelVersion.newBuilder()
                .setVersion(name)
                .setObjective(objective)
                .setArtifactUri(a.uri())
                .setSha256(a.sha256())
                .setCreatedAt(Instant.ofEpochMilli(START + createdOffsetMs))
                .setTrainedThrough(Instant.ofEpochMilli(trainedThrough))
                .setOffsets(List.of())
                .setConfigJson("{}")
                .build();
    }

    /** Window {@code i} of source {@code source}, ending at START + (i + 1) s, with the modalities {@code p}. */
    static MultimodalWindow window(SimulatedDataset d, int i, String source, Presence p) {
        return Fixtures.window(d, i, source, p);
    }

    static MultimodalWindow window(SimulatedDataset d, int i, String source) {
        return window(d, i, source, Fixtures.all());
    }

    static SimulatedDataset dataset(int ticks) {
        return Fixtures.dataset(ticks);
    }
}
