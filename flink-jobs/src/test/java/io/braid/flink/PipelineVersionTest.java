package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.augment.AugmentationParams;
import io.braid.augment.PairAugmenter;
import io.braid.flink.augment.AugmentFunction;
import org.junit.jupiter.api.Test;

/** The pipeline version covers the augmentation settings and code, and seeds the pairs through it. */
class PipelineVersionTest {
    @Test
    void theSeedDependsOnThePipelineVersion() {
        WindowJobOptions o = new WindowJobOptions();
        WindowJobOptions other = new WindowJobOptions();
        other.textMaskP = 0.3;
        assertNotEquals(PipelineVersion.of(o), PipelineVersion.of(other));
        assertEquals(PipelineVersion.of(o), PipelineVersion.of(new WindowJobOptions()));
        assertNotEquals(
                PairAugmenter.seed(PipelineVersion.of(o), "r@0", 1),
                PairAugmenter.seed(PipelineVersion.of(other), "r@0", 1));
    }

    @Test
    void thePipelineVersionCoversTheAugmentationCodeVersion() {
        WindowJobOptions o = new WindowJobOptions();
        assertEquals(PipelineVersion.of(o), PipelineVersion.of(o, PairAugmenter.AUGMENT_CODE_VERSION));
        assertNotEquals(
                PipelineVersion.of(o, PairAugmenter.AUGMENT_CODE_VERSION),
                PipelineVersion.of(o, PairAugmenter.AUGMENT_CODE_VERSION + 1));
        assertNotEquals(
                PairAugmenter.seed(PipelineVersion.of(o, 1), "r@0", 1),
                PairAugmenter.seed(PipelineVersion.of(o, 2), "r@0", 1),
                "new augmentation code, new seeds");
    }

    @Test
    void theJobsAugmentationDefaultsAreTheSharedDefaultsAndEveryOptionReachesTheParameters() {
        assertEquals(AugmentationParams.DEFAULTS, AugmentFunction.params(new WindowJobOptions()));
        WindowJobOptions o = new WindowJobOptions();
        o.hue = 0.05;
        o.modalityDropoutP = 0.25;
        AugmentationParams p = AugmentFunction.params(o);
        assertEquals(0.05, p.hue());
        assertEquals(0.25, p.modalityDropoutP());
        // the pipeline version hashes the same augmentation text the shared parameters print
        assertTrue(o.contentConfig().endsWith(";aug=" + p.canonical()), o.contentConfig());
    }

    @Test
    void theSeedIsTheFirstEightBytesOfSha256() {
        assertEquals(PairAugmenter.seed64("a", "b"), PipelineVersion.seed("a", "b"));
        assertEquals(0x2d711642b726b044L, PipelineVersion.seed("x"), "SHA-256(\"x\") = 2d711642 b726b044 ...");
    }
}
