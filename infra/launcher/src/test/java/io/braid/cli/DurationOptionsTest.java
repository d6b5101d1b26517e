package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command takes {@code --duration 45s}, and every time option reads the same forms through the one parser. */
class DurationOptionsTest {
    /** Epoch-millisecond instants, not durations, although their names end in -ms. */
    private static final Set<String> INSTANTS = Set.of("--min-event-time-ms", "--max-event-time-ms");

    /** The command at {@code path} in a fresh launcher, parsed with {@code args} (plus its required arguments). */
    private static CommandLine.ParseResult parse(List<String> path, String... args) {
        CommandLine root = BraidCli.commandLine(), cmd = root;
        for (String p : path.subList(1, path.size())) cmd = cmd.getSubcommands().get(p);
        // parsed from the root, as ./braid does (picocli parses a subcommand only through its parent)
        List<String> all = new ArrayList<>(path.subList(1, path.size()));
        all.addAll(List.of(args));
        for (OptionSpec o : cmd.getCommandSpec().options()) if (o.required()) all.addAll(List.of(o.longestName(), "x"));
        cmd.getCommandSpec().positionalParameters().forEach(p -> {
            if (p.arity().min() > 0) all.add("x");
        });
        CommandLine.ParseResult r = root.parseArgs(all.toArray(new String[0]));
        while (r.hasSubcommand()) r = r.subcommand();
        return r;
    }

    private static Map<String, CommandLine> commands() {
        Map<String, CommandLine> byName = new TreeMap<>();
        for (CommandLine c : CliReferenceTest.allCommands(BraidCli.commandLine()))
            byName.put(CliReferenceTest.qualifiedName(c), c);
        return byName;
    }

    @Test
    void everyCommandWithADurationTakes45s2mAnd1h30m() {
        Set<String> found = new TreeSet<>();
        commands().forEach((name, cmd) -> {
            if (cmd.getCommandSpec().findOption("--duration") == null) return;
            found.add(name);
            List<String> path = List.of(name.split(" "));
            for (String[] c : new String[][] {{"45s", "PT45S"}, {"2m", "PT2M"}, {"1h30m", "PT1H30M"}}) {
                Object v = parse(path, "--duration", c[0]).matchedOptionValue("--duration", null);
                assertEquals(Duration.parse(c[1]), v, name + " --duration " + c[0]);
            }
            CommandLine.ParameterException e =
                    assertThrows(CommandLine.ParameterException.class, () -> parse(path, "--duration=-45s"), name);
            assertTrue(
                    e.getMessage().contains("--duration") && e.getMessage().contains("not a duration"), e.getMessage());
        });
        assertTrue(
                found.containsAll(Set.of(
                        "braid demo", "braid produce", "braid flink-job", "braid bench produce", "braid bench flink")),
                "commands with --duration: " + found);
    }

    @Test
    void everyTimeOptionReadsTheSameForms() {
        List<String> checked = new ArrayList<>();
        commands().forEach((name, cmd) -> {
            List<String> path = List.of(name.split(" "));
            for (OptionSpec o : cmd.getCommandSpec().options()) {
                String opt = o.longestName();
                if (o.type() == Duration.class) {
                    Object v = parse(path, opt, "1h30m").matchedOptionValue(opt, null);
                    assertEquals(Duration.ofMinutes(90), v, name + " " + opt);
                    checked.add(name + " " + opt);
                } else if (opt.endsWith("-ms") && !INSTANTS.contains(opt)) {
                    // a millisecond option keeps bare numbers as milliseconds and takes units too
                    Object bare = parse(path, opt, "1500").matchedOptionValue(opt, null);
                    Object unit = parse(path, opt, "1.5s").matchedOptionValue(opt, null);
                    assertInstanceOf(Long.class, unit, name + " " + opt);
                    assertEquals(1500L, ((Number) bare).longValue(), name + " " + opt + " 1500");
                    assertEquals(1500L, unit, name + " " + opt + " 1.5s");
                    checked.add(name + " " + opt);
                }
            }
        });
        assertTrue(checked.contains("braid produce --tick"), checked.toString());
        assertTrue(checked.contains("braid flink-job --grace-ms"), checked.toString());
    }
}
