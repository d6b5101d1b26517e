package io.braid.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Stand-alone entry point of the trainer's commands for running them from this module's classpath
 * ({@code java -cp ... io.braid.trainer.cli.TrainerMain eval --objective comm}); {@code ./braid} registers the same
 * command classes in its launcher.
 */
@Command(
        name = "braid-trainer",
        mixinStandardHelpOptions = true,
        subcommands = {
            EvalCommand.class,
            TrainCommand.class,
            ScoreCommand.class,
            RetrainReplayCommand.class,
            TrainerMain.Bench.class
        })
public final class TrainerMain {
    @Command(
            name = "bench",
            description = "benchmarks",
            subcommands = {BenchTrainCommand.class})
    static final class Bench {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainerMain()).execute(args));
    }
}
