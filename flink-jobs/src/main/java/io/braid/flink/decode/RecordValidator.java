package io.braid.flink.decode;

import io.braid.avro.CameraFrame;
import io.braid.avro.Modality;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.flink.WindowJobOptions;
import io.braid.serde.FloatList;
import io.braid.text.Tokenizer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The rules of the input contract, as pure functions from a decoded Avro record to an {@link InputEvent}. */
public final class RecordValidator {
    private final WindowJobOptions o;

    public RecordValidator(WindowJobOptions options) {
        this.o = options;
    }

    public InputEvent sensor(SensorChunk c) throws InvalidRecordException {
        InputEvent e = base(Modality.SENSOR, c.getSourceId(), c.getSeq(), c.getStartTime());
        double rate = c.getSampleRateHz();
        if (!Double.isFinite(rate)) throw new InvalidRecordException(DlqReason.NON_FINITE, "sample rate is " + rate);
        if (rate <= 0 || rate > o.maxSampleRateHz) {
            throw new InvalidRecordException(
                    DlqReason.BAD_SAMPLE_RATE, "sample rate " + rate + " Hz is not in (0, " + o.maxSampleRateHz + "]");
        }
        List<String> names = c.getChannelNames();
        int channels = names == null ? 0 : names.size();
        if (channels != o.sensorChannels) {
            throw new InvalidRecordException(
                    DlqReason.WRONG_SHAPE, "chunk has " + channels + " channels, expected " + o.sensorChannels);
        }
        int n = c.getNumSamples();
        if (n <= 0) throw new InvalidRecordException(DlqReason.WRONG_SHAPE, "num_samples is " + n);
        if (n > o.maxChunkSamples) {
            throw new InvalidRecordException(DlqReason.OVERSIZED_CHUNK, n + " samples > " + o.maxChunkSamples);
        }
        List<Float> vals = c.getValues();
        if (vals == null || (long) n * channels != vals.size()) {
            throw new InvalidRecordException(
                    DlqReason.WRONG_SHAPE,
                    "values has " + (vals == null ? 0 : vals.size()) + " entries, num_samples x channels = "
                            + (long) n * channels);
        }
        double span = n * 1000.0 / rate;
        if (span > o.maxChunkSpanMs) {
            throw new InvalidRecordException(
                    DlqReason.OVERSIZED_CHUNK, "chunk spans " + span + " ms > " + o.maxChunkSpanMs);
        }
        float[] v = new float[vals.size()];
        for (int i = 0; i < v.length; i++) {
            float x = FloatList.floatAt(vals, i);
            if (!Float.isFinite(x)) {
                throw new InvalidRecordException(DlqReason.NON_FINITE, "value " + i + " is " + x);
            }
            if (Math.abs(x) > o.maxAbsValue) {
                throw new InvalidRecordException(DlqReason.ABSURD_VALUE, "value " + i + " is " + x);
            }
            v[i] = x;
        }
        e.values = v;
        e.channels = channels;
        e.sampleRateHz = rate;
        e.endTime = e.eventTime + (long) Math.ceil(span);
        checkTime(e.endTime, "chunk end");
        return e;
    }

