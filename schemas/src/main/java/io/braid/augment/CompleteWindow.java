package io.braid.augment;

import io.braid.avro.MultimodalWindow;
import io.braid.avro.Presence;
import io.braid.text.Tokenizer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@link MultimodalWindow} of a complete tick: what the Flink job's WindowAssembler emits for a window whose
 * sensor grid had no gap and whose frame and line arrived in time (sensor T×C row-major and standardised, raw u8
 * H×W×C frame, token ids, every modality present, window id {@code source@start}). The offline {@code eval} path
 * builds its windows here from the simulator's ticks, so they enter {@link PairAugmenter} exactly as a streamed window
 * would. No Kafka offsets, no skew: nothing was consumed.
 */
public final class CompleteWindow {
    private CompleteWindow() {}

    /** The window id WindowAssembler gives a window of {@code sourceId} starting at {@code windowStartMs}. */
    public static String windowId(String sourceId, long windowStartMs) {
        return sourceId + "@" + windowStartMs;
    }

    /** A pipeline version for windows that no Flink job made: the augmentation code version and its parameters. */
    public static String offlinePipelineVersion(AugmentationParams p) {
        long h = PairAugmenter.seed64(p.canonical(), "vocab=" + Tokenizer.VERSION) & PairAugmenter.SEED_MASK;
        return "offline-a" + PairAugmenter.AUGMENT_CODE_VERSION + "-" + Long.toHexString(h);
    }

    public static MultimodalWindow of(
            String sourceId,
            long windowStartMs,
            long windowSizeMs,
            String pipelineVersion,
            float[] sensorTxC,
            int steps,
            int channels,
            byte[] hwc,
            int width,
            int height,
            int imageChannels,
            int[] tokens) {
        if (sensorTxC.length != steps * channels)
            throw new IllegalArgumentException(
                    "sensor has " + sensorTxC.length + " values, T x C = " + steps * channels);
        if (hwc.length != width * height * imageChannels)
            throw new IllegalArgumentException(
                    "image has " + hwc.length + " bytes, H x W x C = " + width * height * imageChannels);
        List<Float> sensor = new ArrayList<>(sensorTxC.length);
        for (float v : sensorTxC) sensor.add(v);
        List<Integer> tk = new ArrayList<>(tokens.length);
        for (int t : tokens) tk.add(t);
        long we = windowStartMs + windowSizeMs;
        return MultimodalWindow.newBuilder()
                .setWindowId(windowId(sourceId, windowStartMs))
                .setSourceId(sourceId)
                .setWindowStart(Instant.ofEpochMilli(windowStartMs))
                .setWindowEnd(Instant.ofEpochMilli(we))
                .setPipelineVersion(pipelineVersion)
                .setSensorSteps(steps)
                .setSensorChannels(channels)
                .setSensor(sensor)
                .setSensorGaps(new ArrayList<>(Collections.nCopies(steps, false)))
                .setImageWidth(width)
                .setImageHeight(height)
                .setImageChannels(imageChannels)
                .setImage(ByteBuffer.wrap(hwc.clone()))
                .setImageTime(Instant.ofEpochMilli(we))
                .setTokens(tk)
                .setVocabVersion(Tokenizer.VERSION)
                .setPresence(new Presence(true, true, true))
                .setSensorSkewMs(null)
                .setVisionSkewMs(null)
                .setTextSkewMs(null)
                .setOffsets(List.of())
                .build();
    }
}
