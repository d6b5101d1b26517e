package io.braid.flink.augment;

import io.braid.augment.AugmentationParams;
import io.braid.augment.PairAugmenter;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.flink.JobCounters;
import io.braid.flink.WindowJobOptions;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Flink wrapper of {@link PairAugmenter} (schemas, engine-free, shared with the trainer's offline path): one training
 * pair per emitted window, counted.
 */
public final class AugmentFunction extends RichMapFunction<MultimodalWindow, TrainingPair> {
    private static final long serialVersionUID = 1L;

    private final PairAugmenter augmenter;
    private transient Counter metric;
    private transient LongCounter acc;

    public AugmentFunction(AugmentationParams params) {
        this.augmenter = new PairAugmenter(params);
    }

    public AugmentFunction(WindowJobOptions o) {
        this(params(o));
    }

    /** The job's {@code --aug-*} options as the augmentation's parameters. */
    public static AugmentationParams params(WindowJobOptions o) {
        return new AugmentationParams(
                o.sensorNoiseSigma,
                o.sensorNoiseP,
                o.sensorDropP,
                o.sensorDropMaxFraction,
                o.cropScaleMin,
                o.cropScaleMax,
                o.cropRatioMin,
                o.cropRatioMax,
                o.colorJitterP,
                o.brightness,
                o.contrast,
                o.saturation,
                o.hue,
                o.grayscaleP,
                o.blurP,
                o.blurSigmaMin,
                o.blurSigmaMax,
                o.flipP,
                o.textMaskP,
                o.modalityDropoutP);
    }

    @Override
    public void open(OpenContext openContext) {
        metric = getRuntimeContext().getMetricGroup().counter(JobCounters.TRAIN_PAIRS);
        acc = new LongCounter();
        getRuntimeContext().addAccumulator(JobCounters.TRAIN_PAIRS, acc);
    }

    @Override
    public TrainingPair map(MultimodalWindow w) {
        TrainingPair p = augmenter.augment(w);
        metric.inc();
        acc.add(1);
        return p;
    }
}
