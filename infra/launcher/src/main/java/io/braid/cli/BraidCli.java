package io.braid.cli;

import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.HelpSections;
import java.time.Duration;
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
        // after every subcommand is added, so that these reach them all
        cli.registerConverter(Duration.class, new DurationConverter()); // for a Duration option without its converter
        HelpSections.install(cli, JobHelpSections.external());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpAutoWidth(true);
        cli.setExecutionExceptionHandler(BraidCli::reportFailure);
        return cli;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** A failing command says what went wrong in one line; the stack trace only with BRAID_DEBUG=1. */
    private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        Throwable root = e;
        while (root.getCause() != null && root.getMessage() == null) root = root.getCause();
        cmd.getErr().println("braid " + cmd.getCommandName() + ": " + root);
        if ("1".equals(System.getenv("BRAID_DEBUG"))) e.printStackTrace(cmd.getErr());
        else cmd.getErr().println("(BRAID_DEBUG=1 shows the stack trace)");
        cmd.getErr().flush();
        return 1;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = BraidCli.class.getPackage().getImplementationVersion();
            return new String[] {"braid " + (v == null ? "dev" : v), "java " + System.getProperty("java.version")};
        }
    }
}