    public InputEvent frame(CameraFrame f) throws InvalidRecordException {
        InputEvent e = base(Modality.VISION, f.getSourceId(), f.getSeq(), f.getEventTime());
        if (f.getWidth() != o.imageWidth || f.getHeight() != o.imageHeight || f.getChannels() != o.imageChannels) {
            long pixels = (long) f.getWidth() * f.getHeight() * f.getChannels();
            long expectedPixels = (long) o.imageWidth * o.imageHeight * o.imageChannels;
            String reason = pixels > expectedPixels ? DlqReason.OVERSIZED_FRAME : DlqReason.WRONG_SHAPE;
            throw new InvalidRecordException(
                    reason,
                    "frame is " + f.getWidth() + "x" + f.getHeight() + "x" + f.getChannels() + ", expected "
                            + o.imageWidth + "x" + o.imageHeight + "x" + o.imageChannels);
        }
        byte[] data = bytes(f.getData());
        if (data.length == 0 && f.getUri() != null) data = resolve(f.getUri());
        if (data.length > o.maxFrameBytes) {
            throw new InvalidRecordException(DlqReason.OVERSIZED_FRAME, data.length + " bytes > " + o.maxFrameBytes);
        }
        int expected = o.imageWidth * o.imageHeight * o.imageChannels;
        byte[] raw;
        switch (f.getEncoding()) {
            case RAW_U8:
                if (data.length != expected) {
                    throw new InvalidRecordException(
                            DlqReason.WRONG_SHAPE, "raw frame has " + data.length + " bytes, expected " + expected);
                }
                raw = data;
                break;
            case PNG:
            case JPEG:
                raw = ImageCodec.decodeToRaw(data, o.imageWidth, o.imageHeight, o.imageChannels);
                break;
            default:
                throw new InvalidRecordException(DlqReason.UNDECODABLE_IMAGE, "unknown encoding " + f.getEncoding());
        }
        e.image = raw;
        e.width = o.imageWidth;
        e.height = o.imageHeight;
        e.channels = o.imageChannels;
        return e;
    }

    public InputEvent text(TextEvent t) throws InvalidRecordException {
        InputEvent e = base(Modality.TEXT, t.getSourceId(), t.getSeq(), t.getEventTime());
        String s = t.getText();
        if (s == null) s = "";
        if (s.length() > o.maxTextChars) {
            throw new InvalidRecordException(DlqReason.OVERSIZED_TEXT, s.length() + " chars > " + o.maxTextChars);
        }
        e.tokens = Tokenizer.defaultTokenizer().tokenize(s).stream()
                .mapToInt(Integer::intValue)
                .toArray();
        return e;
    }

    private InputEvent base(Modality m, String sourceId, long seq, Instant time) throws InvalidRecordException {
        if (sourceId == null || sourceId.isBlank() || sourceId.length() > 256) {
            throw new InvalidRecordException(
                    DlqReason.MISSING_SOURCE_ID, "source_id is empty or longer than 256 chars");
        }
        if (time == null) throw new InvalidRecordException(DlqReason.ABSURD_TIMESTAMP, "no event time");
        long t = time.toEpochMilli();
        checkTime(t, "event time");
        InputEvent e = new InputEvent();
        e.modality = m;
        e.sourceId = sourceId;
        e.seq = seq;
        e.eventTime = t;
        e.endTime = t + 1;
        return e;
    }

    private void checkTime(long t, String what) throws InvalidRecordException {
        if (t < o.minEventTimeMs || t >= o.maxEventTimeMs) {
            throw new InvalidRecordException(
                    DlqReason.ABSURD_TIMESTAMP,
                    what + " " + t + " is outside [" + o.minEventTimeMs + ", " + o.maxEventTimeMs + ")");
        }
    }

    private byte[] resolve(String uri) throws InvalidRecordException {
        URI u;
        try {
            u = URI.create(uri);
        } catch (IllegalArgumentException ex) {
            throw new InvalidRecordException(DlqReason.UNRESOLVED_URI, "bad frame uri " + uri);
        }
        if (!"file".equals(u.getScheme())) {
            throw new InvalidRecordException(
                    DlqReason.UNRESOLVED_URI, "only file: claim checks are fetched, got " + uri);
        }
        try {
            Path p = Path.of(u);
            if (Files.size(p) > o.maxFrameBytes) {
                throw new InvalidRecordException(DlqReason.OVERSIZED_FRAME, uri + " is larger than " + o.maxFrameBytes);
            }
            return Files.readAllBytes(p);
        } catch (IOException | RuntimeException ex) {
            throw new InvalidRecordException(DlqReason.UNRESOLVED_URI, "cannot read " + uri + ": " + ex.getMessage());
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        if (b == null) return new byte[0];
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
