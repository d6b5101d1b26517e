package io.braid.flink.augment;

import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.flink.JobCounters;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/** Flink wrapper of {@link PairAugmenter}: one training pair per emitted window, counted. */
public final class AugmentFunction extends RichMapFunction<MultimodalWindow, TrainingPair> {
    private static final long serialVersionUID = 1L;

    private final PairAugmenter augmenter;
    private transient Counter metric;
    private transient LongCounter acc;

    public AugmentFunction(AugmentationParams params) {
        this.augmenter = new PairAugmenter(params);
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
