package io.braid.flink;

import io.braid.cli.support.DurationConverter;
import io.braid.topics.TopicCatalog;
import java.io.Serializable;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import picocli.CommandLine.Option;

/**
 * Every setting of the align-and-augment job, typed, with defaults. The same class is the picocli mixin of
 * {@code ./braid flink-job} and of the job jar's program arguments, so every option can be given on a cluster.
 */
public class WindowJobOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum PartialPolicy {
        /** emit every window that has at least {@code --min-modalities} modalities, with its presence mask */
        EMIT,
        /** drop every window that misses any modality (counted) */
        DROP_INCOMPLETE
    }

    public enum Guarantee {
        EXACTLY_ONCE,
        AT_LEAST_ONCE,
        NONE
    }

    // ---- windows
    @Option(
            names = "--window-size-ms",
            converter = DurationConverter.Millis.class,
            description = "Event-time window size (default: ${DEFAULT-VALUE}).")
    public long windowSizeMs = 1000;

    @Option(
            names = "--hop-ms",
            converter = DurationConverter.Millis.class,
            description = "Window hop; equal to the size for tumbling windows (default: ${DEFAULT-VALUE}).")
    public long hopMs = 1000;

    @Option(names = "--sensor-steps", description = "T: rows of the resampled sensor grid (default: ${DEFAULT-VALUE}).")
    public int sensorSteps = 32;

    @Option(
            names = "--sensor-channels",
            description = "C: sensor channels every chunk must have (default: ${DEFAULT-VALUE}).")
    public int sensorChannels = 4;

    @Option(names = "--text-tokens", description = "Token ids per window, padded with PAD (default: ${DEFAULT-VALUE}).")
    public int textTokens = 8;

    @Option(
            names = "--vision-tolerance-ms",
            converter = DurationConverter.Millis.class,
            description =
                    "A frame joins a window when it is at most this far from the window end (default: ${DEFAULT-VALUE}).")
    public long visionToleranceMs = 250;

    @Option(
            names = "--text-tolerance-ms",
            converter = DurationConverter.Millis.class,
            description =
                    "Text lines up to this far outside a window may join it when it has none inside (default: ${DEFAULT-VALUE}).")
    public long textToleranceMs = 250;

    @Option(
            names = "--grace-ms",
            converter = DurationConverter.Millis.class,
            description =
                    "Extra event time a window waits after watermark passes its end + tolerance (default: ${DEFAULT-VALUE}).")
    public long graceMs = 500;

    @Option(
            names = "--partial-policy",
            description = "EMIT (with the presence mask) or DROP_INCOMPLETE (default: ${DEFAULT-VALUE}).")
    public PartialPolicy partialPolicy = PartialPolicy.EMIT;

    @Option(
            names = "--min-modalities",
            description = "Windows with fewer present modalities are dropped and counted (default: ${DEFAULT-VALUE}).")
    public int minModalities = 1;

    // ---- watermarks
    @Option(
            names = "--out-of-orderness-ms",
            converter = DurationConverter.Millis.class,
            description = "Bounded out-of-orderness of the watermarks (default: ${DEFAULT-VALUE}).")
    public long outOfOrdernessMs = 2000;

    @Option(
            names = "--idleness-ms",
            converter = DurationConverter.Millis.class,
            description =
                    "A partition without records for this long stops holding the watermark back (default: ${DEFAULT-VALUE}).")
    public long idlenessMs = 5000;

    @Option(
            names = "--alignment-max-drift-ms",
            converter = DurationConverter.Millis.class,
            description =
                    "Watermark alignment: a source further ahead of the slowest is paused; 0 disables (default: ${DEFAULT-VALUE}).")
    public long alignmentMaxDriftMs = 30000;

    @Option(
            names = "--alignment-update-ms",
            converter = DurationConverter.Millis.class,
            description = "How often aligned watermarks are exchanged (default: ${DEFAULT-VALUE}).")
    public long alignmentUpdateMs = 1000;

    @Option(
            names = "--max-clock-ahead-ms",
            converter = DurationConverter.Millis.class,
            description = "A record whose event time is further ahead than this of its partition's frontier (the newest"
                    + " event time accepted there, advanced by the wall time since) or of the wall clock goes to mm.dlq"
                    + " as CLOCK_AHEAD instead of pushing the other sources of the partition into mm.late; 0 disables"
                    + " (default: ${DEFAULT-VALUE}).")
    public long maxClockAheadMs = 5 * 60 * 1000;

    // ---- validation
    @Option(names = "--image-width", description = "Frame width the windows carry (default: ${DEFAULT-VALUE}).")
    public int imageWidth = 32;

    @Option(names = "--image-height", description = "Frame height the windows carry (default: ${DEFAULT-VALUE}).")
    public int imageHeight = 32;

    @Option(names = "--image-channels", description = "Frame channels (default: ${DEFAULT-VALUE}).")
    public int imageChannels = 3;

    @Option(
            names = "--max-frame-bytes",
            description = "Encoded frames larger than this go to the DLQ (default: ${DEFAULT-VALUE}).")
    public int maxFrameBytes = 1 << 20;

    @Option(
            names = "--max-chunk-samples",
            description = "Sensor chunks with more samples go to the DLQ (default: ${DEFAULT-VALUE}).")
    public int maxChunkSamples = 10_000;

    @Option(
            names = "--max-chunk-span-ms",
            converter = DurationConverter.Millis.class,
            description = "Sensor chunks spanning more event time go to the DLQ (default: ${DEFAULT-VALUE}).")
    public long maxChunkSpanMs = 5_000;

    @Option(names = "--max-sample-rate-hz", description = "Highest plausible sample rate (default: ${DEFAULT-VALUE}).")
    public double maxSampleRateHz = 100_000;

    @Option(
            names = "--max-abs-value",
            description = "Sensor values beyond +- this are absurd (default: ${DEFAULT-VALUE}).")
    public double maxAbsValue = 1e6;

    @Option(names = "--max-text-chars", description = "Longer text lines go to the DLQ (default: ${DEFAULT-VALUE}).")
    public int maxTextChars = 4096;

    @Option(
            names = "--min-event-time-ms",
            description = "Event times before this are absurd (default: 2000-01-01, ${DEFAULT-VALUE}).")
    public long minEventTimeMs = 946_684_800_000L;

    @Option(
            names = "--max-event-time-ms",
            description = "Event times after this are absurd (default: 2100-01-01, ${DEFAULT-VALUE}).")
    public long maxEventTimeMs = 4_102_444_800_000L;

    @Option(
            names = "--max-record-time-skew-ms",
            converter = DurationConverter.Millis.class,
            description =
                    "Event times further than this from the Kafka record timestamp are absurd; 0 disables, e.g. for"
                            + " replays that rewrite record timestamps (default: ${DEFAULT-VALUE}).")
    public long maxRecordTimeSkewMs = 24L * 3600 * 1000;

    @Option(
            names = "--late-with-value",
            negatable = true,
            description = "Copy the original bytes of late events into mm.late; off by default because it doubles the"
                    + " buffered window state, and topic/partition/offset always locate the original (default: false).")
    public boolean lateWithValue = false;

    @Option(
            names = "--max-dead-letter-bytes",
            description = "A dead letter keeps at most this many key + value bytes of its original (the head), with the"
                    + " original size and SHA-256 in its error text; the default fits mm.dlq's max.message.bytes"
                    + " (default: ${DEFAULT-VALUE}).")
    public int maxDeadLetterBytes = TopicCatalog.maxDeadLetterPayloadBytes();

    // ---- standardisation and augmentation
    @Option(
            names = "--sensor-stats",
            description =
                    "Sensor standardisation statistics: sim-v1, identity, or name:mean1,..;std1,.. (default: ${DEFAULT-VALUE}).")
    public String sensorStats = "sim-v1";

    @Option(
            names = "--no-train",
            negatable = true,
            description = "Also write augmented pairs to mm.train (default: true).")
    public boolean emitTrain = true;

    @Option(names = "--aug-sensor-noise-sigma", description = "Sensor noise sigma (default: ${DEFAULT-VALUE}).")
    public double sensorNoiseSigma = 0.1;

    @Option(names = "--aug-sensor-noise-p", description = "Probability of sensor noise (default: ${DEFAULT-VALUE}).")
    public double sensorNoiseP = 0.5;

    @Option(
            names = "--aug-sensor-drop-p",
            description = "Probability of random time-step drop (default: ${DEFAULT-VALUE}).")
    public double sensorDropP = 0.5;

    @Option(
            names = "--aug-sensor-drop-max",
            description = "Largest fraction of steps dropped (default: ${DEFAULT-VALUE}).")
    public double sensorDropMaxFraction = 0.8;

    @Option(
            names = "--aug-crop-scale-min",
            description = "RandomResizedCrop smallest area fraction (default: ${DEFAULT-VALUE}).")
    public double cropScaleMin = 0.2;

    @Option(
            names = "--aug-crop-scale-max",
            description = "RandomResizedCrop largest area fraction (default: ${DEFAULT-VALUE}).")
    public double cropScaleMax = 1.0;

    @Option(
            names = "--aug-crop-ratio-min",
            description = "RandomResizedCrop smallest aspect ratio (default: ${DEFAULT-VALUE}).")
    public double cropRatioMin = 3.0 / 4.0;

    @Option(
            names = "--aug-crop-ratio-max",
            description = "RandomResizedCrop largest aspect ratio (default: ${DEFAULT-VALUE}).")
    public double cropRatioMax = 4.0 / 3.0;

    @Option(names = "--aug-jitter-p", description = "Probability of colour jitter (default: ${DEFAULT-VALUE}).")
    public double colorJitterP = 0.8;

    @Option(names = "--aug-brightness", description = "Colour jitter brightness (default: ${DEFAULT-VALUE}).")
    public double brightness = 0.4;

    @Option(names = "--aug-contrast", description = "Colour jitter contrast (default: ${DEFAULT-VALUE}).")
    public double contrast = 0.4;

    @Option(names = "--aug-saturation", description = "Colour jitter saturation (default: ${DEFAULT-VALUE}).")
    public double saturation = 0.4;

    @Option(names = "--aug-hue", description = "Colour jitter hue (default: ${DEFAULT-VALUE}).")
    public double hue = 0.1;

    @Option(names = "--aug-grayscale-p", description = "Probability of grayscale (default: ${DEFAULT-VALUE}).")
    public double grayscaleP = 0.2;

    @Option(names = "--aug-blur-p", description = "Probability of Gaussian blur (default: ${DEFAULT-VALUE}).")
    public double blurP = 0.5;

    @Option(names = "--aug-blur-sigma-min", description = "Smallest blur sigma in px (default: ${DEFAULT-VALUE}).")
    public double blurSigmaMin = 0.1;

    @Option(names = "--aug-blur-sigma-max", description = "Largest blur sigma in px (default: ${DEFAULT-VALUE}).")
    public double blurSigmaMax = 1.0;

    @Option(names = "--aug-flip-p", description = "Probability of a horizontal flip (default: ${DEFAULT-VALUE}).")
    public double flipP = 0.5;

    @Option(
            names = "--aug-text-mask-p",
            description = "Probability that a non-PAD token becomes MASK (default: ${DEFAULT-VALUE}).")
    public double textMaskP = 0.15;

    @Option(
            names = "--aug-modality-dropout-p",
            description =
                    "Per view, probability of removing each present modality (one always stays) (default: ${DEFAULT-VALUE}).")
    public double modalityDropoutP = 0.0;

    // ---- delivery, topics, runtime
    @Option(
            names = "--delivery-guarantee",
            description = "EXACTLY_ONCE (Kafka transactions), AT_LEAST_ONCE or NONE (default: ${DEFAULT-VALUE}).")
    public Guarantee deliveryGuarantee = Guarantee.EXACTLY_ONCE;

    @Option(
            names = "--checkpoint-interval-ms",
            converter = DurationConverter.Millis.class,
            description = "Checkpoint interval; output is committed on checkpoints. Local runs default to"
                    + " ${DEFAULT-VALUE}; the job jar sets it only when given, else the cluster's"
                    + " execution.checkpointing.interval applies.")
    public long checkpointIntervalMs = 2000;

    @Option(
            names = "--checkpoint-dir",
            description = "Durable checkpoint storage (file:///..., s3://...); local runs default to a temp directory,"
                    + " a cluster run to the cluster's execution.checkpointing.dir.")
    public String checkpointDir;

    /**
     * 10 min: a transaction open when the job dies must outlive the restart (restore, then commit of the
     * checkpointed transactions), or the broker aborts it and its records are lost; and it must stay under the
     * broker's {@code transaction.max.timeout.ms} (15 min by default), which refuses longer ones. A restarted run
     * aborts the dead run's other open transactions itself (stable transactional ids), so readers do not wait for it.
     */
    @Option(
            names = "--transaction-timeout-ms",
            converter = DurationConverter.Millis.class,
            description = "Producer transaction timeout: long enough to restart a crashed job before the broker aborts"
                    + " its pre-committed transactions, and <= the broker's transaction.max.timeout.ms (15 min by"
                    + " default) (default: ${DEFAULT-VALUE}).")
    public long transactionTimeoutMs = 600_000;

    @Option(
            names = "--transactional-id-prefix",
            description = "Prefix of the sinks' transactional ids; must differ between jobs that run at the same time"
                    + " on one Kafka cluster, and stay the same when a job is restored from a checkpoint or savepoint."
                    + " Local runs (flink-job, demo) that keep the default use <default>-<job-name>"
                    + " (default: ${DEFAULT-VALUE}).")
    public String transactionalIdPrefix = DEFAULT_TRANSACTIONAL_ID_PREFIX;

    public static final String DEFAULT_TRANSACTIONAL_ID_PREFIX = "braid-mm";

    @Option(
            names = "--transaction-naming",
            description = "Kafka sink transaction naming: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    public TransactionNamingStrategy transactionNaming = TransactionNamingStrategy.POOLING;

    @Option(names = "--group-id", description = "Consumer group id used to commit offsets (default: ${DEFAULT-VALUE}).")
    public String groupId = "braid-flink-windows";

    @Option(
            names = "--starting-offsets",
            description = "Where a run that is not restored starts reading: EARLIEST, LATEST or COMMITTED (the"
                    + " consumer group's offsets, earliest for a new group). Default: committed for live runs, earliest"
                    + " for --bounded replays. A restored run continues from its checkpoint's offsets.")
    public StartingOffsets startingOffsets;

    /** Where a source that is not restored starts. */
    public enum StartingOffsets {
        EARLIEST,
        LATEST,
        /** The consumer group's committed offsets; earliest for a new group. */
        COMMITTED
    }

    /** {@link #startingOffsets}, or its default: live runs go on from the group's offsets, replays read everything. */
    public StartingOffsets resolvedStartingOffsets() {
        if (startingOffsets != null) return startingOffsets;
        return bounded ? StartingOffsets.EARLIEST : StartingOffsets.COMMITTED;
    }

    @Option(
            names = "--bounded",
            description = "Stop at the offsets that are latest when the job starts (batch replay).")
    public boolean bounded = false;

    @Option(
            names = "--parallelism",
            description =
                    "Job parallelism. Local runs default to ${DEFAULT-VALUE}; the job jar sets it only when given,"
                            + " else flink run -p or the cluster's parallelism.default applies.")
    public int parallelism = 2;

    @Option(names = "--sensor-topic", description = "(default: ${DEFAULT-VALUE})")
    public String sensorTopic = TopicCatalog.SENSOR;

    @Option(names = "--vision-topic", description = "(default: ${DEFAULT-VALUE})")
    public String visionTopic = TopicCatalog.VISION;

    @Option(names = "--text-topic", description = "(default: ${DEFAULT-VALUE})")
    public String textTopic = TopicCatalog.TEXT;

    @Option(names = "--windows-topic", description = "(default: ${DEFAULT-VALUE})")
    public String windowsTopic = TopicCatalog.WINDOWS;

    @Option(names = "--train-topic", description = "(default: ${DEFAULT-VALUE})")
    public String trainTopic = TopicCatalog.TRAIN;

    @Option(names = "--late-topic", description = "(default: ${DEFAULT-VALUE})")
    public String lateTopic = TopicCatalog.LATE;

    @Option(names = "--dlq-topic", description = "(default: ${DEFAULT-VALUE})")
    public String dlqTopic = TopicCatalog.DLQ;

    /** Largest tolerance any modality reaches beyond a window's own range. */
    public long maxToleranceMs() {
        return Math.max(visionToleranceMs, textToleranceMs);
    }

    /** Checks combinations picocli cannot; throws with a message naming the option. */
    public WindowJobOptions validate() {
        req(windowSizeMs > 0, "--window-size-ms must be > 0");
        req(hopMs > 0 && hopMs <= windowSizeMs, "--hop-ms must be in (0, window size]");
        req(sensorSteps > 0 && sensorSteps <= 4096, "--sensor-steps must be in 1..4096");
        req(sensorChannels > 0 && sensorChannels <= 256, "--sensor-channels must be in 1..256");
        req(textTokens > 0 && textTokens <= 1024, "--text-tokens must be in 1..1024");
        req(visionToleranceMs >= 0 && textToleranceMs >= 0, "tolerances must be >= 0");
        req(graceMs >= 1, "--grace-ms must be >= 1");
        req(minModalities >= 1 && minModalities <= 3, "--min-modalities must be 1..3");
        req(outOfOrdernessMs >= 0, "--out-of-orderness-ms must be >= 0");
        req(idlenessMs > 0, "--idleness-ms must be > 0");
        req(alignmentMaxDriftMs >= 0, "--alignment-max-drift-ms must be >= 0");
        req(maxClockAheadMs >= 0, "--max-clock-ahead-ms must be >= 0");
        req(maxDeadLetterBytes >= 1024, "--max-dead-letter-bytes must be >= 1024");
        req(imageWidth > 0 && imageHeight > 0 && imageChannels > 0, "image dimensions must be > 0");
        req(minEventTimeMs < maxEventTimeMs, "--min-event-time-ms must be < --max-event-time-ms");
        req(
                prob(sensorNoiseP)
                        && prob(sensorDropP)
                        && prob(colorJitterP)
                        && prob(grayscaleP)
                        && prob(blurP)
                        && prob(flipP)
                        && prob(textMaskP)
                        && prob(modalityDropoutP),
                "augmentation probabilities must be in [0,1]");
        req(
                cropScaleMin > 0 && cropScaleMin <= cropScaleMax && cropScaleMax <= 1,
                "crop scale must satisfy 0 < min <= max <= 1");
        req(cropRatioMin > 0 && cropRatioMin <= cropRatioMax, "crop ratio must satisfy 0 < min <= max");
        req(blurSigmaMin > 0 && blurSigmaMin <= blurSigmaMax, "blur sigma must satisfy 0 < min <= max");
        req(sensorDropMaxFraction >= 0 && sensorDropMaxFraction <= 1, "--aug-sensor-drop-max must be in [0,1]");
        req(checkpointIntervalMs >= 100, "--checkpoint-interval-ms must be >= 100");
        req(transactionTimeoutMs >= 1000, "--transaction-timeout-ms must be >= 1000");
        req(parallelism >= 1, "--parallelism must be >= 1");
        SensorStats.parse(sensorStats, sensorChannels);
        return this;
    }

    private static boolean prob(double p) {
        return p >= 0 && p <= 1;
    }

    private static void req(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** Canonical text of everything that changes window or pair content: hashed into the pipeline version. */
    public String contentConfig() {
        return "win=" + windowSizeMs + "/" + hopMs + ";T=" + sensorSteps + ";C=" + sensorChannels + ";tok=" + textTokens
                + ";vtol=" + visionToleranceMs + ";ttol=" + textToleranceMs + ";img=" + imageWidth + "x" + imageHeight
                + "x" + imageChannels + ";stats="
                + SensorStats.parse(sensorStats, sensorChannels).canonical()
                + ";aug=" + sensorNoiseSigma + "," + sensorNoiseP + "," + sensorDropP + "," + sensorDropMaxFraction
                + "," + cropScaleMin + "," + cropScaleMax + "," + cropRatioMin + "," + cropRatioMax + "," + colorJitterP
                + "," + brightness + "," + contrast + "," + saturation + "," + hue + "," + grayscaleP + "," + blurP
                + ","
                + blurSigmaMin + "," + blurSigmaMax + "," + flipP + "," + textMaskP + "," + modalityDropoutP;
    }
}
