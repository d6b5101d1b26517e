package io.braid.flink.decode;

import io.braid.avro.DeadLetter;
import io.braid.flink.JobCounters;
import io.braid.topics.DeadLetterBound;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends refused records to the DLQ side output, bounded in size ({@link DeadLetterBound}) and counted (all of them,
 * the clock-ahead ones and the truncated ones), and valid events on.
 */
public final class DeadLetterSplit extends ProcessFunction<InputEvent, InputEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DLQ = new OutputTag<>("dlq", TypeInformation.of(DeadLetter.class));

    private final int maxDeadLetterBytes;

    private transient Count dead;
    private transient Count clockAhead;
    private transient Count truncated;

    public DeadLetterSplit(int maxDeadLetterBytes) {
        this.maxDeadLetterBytes = maxDeadLetterBytes;
    }

    /** A Flink metric and an accumulator of the same name (the accumulators feed {@link JobCounters}). */
    private static final class Count {
        final Counter metric;
        final LongCounter acc = new LongCounter();

        Count(org.apache.flink.api.common.functions.RuntimeContext ctx, String name) {
            metric = ctx.getMetricGroup().counter(name);
            ctx.addAccumulator(name, acc);
        }

        void inc() {
            metric.inc();
            acc.add(1);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        dead = new Count(ctx, JobCounters.DLQ_RECORDS);
        clockAhead = new Count(ctx, JobCounters.CLOCK_AHEAD_EVENTS);
        truncated = new Count(ctx, JobCounters.DLQ_TRUNCATED);
    }

    @Override
    public void processElement(InputEvent e, Context ctx, Collector<InputEvent> out) {
        if (e.isDead()) {
            DeadLetter d = e.deadLetter;
            dead.inc();
            if (DlqReason.CLOCK_AHEAD.equals(d.getReason())) clockAhead.inc();
            if (DeadLetterBound.apply(d, maxDeadLetterBytes)) truncated.inc();
            ctx.output(DLQ, d);
        } else {
            out.collect(e);
        }
    }
}
