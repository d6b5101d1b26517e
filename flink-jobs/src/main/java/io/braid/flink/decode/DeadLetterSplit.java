package io.braid.flink.decode;

import io.braid.avro.DeadLetter;
import io.braid.flink.JobCounters;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Sends refused records to the DLQ side output (counted) and valid events on. */
public final class DeadLetterSplit extends ProcessFunction<InputEvent, InputEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DLQ = new OutputTag<>("dlq", TypeInformation.of(DeadLetter.class));

    private transient Counter metric;
    private transient LongCounter acc;

    @Override
    public void open(OpenContext openContext) {
        metric = getRuntimeContext().getMetricGroup().counter(JobCounters.DLQ_RECORDS);
        acc = new LongCounter();
        getRuntimeContext().addAccumulator(JobCounters.DLQ_RECORDS, acc);
    }

    @Override
    public void processElement(InputEvent e, Context ctx, Collector<InputEvent> out) {
        if (e.isDead()) {
            metric.inc();
            acc.add(1);
            ctx.output(DLQ, e.deadLetter);
        } else {
            out.collect(e);
        }
    }
}
