package io.braid.flink;

import io.braid.avro.Modality;
import io.braid.flink.decode.InputEvent;
import io.braid.text.Tokenizer;

/** Builders of decoded input events for the unit and harness tests. */
public final class Events {
    private Events() {}

    /** A 4-channel chunk of n samples at rate Hz starting at t; channel c of sample i = c + i / 1000. */
    public static InputEvent sensor(String src, long seq, long t, int n, double rate) {
        InputEvent e = base(Modality.SENSOR, src, seq, t);
        e.channels = 4;
        e.sampleRateHz = rate;
        e.values = new float[n * 4];
        for (int i = 0; i < n; i++) for (int c = 0; c < 4; c++) e.values[i * 4 + c] = c + i / 1000f;
        e.endTime = t + (long) Math.ceil(n * 1000.0 / rate);
        e.topic = "robot.sensor";
        return e;
    }

    public static InputEvent frame(String src, long seq, long t, int fill) {
        InputEvent e = base(Modality.VISION, src, seq, t);
        e.width = 32;
        e.height = 32;
        e.channels = 3;
        e.image = new byte[32 * 32 * 3];
        java.util.Arrays.fill(e.image, (byte) fill);
        e.topic = "robot.vision";
        return e;
    }

    public static InputEvent text(String src, long seq, long t, String line) {
        InputEvent e = base(Modality.TEXT, src, seq, t);
        e.tokens = Tokenizer.defaultTokenizer().tokenize(line).stream()
                .mapToInt(Integer::intValue)
                .toArray();
        e.topic = "robot.text";
        return e;
    }

    private static InputEvent base(Modality m, String src, long seq, long t) {
        InputEvent e = new InputEvent();
        e.modality = m;
        e.sourceId = src;
        e.seq = seq;
        e.eventTime = t;
        e.endTime = t + 1;
        e.offset = seq;
        return e;
    }

    /** One full second [ws, ws+1000) of robot data: 10 sensor chunks of 10 samples, 10 frames, one text line. */
    public static java.util.List<InputEvent> second(String src, long ws, int fill) {
        java.util.List<InputEvent> l = new java.util.ArrayList<>();
        long k = ws / 1000;
        for (int i = 0; i < 10; i++) {
            l.add(sensor(src, k * 10 + i, ws + i * 100, 10, 100));
            l.add(frame(src, k * 10 + i, ws + i * 100, fill));
        }
        l.add(text(src, k, ws + 20, "pick the bolt in zone alpha"));
        return l;
    }
}
