package io.braid.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `./braid bench <target>`: every target prints figures and ratios measured in one run, then one RESULT line. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmarks: figures and ratios against a baseline measured in the same run.",
            "",
            "Each target ends with one machine-readable line: RESULT <name> key=value ..."
        },
        subcommands = {CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static CommandLine commandLine() {
        CommandLine bench = new CommandLine(new BenchCommand());
        Subcommands.registerBenchTargets(bench);
        return bench;
    }
}
