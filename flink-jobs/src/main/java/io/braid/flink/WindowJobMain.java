package io.braid.flink;

import io.braid.flink.kafka.KafkaIO;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Entry point of the shaded job jar: {@code flink run braid-flink-jobs-*-job.jar --bootstrap-servers ...
 * --schema-registry-url ... [window options]}. Only wires: parse, build, execute on whatever environment Flink gives.
 */
@Command(
        name = "braid-flink-job",
        mixinStandardHelpOptions = true,
        description = "Braid align-and-augment job: robot.sensor/vision/text -> mm.windows, mm.train, mm.late, mm.dlq.")
public final class WindowJobMain implements Callable<Integer> {
    @Mixin
    KafkaConnection connection = new KafkaConnection();

    @Mixin
    WindowJobOptions options = new WindowJobOptions();

    @CommandLine.Option(names = "--job-name", description = "Flink job name (default: ${DEFAULT-VALUE}).")
    String jobName = "braid-multimodal-windows";

    public static void main(String[] args) {
        int rc = new CommandLine(new WindowJobMain()).execute(args);
        if (rc != 0) System.exit(rc);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        options.validate();
        StreamExecutionEnvironment env = prepare(StreamExecutionEnvironment.getExecutionEnvironment());
        env.execute(jobName);
        return 0;
    }

    /**
     * Configures and builds the job on {@code env}. Parallelism and checkpointing are set only when given on the
     * command line: otherwise {@code flink run -p} and the cluster's configuration (a FlinkDeployment's
     * flinkConfiguration) decide. Exactly-once output needs checkpoints, so without any it refuses to start.
     */
    StreamExecutionEnvironment prepare(StreamExecutionEnvironment env) {
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        MultimodalWindowJob.configure(
                env,
                options,
                given.hasMatchedOption("--parallelism"),
                given.hasMatchedOption("--checkpoint-interval-ms"));
        if (options.deliveryGuarantee == WindowJobOptions.Guarantee.EXACTLY_ONCE
                && !env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "EXACTLY_ONCE commits output on checkpoints, and checkpointing is off: set"
                            + " execution.checkpointing.interval on the cluster or give --checkpoint-interval-ms");
        }
        MultimodalWindowJob.build(env, KafkaIO.inputs(connection, options), options)
                .sinkTo(KafkaIO.sinks(connection, options));
        return env;
    }
}
