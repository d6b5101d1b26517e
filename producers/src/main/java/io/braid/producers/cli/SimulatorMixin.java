package io.braid.producers.cli;

import io.braid.avro.FrameEncoding;
import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.Durations;
import io.braid.cli.support.HelpSections;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.Malformation;
import io.braid.producers.sim.SimulatorOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The simulator's options (rates, seed, time, faults) as picocli options; {@link #toOptions} builds them typed. */
public final class SimulatorMixin implements HelpSections.Declared {
    @Option(
            names = "--robots",
            defaultValue = "4",
            description = "Number of simulated robots (keys robot-0..). Default: ${DEFAULT-VALUE}.")
    int robots;

    @Option(
            names = "--duration",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "Simulated event time to produce, e.g. 30s, 2m, 1h. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed; the same seed gives the same records. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--start-time",
            defaultValue = "now",
            description = {
                "Event time of the first tick: now (rounded down to the tick), an ISO-8601 instant or epoch ms.",
                "Record contents do not depend on it; pass a fixed instant (e.g. 2025-01-01T00:00:00Z) for identical",
                "timestamps too. Default: ${DEFAULT-VALUE} (old timestamps would be deleted by topic retention)."
            })
    String startTime;

    @Option(
            names = "--rate-scale",
            defaultValue = "1.0",
            description = "Multiplies every modality's rate (sensor, camera, text). Default: ${DEFAULT-VALUE}.")
    double rateScale;

    @Option(
            names = "--sensor-hz",
            defaultValue = "100",
            description = "Sensor sampling rate. Default: ${DEFAULT-VALUE}.")
    double sensorHz;

    @Option(
            names = "--chunk-samples",
            defaultValue = "10",
            description = "Sensor samples per SensorChunk. Default: ${DEFAULT-VALUE}.")
    int chunkSamples;

    @Option(names = "--camera-hz", defaultValue = "10", description = "Camera frame rate. Default: ${DEFAULT-VALUE}.")
    double cameraHz;

    @Option(names = "--text-hz", defaultValue = "1", description = "Text lines per second. Default: ${DEFAULT-VALUE}.")
    double textHz;

    @Option(
            names = "--tick",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description = "Length of one benchmark tick (one §6.4 sample). Default: ${DEFAULT-VALUE}.")
    Duration tick;

    @Option(
            names = "--frame-encoding",
            defaultValue = "RAW_U8",
            description = "Camera frame encoding: RAW_U8 or PNG. Default: ${DEFAULT-VALUE}.")
    FrameEncoding frameEncoding;

    @Option(
            names = "--p-bias",
            defaultValue = "1.0",
            description = "Probability that a segment's colour is pi(rhythm) (synergy S1). Default: ${DEFAULT-VALUE}.")
    double pBias;

    @Option(
            names = "--color-rule",
            defaultValue = "BIASED",
            description = "Colour rule: BIASED, MATCH or MISMATCH. Default: ${DEFAULT-VALUE}.")
    DatasetSpec.ColorRule colorRule;

    @Option(
            names = "--segment-ticks",
            defaultValue = "8-24",
            converter = TickRange.Converter.class,
            description = "Segment length range in ticks, MIN-MAX with 1 <= MIN <= MAX (or N for N-N): each segment"
                    + " lasts a uniform MIN..MAX ticks (methods §6.2). Default: ${DEFAULT-VALUE}.")
    TickRange segmentTicks;

    @Option(
            names = "--sensor-noise",
            defaultValue = "0.25",
            description =
                    "Std of the Gaussian noise on every raw sensor sample (methods §6.4). Default: ${DEFAULT-VALUE}.")
    double sensorNoise;

    @Option(
            names = "--pixel-noise",
            defaultValue = "0.03",
            description = "Std of the Gaussian noise of the grey (0.5) image background (methods §6.4)."
                    + " Default: ${DEFAULT-VALUE}. The factor cardinalities are not simulator options: every factor"
                    + " has 4 values here, since robot.labels documents factors as 0..3 and the trainer's version"
                    + " probes accept 4-entry colour maps only; eval's --s1-values / --s2-values are eval-only.")
    double pixelNoise;

    @Option(
            names = "--jitter",
            defaultValue = "0ms",
            converter = DurationConverter.class,
            description = "Each event's timestamp moves by up to +-this. Default: ${DEFAULT-VALUE}.")
    Duration jitter;

    @Option(
            names = "--clock-skew",
            defaultValue = "0ms",
            converter = DurationConverter.class,
            description = "Each robot's clock is off by a constant drawn from +-this. Default: ${DEFAULT-VALUE}.")
    Duration clockSkew;

