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

    @Override
    public Integer call() throws Exception {
        options.validate();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MultimodalWindowJob.configure(env, options);
        MultimodalWindowJob.build(env, KafkaIO.inputs(connection, options), options)
                .sinkTo(KafkaIO.sinks(connection, options));
        env.execute(jobName);
        return 0;
    }
}
