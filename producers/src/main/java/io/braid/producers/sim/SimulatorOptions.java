package io.braid.producers.sim;

import io.braid.avro.FrameEncoding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the fleet simulator can be told, with defaults. Fluent setters; {@link #validate()} lists what is wrong.
 * Rates are per second of event time; one tick (default 1 s) is one §6.4 sample, ticks start at {@link #startTimeMs()}.
 */
public final class SimulatorOptions {
    /** Fixed default start so that timestamps are reproducible: 2025-01-01T00:00:00Z. */
    public static final long DEFAULT_START_MS =
            Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

    private int robots = 4;
    private long seed = 42;
    private long startTimeMs = DEFAULT_START_MS;
    private long durationMs = 60_000;
    private long tickMs = 1000;
    private double sensorHz = 100;
    private int samplesPerChunk = 10;
    private double cameraHz = 10;
    private double textHz = 1;
    private double rateScale = 1.0;
    private FrameEncoding frameEncoding = FrameEncoding.RAW_U8;
    private double pBias = 1.0;
    private int[] colorMap = Rendering.defaultColorMap();
    private DatasetSpec.ColorRule colorRule = DatasetSpec.ColorRule.BIASED;
    private int minSegmentTicks = Rendering.MIN_SEGMENT_TICKS;
    private int maxSegmentTicks = Rendering.MAX_SEGMENT_TICKS;
    private double sensorNoise = Rendering.SENSOR_NOISE_STD;
    private double pixelNoise = Rendering.BACKGROUND_NOISE_STD;
    private long jitterMs = 0;
    private double outOfOrderFraction = 0;
    private long maxOutOfOrderMs = 500;
    private double lateFraction = 0;
    private long lateDelayMs = 30_000;
    private double dropSensor = 0;
    private double dropVision = 0;
    private double dropText = 0;
    private long clockSkewMs = 0;
    private double duplicateFraction = 0;
    private double malformedFraction = 0;
    private Set<Malformation> malformations = Malformation.all();

    public SimulatorOptions copy() {
        SimulatorOptions o = new SimulatorOptions();
        o.robots = robots;
        o.seed = seed;
        o.startTimeMs = startTimeMs;
        o.durationMs = durationMs;
        o.tickMs = tickMs;
        o.sensorHz = sensorHz;
        o.samplesPerChunk = samplesPerChunk;
        o.cameraHz = cameraHz;
        o.textHz = textHz;
        o.rateScale = rateScale;
        o.frameEncoding = frameEncoding;
        o.pBias = pBias;
        o.colorMap = colorMap.clone();
        o.colorRule = colorRule;
        o.minSegmentTicks = minSegmentTicks;
        o.maxSegmentTicks = maxSegmentTicks;
        o.sensorNoise = sensorNoise;
        o.pixelNoise = pixelNoise;
        o.jitterMs = jitterMs;
        o.outOfOrderFraction = outOfOrderFraction;
        o.maxOutOfOrderMs = maxOutOfOrderMs;
        o.lateFraction = lateFraction;
        o.lateDelayMs = lateDelayMs;
        o.dropSensor = dropSensor;
        o.dropVision = dropVision;
        o.dropText = dropText;
        o.clockSkewMs = clockSkewMs;
        o.duplicateFraction = duplicateFraction;
        o.malformedFraction = malformedFraction;
        o.malformations = EnumSet.copyOf(malformations.isEmpty() ? EnumSet.noneOf(Malformation.class) : malformations);
        return o;
    }

    /** Problems with these options, one sentence each; empty when they are usable. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (robots < 1) p.add("robots must be >= 1, got " + robots);
        if (durationMs <= 0) p.add("duration must be > 0, got " + durationMs + " ms");
        if (startTimeMs < 0) p.add("start time must not be before 1970, got " + startTimeMs);
        if (tickMs < 10) p.add("tick must be >= 10 ms, got " + tickMs);
        positive(p, "sensor rate (Hz)", sensorHz);
        positive(p, "camera rate (Hz)", cameraHz);
        positive(p, "text rate (Hz)", textHz);
        positive(p, "rate scale", rateScale);
        if (samplesPerChunk < 1) p.add("samples per chunk must be >= 1, got " + samplesPerChunk);
        if (rateScale > 0 && sensorHz * rateScale > 100_000) p.add("sensor rate x rate scale must be <= 100 kHz");
        if (rateScale > 0 && cameraHz * rateScale > 10_000) p.add("camera rate x rate scale must be <= 10 kHz");
        fraction(p, "p-bias", pBias);
        fraction(p, "out-of-order fraction", outOfOrderFraction);
        fraction(p, "late fraction", lateFraction);
        fraction(p, "sensor drop rate", dropSensor);
        fraction(p, "vision drop rate", dropVision);
        fraction(p, "text drop rate", dropText);
        fraction(p, "duplicate fraction", duplicateFraction);
        fraction(p, "malformed fraction", malformedFraction);
        if (lateFraction + outOfOrderFraction > 1) p.add("late fraction + out-of-order fraction must be <= 1");
        if (jitterMs < 0) p.add("jitter must be >= 0 ms, got " + jitterMs);
        if (tickMs >= 10 && jitterMs * 2 >= tickMs) p.add("jitter must be below half a tick (" + tickMs / 2 + " ms)");
        if (maxOutOfOrderMs < 1) p.add("max out-of-order delay must be >= 1 ms, got " + maxOutOfOrderMs);
        if (lateDelayMs < 1) p.add("late delay must be >= 1 ms, got " + lateDelayMs);
        if (clockSkewMs < 0) p.add("clock skew must be >= 0 ms, got " + clockSkewMs);
        if (malformedFraction > 0 && malformations.isEmpty()) p.add("malformed fraction > 0 needs at least one kind");
        if (frameEncoding == FrameEncoding.JPEG) p.add("frame encoding must be RAW_U8 or PNG (JPEG would blur labels)");
        check(p, () -> Rendering.checkColorMap(colorMap));
        check(p, () -> Rendering.checkSegmentTicks(minSegmentTicks, maxSegmentTicks));
        check(p, () -> Rendering.checkNoise("sensor noise", sensorNoise));
        check(p, () -> Rendering.checkNoise("pixel noise", pixelNoise));
        return p;
    }

    public SimulatorOptions validate() {
        List<String> p = problems();
        if (!p.isEmpty()) throw new IllegalArgumentException(String.join("; ", p));
        return this;
    }

    private static void check(List<String> p, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            p.add(e.getMessage());
        }
    }

    private static void positive(List<String> p, String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) p.add(name + " must be > 0, got " + v);
    }

    private static void fraction(List<String> p, String name, double v) {
        if (!(v >= 0 && v <= 1)) p.add(name + " must be in [0,1], got " + v);
    }

    /** Number of ticks the run covers. */
    public long ticks() {
        return (durationMs + tickMs - 1) / tickMs;
    }

    public double effectiveSensorHz() {
        return sensorHz * rateScale;
    }

    public double effectiveCameraHz() {
        return cameraHz * rateScale;
    }

    public double effectiveTextHz() {
        return textHz * rateScale;
    }

    public double dropRate(SimStream s) {
        return switch (s) {
            case SENSOR -> dropSensor;
            case VISION -> dropVision;
            case TEXT -> dropText;
            case LABELS -> 0;
        };
    }

    // ---- fluent accessors

    public int robots() {
        return robots;
    }

    public SimulatorOptions robots(int v) {
        robots = v;
        return this;
    }

    public long seed() {
        return seed;
    }

    public SimulatorOptions seed(long v) {
        seed = v;
        return this;
    }

    public long startTimeMs() {
        return startTimeMs;
    }

    public SimulatorOptions startTimeMs(long v) {
        startTimeMs = v;
        return this;
    }

    public long durationMs() {
        return durationMs;
    }

    public SimulatorOptions durationMs(long v) {
        durationMs = v;
        return this;
    }

    public long tickMs() {
        return tickMs;
    }

    public SimulatorOptions tickMs(long v) {
        tickMs = v;
        return this;
    }

    public double sensorHz() {
        return sensorHz;
    }

    public SimulatorOptions sensorHz(double v) {
        sensorHz = v;
        return this;
    }

    public int samplesPerChunk() {
        return samplesPerChunk;
    }

    public SimulatorOptions samplesPerChunk(int v) {
        samplesPerChunk = v;
        return this;
    }

    public double cameraHz() {
        return cameraHz;
    }

    public SimulatorOptions cameraHz(double v) {
        cameraHz = v;
        return this;
    }

    public double textHz() {
        return textHz;
    }

    public SimulatorOptions textHz(double v) {
        textHz = v;
        return this;
    }

    public double rateScale() {
        return rateScale;
    }

    public SimulatorOptions rateScale(double v) {
        rateScale = v;
        return this;
    }

    public FrameEncoding frameEncoding() {
        return frameEncoding;
    }

    public SimulatorOptions frameEncoding(FrameEncoding v) {
        frameEncoding = v;
        return this;
    }

    public double pBias() {
        return pBias;
    }

    public SimulatorOptions pBias(double v) {
        pBias = v;
        return this;
    }

    public int[] colorMap() {
        return colorMap.clone();
    }

    public SimulatorOptions colorMap(int[] v) {
        colorMap = v == null ? null : v.clone();
        return this;
    }

    public DatasetSpec.ColorRule colorRule() {
        return colorRule;
    }

    public SimulatorOptions colorRule(DatasetSpec.ColorRule v) {
        colorRule = v;
        return this;
    }

    public int minSegmentTicks() {
        return minSegmentTicks;
    }

    public int maxSegmentTicks() {
        return maxSegmentTicks;
    }

    /** Segment lengths uniform in {@code min..max} ticks (§6.2 default 8..24). */
    public SimulatorOptions segmentTicks(int min, int max) {
        minSegmentTicks = min;
        maxSegmentTicks = max;
        return this;
    }

    public double sensorNoise() {
        return sensorNoise;
    }

    /**
     * Std of the Gaussian noise added to every raw sensor sample (§6.4 default 0.25). The trainer's fixed
     * standardisation statistics include the default noise, whatever this is (see {@link SensorModel}).
     */
    public SimulatorOptions sensorNoise(double v) {
        sensorNoise = v;
        return this;
    }

    public double pixelNoise() {
        return pixelNoise;
    }

    /** Std of the Gaussian noise of the image background, around grey 0.5 (§6.4 default 0.03). */
    public SimulatorOptions pixelNoise(double v) {
        pixelNoise = v;
        return this;
    }

    /**
     * The benchmark's knobs as key=value pairs, keys as in eval's CONFIG line, for summaries: {@code p_bias=1.0
     * color_rule=BIASED sensor_noise=0.25 pixel_noise=0.03 segment_ticks=8-24} with the defaults.
     */
    public String benchmarkConfig() {
        return "p_bias=" + pBias + " color_rule=" + colorRule + " sensor_noise=" + sensorNoise + " pixel_noise="
                + pixelNoise + " segment_ticks=" + minSegmentTicks + "-" + maxSegmentTicks;
    }

    public long jitterMs() {
        return jitterMs;
    }

    public SimulatorOptions jitterMs(long v) {
        jitterMs = v;
        return this;
    }

    public double outOfOrderFraction() {
        return outOfOrderFraction;
    }

    public SimulatorOptions outOfOrderFraction(double v) {
        outOfOrderFraction = v;
        return this;
    }

    public long maxOutOfOrderMs() {
        return maxOutOfOrderMs;
    }

    /** Out-of-order events are held back between half this and this many ms of event time. */
    public SimulatorOptions maxOutOfOrderMs(long v) {
        maxOutOfOrderMs = v;
        return this;
    }

    public double lateFraction() {
        return lateFraction;
    }

    public SimulatorOptions lateFraction(double v) {
        lateFraction = v;
        return this;
    }

    public long lateDelayMs() {
        return lateDelayMs;
    }

    public SimulatorOptions lateDelayMs(long v) {
        lateDelayMs = v;
        return this;
    }

    public double dropSensor() {
        return dropSensor;
    }

    public SimulatorOptions dropSensor(double v) {
        dropSensor = v;
        return this;
    }

    public double dropVision() {
        return dropVision;
    }

    public SimulatorOptions dropVision(double v) {
        dropVision = v;
        return this;
    }

    public double dropText() {
        return dropText;
    }

    public SimulatorOptions dropText(double v) {
        dropText = v;
        return this;
    }

    public long clockSkewMs() {
        return clockSkewMs;
    }

    /** Each robot's clock is off by a constant drawn uniformly from [-v, v] ms. */
    public SimulatorOptions clockSkewMs(long v) {
        clockSkewMs = v;
        return this;
    }

    public double duplicateFraction() {
        return duplicateFraction;
    }

    public SimulatorOptions duplicateFraction(double v) {
        duplicateFraction = v;
        return this;
    }

    public double malformedFraction() {
        return malformedFraction;
    }

    public SimulatorOptions malformedFraction(double v) {
        malformedFraction = v;
        return this;
    }

    public Set<Malformation> malformations() {
        return EnumSet.copyOf(malformations.isEmpty() ? EnumSet.noneOf(Malformation.class) : malformations);
    }

    public SimulatorOptions malformations(Set<Malformation> v) {
        malformations = v == null || v.isEmpty() ? EnumSet.noneOf(Malformation.class) : EnumSet.copyOf(v);
        return this;
    }
}
