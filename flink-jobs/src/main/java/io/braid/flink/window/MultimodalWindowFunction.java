package io.braid.flink.window;

import io.braid.avro.LateEvent;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Presence;
import io.braid.flink.JobCounters;
import io.braid.flink.WindowJobOptions;
import io.braid.flink.decode.InputEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.Histogram;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per source id, event-time multimodal windows. Each event is kept under the last window it can contribute to; a
 * timer per window fires when the watermark passes window end + tolerance + grace, assembles the window from the kept
 * events, and drops every event no later window needs, so nothing stays once the windows are closed. An event whose
 * windows have all closed goes to the late side output. Whatever is not emitted is counted with its reason: late,
 * duplicate, dropped windows (below the minimum, incomplete), and events that end up in no emitted window (in no
 * window at all, never chosen, chosen only by dropped windows).
 */
public class MultimodalWindowFunction extends KeyedProcessFunction<String, InputEvent, MultimodalWindow> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<LateEvent> LATE = new OutputTag<>("late", TypeInformation.of(LateEvent.class));

    private final WindowJobOptions options;
    private final String pipelineVersion;
    private final WindowMath math;

    private transient WindowAssembler assembler;
    private transient MapState<Long, List<InputEvent>> pending;
    private transient Outcome windowsEmitted;
    private transient Outcome windowsComplete;
    private transient Outcome windowsPartial;
    private transient Outcome windowsDropped;
    private transient Outcome droppedBelowMin;
    private transient Outcome droppedIncomplete;
    private transient Outcome missingSensor;
    private transient Outcome missingVision;
    private transient Outcome missingText;
    private transient Outcome lateEvents;
    private transient Outcome duplicates;
    private transient Outcome unused;
    private transient Outcome unusedNoWindow;
    private transient Outcome unusedNotChosen;
    private transient Outcome unusedInDropped;
    private transient Outcome inputEvents;
    private transient Histogram watermarkDelay;
    private transient long maxEventTime;
    /** The widest lastWindow - firstWindow of the pending events (a bound for the timer's scan), null when none. */
    private transient ValueState<Long> maxSpan;

    public MultimodalWindowFunction(WindowJobOptions options, String pipelineVersion) {
        this.options = options;
        this.pipelineVersion = pipelineVersion;
        this.math = new WindowMath(options);
    }

    /** A Flink metric counter and an accumulator of the same name, incremented together. */
    static final class Outcome {
        final Counter metric;
        final LongCounter acc;

        Outcome(org.apache.flink.api.common.functions.RuntimeContext ctx, String name) {
            metric = ctx.getMetricGroup().counter(name);
            acc = new LongCounter();
            ctx.addAccumulator(name, acc);
        }

        void inc() {
            metric.inc();
            acc.add(1);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        assembler = new WindowAssembler(options, pipelineVersion);
        pending = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "pending-by-last-window", Types.LONG, Types.LIST(TypeInformation.of(InputEvent.class))));
        maxSpan = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-max-span", Types.LONG));
        var ctx = getRuntimeContext();
        inputEvents = new Outcome(ctx, JobCounters.INPUT_EVENTS);
        windowsEmitted = new Outcome(ctx, JobCounters.WINDOWS_EMITTED);
        windowsComplete = new Outcome(ctx, JobCounters.WINDOWS_COMPLETE);
        windowsPartial = new Outcome(ctx, JobCounters.WINDOWS_PARTIAL);
        windowsDropped = new Outcome(ctx, JobCounters.WINDOWS_DROPPED);
        droppedBelowMin = new Outcome(ctx, JobCounters.WINDOWS_DROPPED_BELOW_MIN);
        droppedIncomplete = new Outcome(ctx, JobCounters.WINDOWS_DROPPED_INCOMPLETE);
        missingSensor = new Outcome(ctx, JobCounters.MISSING_SENSOR);
        missingVision = new Outcome(ctx, JobCounters.MISSING_VISION);
        missingText = new Outcome(ctx, JobCounters.MISSING_TEXT);
        lateEvents = new Outcome(ctx, JobCounters.LATE_EVENTS);
        duplicates = new Outcome(ctx, JobCounters.DUPLICATES);
        unused = new Outcome(ctx, JobCounters.UNUSED_EVENTS);
        unusedNoWindow = new Outcome(ctx, JobCounters.UNUSED_NO_WINDOW);
        unusedNotChosen = new Outcome(ctx, JobCounters.UNUSED_NOT_CHOSEN);
        unusedInDropped = new Outcome(ctx, JobCounters.UNUSED_IN_DROPPED_WINDOW);
        watermarkDelay = new Histogram();
        ctx.addAccumulator(JobCounters.WATERMARK_DELAY, watermarkDelay);
        maxEventTime = Long.MIN_VALUE;
    }

    @Override
    public void processElement(InputEvent e, Context ctx, Collector<MultimodalWindow> out) throws Exception {
        inputEvents.inc();
        long watermark = ctx.timerService().currentWatermark();
        long first = math.firstWindow(e);
        long last = math.lastWindow(e);
        if (first > last) {
            unused.inc(); // e.g. a frame far from every window end: it can never be chosen
            unusedNoWindow.inc();
            return;
        }
        if (math.closeTime(last) <= watermark) {
            lateEvents.inc();
            ctx.output(LATE, late(e, watermark, watermark - math.closeTime(last)));
            return;
        }
        maxEventTime = Math.max(maxEventTime, e.eventTime);
        List<InputEvent> kept = pending.get(last);
        if (kept == null) kept = new ArrayList<>(4);
        for (InputEvent k : kept) {
            if (k.modality == e.modality && k.seq == e.seq) {
                duplicates.inc();
                return;
            }
        }
        kept.add(e);
        pending.put(last, kept);
        Long span = maxSpan.value();
        if (span == null || last - first > span) maxSpan.update(last - first);
        for (long ws = first; ws <= last; ws += math.hop()) {
            long close = math.closeTime(ws);
            if (close > watermark) ctx.timerService().registerEventTimeTimer(close);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MultimodalWindow> out) throws Exception {
        long ws = math.windowStartOfCloseTime(timestamp);
        List<InputEvent> touching = new ArrayList<>();
        List<Map.Entry<Long, List<InputEvent>>> kept = new ArrayList<>();
        Iterator<Map.Entry<Long, List<InputEvent>>> it = pending.iterator();
        // an entry keyed beyond ws + the widest span of any pending event cannot touch ws: skip its events (a source
        // that reads far ahead in a replay keeps hundreds of such entries, and scanning them made this O(n^2)); no
        // span recorded (state from before it was kept) means no bound
        Long span = maxSpan.value();
        long beyond = span == null ? Long.MAX_VALUE : ws + span;
        while (it.hasNext()) {
            Map.Entry<Long, List<InputEvent>> en = it.next();
            if (en.getKey() > beyond) continue;
            boolean touches = false;
            for (InputEvent e : en.getValue()) {
                if (math.firstWindow(e) <= ws && ws <= math.lastWindow(e)) {
                    touching.add(e);
                    touches = true;
                }
            }
            if (touches || en.getKey() <= ws) kept.add(en);
        }
        List<InputEvent> chosen = new ArrayList<>();
        MultimodalWindow w = assembler.assemble(ctx.getCurrentKey(), ws, touching, chosen);
        byte fate = w != null && decide(w, out) ? InputEvent.EMITTED : InputEvent.CHOSEN_DROPPED;
        boolean changed = false;
        for (InputEvent e : chosen) {
            if (e.fate < fate) {
                e.fate = fate;
                changed = true;
            }
        }
        for (Map.Entry<Long, List<InputEvent>> en : kept) {
            if (en.getKey() <= ws) {
                // the last window of these events has closed: count the ones no emitted window holds, then forget them
                for (InputEvent e : en.getValue()) {
                    if (e.fate == InputEvent.EMITTED) continue;
                    unused.inc();
                    if (e.fate == InputEvent.CHOSEN_DROPPED) unusedInDropped.inc();
                    else unusedNotChosen.inc();
                }
                pending.remove(en.getKey());
            } else if (changed) {
                pending.put(en.getKey(), en.getValue()); // keep the fates (state backends that copy on read)
            }
        }
        if (pending.isEmpty()) {
            pending.clear();
            maxSpan.clear();
        }
        long wm = ctx.timerService().currentWatermark();
        if (maxEventTime != Long.MIN_VALUE && wm > Long.MIN_VALUE && wm < Long.MAX_VALUE) {
            watermarkDelay.add((int) Math.min(Integer.MAX_VALUE, Math.max(0, (maxEventTime - wm) / 10)));
        }
    }

    /** Emits the window unless the policy drops it (counted with the reason); returns whether it was emitted. */
    private boolean decide(MultimodalWindow w, Collector<MultimodalWindow> out) {
        Presence p = w.getPresence();
        int n = WindowAssembler.presentCount(p);
        if (n < options.minModalities) {
            windowsDropped.inc();
            droppedBelowMin.inc();
            return false;
        }
        if (options.partialPolicy == WindowJobOptions.PartialPolicy.DROP_INCOMPLETE && n < 3) {
            windowsDropped.inc();
            droppedIncomplete.inc();
            return false;
        }
        windowsEmitted.inc();
        if (n == 3) windowsComplete.inc();
        else windowsPartial.inc();
        if (!p.getSensor()) missingSensor.inc();
        if (!p.getVision()) missingVision.inc();
        if (!p.getText()) missingText.inc();
        out.collect(w);
        return true;
    }

    static LateEvent late(InputEvent e, long watermark, long lateness) {
        return LateEvent.newBuilder()
                .setSourceTopic(e.topic == null ? "" : e.topic)
                .setSourcePartition(e.partition)
                .setSourceOffset(e.offset)
                .setSourceId(e.sourceId)
                .setModality(e.modality)
                .setEventTime(Instant.ofEpochMilli(e.eventTime))
                .setWatermark(watermark)
                .setLatenessMs(lateness)
                .setValue(e.raw == null ? null : ByteBuffer.wrap(e.raw))
                .build();
    }
}