    @Option(
            names = "--out-of-order",
            defaultValue = "0",
            description =
                    "Fraction of events sent after newer ones (held back by up to --max-out-of-order). Default: ${DEFAULT-VALUE}.")
    double outOfOrder;

    @Option(
            names = "--max-out-of-order",
            defaultValue = "500ms",
            converter = DurationConverter.class,
            description = "Out-of-order events are held back between half this and this. Default: ${DEFAULT-VALUE}.")
    Duration maxOutOfOrder;

    @Option(
            names = "--late",
            defaultValue = "0",
            description = "Fraction of events sent --late-delay after their event time. Default: ${DEFAULT-VALUE}.")
    double late;

    @Option(
            names = "--late-delay",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How far behind late events are sent. Default: ${DEFAULT-VALUE}.")
    Duration lateDelay;

    @Option(
            names = "--drop-sensor",
            defaultValue = "0",
            description = "Fraction of sensor chunks dropped. Default: ${DEFAULT-VALUE}.")
    double dropSensor;

    @Option(
            names = "--drop-vision",
            defaultValue = "0",
            description = "Fraction of camera frames dropped. Default: ${DEFAULT-VALUE}.")
    double dropVision;

    @Option(
            names = "--drop-text",
            defaultValue = "0",
            description = "Fraction of text lines dropped. Default: ${DEFAULT-VALUE}.")
    double dropText;

    @Option(
            names = "--duplicates",
            defaultValue = "0",
            description = "Fraction of records sent twice. Default: ${DEFAULT-VALUE}.")
    double duplicates;

    @Option(
            names = "--malformed",
            defaultValue = "0",
            description = "Fraction of records made malformed, for dead-letter tests. Default: ${DEFAULT-VALUE}.")
    double malformed;

    @Option(
            names = "--malformed-kinds",
            split = ",",
            description = "Which malformations (comma list): ${COMPLETION-CANDIDATES}. Default: all.")
    List<Malformation> malformedKinds;

    /** Typed options, or a ParameterException (exit code 2) listing every problem. */
    public SimulatorOptions toOptions(CommandLine cmd, long nowMs) {
        long start;
        try {
            start = Durations.parseInstant(startTime, nowMs);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--start-time: " + e.getMessage());
        }
        long tickMs = tick.toMillis();
        if (startTime.trim().equalsIgnoreCase("now") && tickMs > 0) start = start / tickMs * tickMs;
        SimulatorOptions o = new SimulatorOptions()
                .robots(robots)
                .durationMs(duration.toMillis())
                .seed(seed)
                .startTimeMs(start)
                .rateScale(rateScale)
                .sensorHz(sensorHz)
                .samplesPerChunk(chunkSamples)
                .cameraHz(cameraHz)
                .textHz(textHz)
                .tickMs(tickMs)
                .frameEncoding(frameEncoding)
                .pBias(pBias)
                .colorRule(colorRule)
                .segmentTicks(segmentTicks.min(), segmentTicks.max())
                .sensorNoise(sensorNoise)
                .pixelNoise(pixelNoise)
                .jitterMs(jitter.toMillis())
                .clockSkewMs(clockSkew.toMillis())
                .outOfOrderFraction(outOfOrder)
                .maxOutOfOrderMs(maxOutOfOrder.toMillis())
                .lateFraction(late)
                .lateDelayMs(lateDelay.toMillis())
                .dropSensor(dropSensor)
                .dropVision(dropVision)
                .dropText(dropText)
                .duplicateFraction(duplicates)
                .malformedFraction(malformed)
                .malformations(
                        malformedKinds == null || malformedKinds.isEmpty()
                                ? Malformation.all()
                                : EnumSet.copyOf(malformedKinds));
        List<String> problems = o.problems();
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(cmd, "invalid options: " + String.join("; ", problems));
        }
        return o;
    }

    /** Sections of --help for every command that mixes the simulator in. */
    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add(
                        "Simulator",
                        "--robots",
                        "--duration",
                        "--seed",
                        "--start-time",
                        "--rate-scale",
                        "--sensor-hz",
                        "--chunk-samples",
                        "--camera-hz",
                        "--text-hz",
                        "--tick",
                        "--frame-encoding",
                        "--p-bias",
                        "--color-rule",
                        "--segment-ticks",
                        "--sensor-noise",
                        "--pixel-noise")
                .add(
                        "Faults",
                        "--jitter",
                        "--clock-skew",
                        "--out-of-order",
                        "--max-out-of-order",
                        "--late",
                        "--late-delay",
                        "--drop-sensor",
                        "--drop-vision",
                        "--drop-text",
                        "--duplicates",
                        "--malformed",
                        "--malformed-kinds");
    }
}
