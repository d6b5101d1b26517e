package io.braid.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of `./braid`: registers every component's subcommand; the components own their options. */
@Command(
        name = "braid",
        mixinStandardHelpOptions = true,
        versionProvider = BraidCli.Version.class,
        description = {
            "Braid: streaming multimodal self-supervised learning on Kafka, Flink and DJL.",
            "",
            "Every command runs on the embedded default (in-JVM Kafka, embedded schema registry) unless you",
            "point it at real infrastructure with --bootstrap-servers and --schema-registry-url.",
            ""
        },
        subcommands = {CommandLine.HelpCommand.class})
public final class BraidCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BraidCli());
        cli.addSubcommand("stack", new StackCommand());
        cli.addSubcommand("demo", new DemoCommand());
        cli.addSubcommand("bench", BenchCommand.commandLine());
        Subcommands.registerComponents(cli);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = BraidCli.class.getPackage().getImplementationVersion();
            return new String[] {"braid " + (v == null ? "dev" : v), "java " + System.getProperty("java.version")};
        }
    }
}
