package io.braid.cli;

import io.braid.cli.support.HelpSections.Sections;
import io.braid.flink.KafkaConnection;
import io.braid.flink.WindowJobOptions;
import io.braid.flink.cli.FlinkJobCommand;
import java.util.Map;

/**
 * --help sections of the Flink job's option classes, which live in flink-jobs and do not declare their own (yet): they
 * can implement {@code HelpSections.Declared} there and this table shrinks. Names a class lacks are ignored, and an
 * option missing here is still listed, under "Other".
 */
final class JobHelpSections {
    private JobHelpSections() {}

    static final Sections CONNECTION = Sections.of()
            .add(
                    "Connection",
                    "--bootstrap-servers",
                    "--schema-registry-url",
                    "--kafka-property",
                    "--registry-property");

    static final Sections JOB = Sections.of()
            .add(
                    "Windows",
                    "--window-size-ms",
                    "--hop-ms",
                    "--sensor-steps",
                    "--sensor-channels",
                    "--text-tokens",
                    "--vision-tolerance-ms",
                    "--text-tolerance-ms",
                    "--grace-ms",
                    "--partial-policy",
                    "--min-modalities")
            .add(
                    "Watermarks",
                    "--out-of-orderness-ms",
                    "--idleness-ms",
                    "--alignment-max-drift-ms",
                    "--alignment-update-ms",
                    "--max-clock-ahead-ms")
            .add(
                    "Validation and dead letters",
                    "--image-width",
                    "--image-height",
                    "--image-channels",
                    "--max-frame-bytes",
                    "--max-chunk-samples",
                    "--max-chunk-span-ms",
                    "--max-sample-rate-hz",
                    "--max-abs-value",
                    "--max-text-chars",
                    "--min-event-time-ms",
                    "--max-event-time-ms",
                    "--max-record-time-skew-ms",
                    "--late-with-value",
                    "--max-dead-letter-bytes")
            .add(
                    "Augmentation",
                    "--sensor-stats",
                    "--no-train",
                    "--aug-sensor-noise-sigma",
                    "--aug-sensor-noise-p",
                    "--aug-sensor-drop-p",
                    "--aug-sensor-drop-max",
                    "--aug-crop-scale-min",
                    "--aug-crop-scale-max",
                    "--aug-crop-ratio-min",
                    "--aug-crop-ratio-max",
                    "--aug-jitter-p",
                    "--aug-brightness",
                    "--aug-contrast",
                    "--aug-saturation",
                    "--aug-hue",
                    "--aug-grayscale-p",
                    "--aug-blur-p",
                    "--aug-blur-sigma-min",
                    "--aug-blur-sigma-max",
                    "--aug-flip-p",
                    "--aug-text-mask-p",
                    "--aug-modality-dropout-p")
            .add(
                    "Delivery",
                    "--delivery-guarantee",
                    "--checkpoint-interval-ms",
                    "--checkpoint-dir",
                    "--transaction-timeout-ms",
                    "--transactional-id-prefix",
                    "--transaction-naming")
            .add("Sources", "--group-id", "--starting-offsets", "--bounded", "--parallelism")
            .add(
                    "Topics",
                    "--sensor-topic",
                    "--vision-topic",
                    "--text-topic",
                    "--windows-topic",
                    "--train-topic",
                    "--late-topic",
                    "--dlq-topic");

    static final Sections FLINK_JOB_COMMAND = Sections.of()
            .add("Run", "--duration", "--report-every")
            .add("Recovery", "--state-dir", "--from-savepoint", "--from-checkpoint", "--fresh");

    static Map<Class<?>, Sections> external() {
        return Map.of(
                KafkaConnection.class, CONNECTION,
                WindowJobOptions.class, JOB,
                FlinkJobCommand.class, FLINK_JOB_COMMAND);
    }
}
