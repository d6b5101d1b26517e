package io.braid.flink;

import io.braid.avro.DeadLetter;
import io.braid.avro.LateEvent;
import io.braid.avro.Modality;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.flink.augment.AugmentFunction;
import io.braid.flink.decode.DeadLetterSplit;
import io.braid.flink.decode.InputEvent;
import io.braid.flink.window.InputWatermarks;
import io.braid.flink.window.MultimodalWindowFunction;
import java.io.Serializable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The align-and-augment job as a pure builder: given input streams (Kafka in production, anything in tests) and
 * options, it wires decode-split, event-time multimodal windows and augmentation, and returns the four output streams;
 * {@link Outputs#sinkTo} attaches sinks. No I/O is created here.
 */
public final class MultimodalWindowJob {
    private MultimodalWindowJob() {}

    /** Creates one input stream per modality with the given watermark strategy. */
    @FunctionalInterface
    public interface Inputs extends Serializable {
        DataStream<InputEvent> create(
                StreamExecutionEnvironment env, Modality modality, WatermarkStrategy<InputEvent> wm);
    }

    /** Where each output goes; a null sink leaves that output unused. */
    public record Sinks(
            Sink<MultimodalWindow> windows, Sink<TrainingPair> train, Sink<LateEvent> late, Sink<DeadLetter> dlq) {}

    /** The job's output streams. */
    public record Outputs(
            DataStream<MultimodalWindow> windows,
            DataStream<TrainingPair> train,
            DataStream<LateEvent> late,
            DataStream<DeadLetter> dlq) {

        public void sinkTo(Sinks s) {
            if (s.windows() != null)
                windows.sinkTo(s.windows()).name("mm.windows").uid("sink-windows");
            if (s.train() != null && train != null)
                train.sinkTo(s.train()).name("mm.train").uid("sink-train");
            if (s.late() != null) late.sinkTo(s.late()).name("mm.late").uid("sink-late");
            if (s.dlq() != null) dlq.sinkTo(s.dlq()).name("mm.dlq").uid("sink-dlq");
        }
    }

    /** Checkpointing (exactly-once barriers) and parallelism from the options: what local runs and tests use. */
    public static void configure(StreamExecutionEnvironment env, WindowJobOptions o) {
        configure(env, o, true, true);
    }

    /**
     * Sets parallelism and the checkpoint interval only where asked: on a cluster ({@link WindowJobMain}) only when
     * the options were given, so that {@code flink run -p} and the cluster's {@code execution.checkpointing.*}
     * settings win otherwise. An explicit {@code --checkpoint-dir} always applies.
     */
    public static void configure(
            StreamExecutionEnvironment env, WindowJobOptions o, boolean setParallelism, boolean setCheckpointing) {
        if (setParallelism) env.setParallelism(o.parallelism);
        if (setCheckpointing) env.enableCheckpointing(o.checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        if (o.checkpointDir != null) {
            Configuration c = new Configuration();
            c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, o.checkpointDir);
            env.configure(c);
        }
    }

    public static Outputs build(StreamExecutionEnvironment env, Inputs inputs, WindowJobOptions o) {
        o.validate();
        String version = PipelineVersion.of(o);
        WatermarkStrategy<InputEvent> wm = InputWatermarks.strategy(o);

        DataStream<InputEvent> all = null;
        SingleOutputStreamOperator<InputEvent> first = null;
        DataStream<DeadLetter> dead = null;
        for (Modality m : Modality.values()) {
            SingleOutputStreamOperator<InputEvent> valid = inputs.create(env, m, wm)
                    .process(new DeadLetterSplit(o.maxDeadLetterBytes))
                    .name("validate-" + m.name().toLowerCase())
                    .uid("validate-" + m.name().toLowerCase());
            DataStream<DeadLetter> d = valid.getSideOutput(DeadLetterSplit.DLQ);
            dead = dead == null ? d : dead.union(d);
            all = all == null ? valid : all.union(valid);
            if (first == null) first = valid;
        }

        SingleOutputStreamOperator<MultimodalWindow> windows = all.keyBy(new SourceKey())
                .process(new MultimodalWindowFunction(o, version))
                .name("multimodal-windows")
                .uid("multimodal-windows");
        DataStream<LateEvent> late = windows.getSideOutput(MultimodalWindowFunction.LATE);
        DataStream<TrainingPair> train = null;
        if (o.emitTrain) {
            train = windows.map(new AugmentFunction(o))
                    .returns(TypeInformation.of(TrainingPair.class))
                    .name("augment")
                    .uid("augment");
        }
        return new Outputs(windows, train, late, dead);
    }

    /** Key selector by source id (a named class: Flink cannot infer lambda key types everywhere). */
    public static final class SourceKey implements org.apache.flink.api.java.functions.KeySelector<InputEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(InputEvent e) {
            return e.sourceId;
        }
    }
}
