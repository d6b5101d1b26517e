package io.braid.cli.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class HelpSectionsTest {
    static final class Faults implements HelpSections.Declared {
        @Option(names = "--late", description = "late fraction")
        double late;

        @Option(names = "--duplicates", description = "duplicate fraction")
        double duplicates;

        @Override
        public HelpSections.Sections helpSections() {
            return HelpSections.Sections.of().add("Faults", "--late", "--duplicates");
        }
    }

    static final class External {
        @Option(names = "--grace-ms", description = "grace")
        long grace;
    }

    @Command(name = "demo", mixinStandardHelpOptions = true, description = "A demo.")
    static final class Demo implements HelpSections.Declared {
        @Option(names = "--bootstrap-servers", description = "Kafka")
        String bootstrap;

        @Option(names = "--unmapped", description = "nobody mapped me")
        int unmapped;

        @Option(names = "--secret", hidden = true)
        int secret;

        @Mixin
        Faults faults;

        @Mixin
        External external;

        @Override
        public HelpSections.Sections helpSections() {
            return HelpSections.Sections.of().add("Connection", "--bootstrap-servers");
        }
    }

    @Test
    void optionsAreGroupedUnderTheirTitlesAndNothingIsLost() {
        CommandLine cmd = new CommandLine(new Demo());
        HelpSections.install(
                cmd, Map.of(External.class, HelpSections.Sections.of().add("Windows", "--grace-ms")));
        String help = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(help.startsWith("Usage: demo [OPTIONS]"), help);
        int connection = help.indexOf("Connection:"),
                faults = help.indexOf("Faults:"),
                windows = help.indexOf("Windows:"),
                other = help.indexOf("Other:"),
                helpSection = help.indexOf("Help:");
        assertTrue(
                0 < connection && connection < faults && faults < windows && windows < other && other < helpSection,
                help);
        assertTrue(
                help.indexOf("--bootstrap-servers") > connection && help.indexOf("--bootstrap-servers") < faults, help);
        assertTrue(help.indexOf("--late") > faults && help.indexOf("--duplicates") < windows, help);
        assertTrue(help.indexOf("--grace-ms") > windows && help.indexOf("--grace-ms") < other, help);
        assertTrue(help.indexOf("--unmapped") > other && help.indexOf("--unmapped") < helpSection, help);
        assertTrue(help.indexOf("--help") > helpSection && help.indexOf("--version") > helpSection, help);
        assertTrue(!help.contains("--secret"), help);
    }

    @Command(name = "plain", mixinStandardHelpOptions = true)
    static final class Plain {
        @Option(names = "--x", description = "x")
        int x;
    }

    @Test
    void aCommandWithoutSectionsKeepsThePlainListButGetsTheShortSynopsis() {
        CommandLine cmd = new CommandLine(new Plain());
        HelpSections.install(cmd, Map.of());
        String help = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(help.startsWith("Usage: plain [OPTIONS]"), help);
        assertTrue(help.contains("--x") && !help.contains("Other:"), help);
    }
}
