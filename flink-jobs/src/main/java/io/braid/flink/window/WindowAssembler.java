package io.braid.flink.window;

import io.braid.avro.Modality;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Presence;
import io.braid.avro.SourceOffset;
import io.braid.flink.SensorStats;
import io.braid.flink.WindowJobOptions;
import io.braid.flink.decode.InputEvent;
import io.braid.text.Tokenizer;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds one {@link MultimodalWindow} from the events that touch it: a pure function of (source, window start, events,
 * configuration), so the same events give the same window in any order and on any replay.
 */
public final class WindowAssembler implements Serializable {
    private static final long serialVersionUID = 1L;

    private final WindowJobOptions o;
    private final SensorStats stats;
    private final String pipelineVersion;

    public WindowAssembler(WindowJobOptions options, String pipelineVersion) {
        this.o = options;
        this.stats = SensorStats.parse(options.sensorStats, options.sensorChannels);
        this.pipelineVersion = pipelineVersion;
    }

    public static String windowId(String sourceId, long windowStart) {
        return sourceId + "@" + windowStart;
    }

    /** The assembled window, or null when none of the events holds data for it. */
    public MultimodalWindow assemble(String sourceId, long ws, List<InputEvent> events) {
        return assemble(sourceId, ws, events, null);
    }

    /** {@link #assemble}, also adding to {@code chosen} (when not null) the events the window is made of. */
    public MultimodalWindow assemble(String sourceId, long ws, List<InputEvent> events, List<InputEvent> chosen) {
        long we = ws + o.windowSizeMs;
        List<InputEvent> sensor = new ArrayList<>();
        List<InputEvent> frames = new ArrayList<>();
        List<InputEvent> lines = new ArrayList<>();
        for (InputEvent e : events) {
            if (e.modality == Modality.SENSOR) sensor.add(e);
            else if (e.modality == Modality.VISION) frames.add(e);
            else lines.add(e);
        }
        Map<String, Long> offsets = new TreeMap<>();

        int t = o.sensorSteps;
        int c = o.sensorChannels;
        SensorResampler.Result r = SensorResampler.resample(sensor, ws, o.windowSizeMs, t, c);
        boolean hasSensor = r.samples > 0;
        List<Float> sensorValues;
        List<Boolean> gaps = new ArrayList<>(t);
        Long sensorSkew = null;
        if (hasSensor) {
            stats.standardise(r.grid, r.gaps);
            sensorValues = new ArrayList<>(r.grid.length);
            for (float v : r.grid) sensorValues.add(v);
            for (boolean g : r.gaps) gaps.add(g);
            sensorSkew = we - (long) Math.floor(r.lastSampleTime);
            for (InputEvent e : sensor) {
                if (e.eventTime < we && e.endTime > ws) {
                    track(offsets, e);
                    if (chosen != null) chosen.add(e);
                }
            }
        } else {
            sensorValues = List.of();
            for (int k = 0; k < t; k++) gaps.add(true);
        }

        InputEvent frame = chooseFrame(frames, we, o.visionToleranceMs);
        Long visionSkew = null;
        if (frame != null) {
            visionSkew = we - frame.eventTime;
            track(offsets, frame);
            if (chosen != null) chosen.add(frame);
        }

        List<InputEvent> chosenLines = chooseLines(lines, ws, we, o.textToleranceMs);
        int[] tokens = new int[o.textTokens];
        Long textSkew = null;
        if (!chosenLines.isEmpty()) {
            int n = 0;
            outer:
            for (InputEvent l : chosenLines) {
                for (int id : l.tokens) {
                    if (n == tokens.length) break outer;
                    tokens[n++] = id;
                }
            }
            textSkew = we - chosenLines.get(chosenLines.size() - 1).eventTime;
            for (InputEvent l : chosenLines) track(offsets, l);
            if (chosen != null) chosen.addAll(chosenLines);
        }
        // a window exists only through data inside its own range; tolerances only fill it in
        boolean ownFrame = frame != null && frame.eventTime >= ws && frame.eventTime < we;
        boolean ownText =
                !chosenLines.isEmpty() && chosenLines.get(0).eventTime >= ws && chosenLines.get(0).eventTime < we;
        if (!hasSensor && !ownFrame && !ownText) return null;

        List<Integer> tokenList = new ArrayList<>(tokens.length);
        for (int id : tokens) tokenList.add(id);
        List<SourceOffset> offs = new ArrayList<>();
        for (Map.Entry<String, Long> en : offsets.entrySet()) {
            int sep = en.getKey().lastIndexOf('#');
            offs.add(new SourceOffset(
                    en.getKey().substring(0, sep), Integer.parseInt(en.getKey().substring(sep + 1)), en.getValue()));
        }
        return MultimodalWindow.newBuilder()
                .setWindowId(windowId(sourceId, ws))
                .setSourceId(sourceId)
                .setWindowStart(Instant.ofEpochMilli(ws))
                .setWindowEnd(Instant.ofEpochMilli(we))
                .setPipelineVersion(pipelineVersion)
                .setSensorSteps(t)
                .setSensorChannels(c)
                .setSensor(sensorValues)
                .setSensorGaps(gaps)
                .setImageWidth(frame == null ? 0 : frame.width)
                .setImageHeight(frame == null ? 0 : frame.height)
                .setImageChannels(frame == null ? 0 : frame.channels)
                .setImage(ByteBuffer.wrap(frame == null ? new byte[0] : frame.image))
                .setImageTime(frame == null ? null : Instant.ofEpochMilli(frame.eventTime))
                .setTokens(tokenList)
                .setVocabVersion(Tokenizer.VERSION)
                .setPresence(new Presence(hasSensor, frame != null, !chosenLines.isEmpty()))
                .setSensorSkewMs(sensorSkew)
                .setVisionSkewMs(visionSkew)
                .setTextSkewMs(textSkew)
                .setOffsets(offs)
                .build();
    }

