package io.braid.cli;

import io.braid.bench.BenchFlinkCommand;
import io.braid.bench.BenchImportCommand;
import io.braid.bench.BenchProduceCommand;
import io.braid.bench.BenchScoreCommand;
import io.braid.bench.BenchTrainerCommand;
import io.braid.flink.cli.FlinkJobCommand;
import io.braid.producers.cli.ImportCommand;
import io.braid.producers.cli.ProduceCommand;
import io.braid.producers.cli.RecordCommand;
import io.braid.producers.cli.ReplayCommand;
import io.braid.trainer.cli.BenchTrainCommand;
import io.braid.trainer.cli.EvalCommand;
import io.braid.trainer.cli.RetrainReplayCommand;
import io.braid.trainer.cli.ScoreCommand;
import io.braid.trainer.cli.TrainCommand;
import picocli.CommandLine;

/** The components' own commands, mounted under `braid` and `braid bench`. */
final class Subcommands {
    private Subcommands() {}

    static void registerComponents(CommandLine cli) {
        cli.addSubcommand("produce", new ProduceCommand());
        cli.addSubcommand("record", new RecordCommand());
        cli.addSubcommand("play", new ReplayCommand());
        cli.addSubcommand(
                "import",
                new ImportCommand()); // ROS 2 bags (MCAP, SQLite3) into the input topics // the file replayer; `replay`
        // is ops retraining (DESIGN.md)
        cli.addSubcommand("flink-job", new FlinkJobCommand());
        cli.addSubcommand("eval", new EvalCommand());
        cli.addSubcommand("train", new TrainCommand());
        cli.addSubcommand("score", new ScoreCommand());
        cli.addSubcommand("replay", new RetrainReplayCommand(new FlinkRebuild()));
    }

    static void registerBenchTargets(CommandLine bench) {
        bench.addSubcommand("produce", new BenchProduceCommand());
        bench.addSubcommand("flink", new BenchFlinkCommand());
        bench.addSubcommand("import", new BenchImportCommand());
        bench.addSubcommand("train", new BenchTrainCommand());
        bench.addSubcommand("trainer", new BenchTrainerCommand());
        bench.addSubcommand("score", new BenchScoreCommand());
    }
}
