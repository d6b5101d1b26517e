package io.braid.cli;

import picocli.CommandLine;

/** The components' own commands, mounted under `braid` and `braid bench`. */
final class Subcommands {
    private Subcommands() {}

    static void registerComponents(CommandLine cli) {}

    static void registerBenchTargets(CommandLine bench) {}
}