    private static void track(Map<String, Long> offsets, InputEvent e) {
        if (e.topic == null) return;
        offsets.merge(e.topic + "#" + e.partition, e.offset, Math::max);
    }

    private static final Comparator<InputEvent> BY_TIME = Comparator.comparingLong((InputEvent e) -> e.eventTime)
            .thenComparingLong(e -> e.seq)
            .thenComparingLong(e -> e.offset);

    /** The latest frame before the window end within the tolerance; else the earliest at or after it. */
    static InputEvent chooseFrame(List<InputEvent> frames, long we, long tol) {
        InputEvent before = null;
        InputEvent after = null;
        for (InputEvent f : frames) {
            long d = f.eventTime - we;
            if (Math.abs(d) > tol) continue;
            if (d < 0) {
                if (before == null
                        || f.eventTime > before.eventTime
                        || (f.eventTime == before.eventTime && BY_TIME.compare(f, before) < 0)) before = f;
            } else if (after == null || BY_TIME.compare(f, after) < 0) after = f;
        }
        return before != null ? before : after;
    }

    /** Every line inside [ws, we) in time order; when there is none, the single nearest line within the tolerance. */
    static List<InputEvent> chooseLines(List<InputEvent> lines, long ws, long we, long tol) {
        List<InputEvent> inside = new ArrayList<>();
        InputEvent nearest = null;
        long best = Long.MAX_VALUE;
        for (InputEvent l : lines) {
            if (l.eventTime >= ws && l.eventTime < we) {
                inside.add(l);
                continue;
            }
            long d = l.eventTime < ws ? ws - l.eventTime : l.eventTime - we + 1;
            if (d > tol) continue;
            if (d < best || (d == best && BY_TIME.compare(l, nearest) < 0)) {
                best = d;
                nearest = l;
            }
        }
        if (!inside.isEmpty()) {
            inside.sort(BY_TIME);
            return inside;
        }
        return nearest == null ? List.of() : List.of(nearest);
    }

    /** Number of present modalities. */
    public static int presentCount(Presence p) {
        return (p.getSensor() ? 1 : 0) + (p.getVision() ? 1 : 0) + (p.getText() ? 1 : 0);
    }
}
