package io.braid.cli.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * {@code --help} with a short synopsis ({@code produce [OPTIONS]}) and the options in titled sections (Connection,
 * Simulator, Faults, ...) instead of one long list. A command or mixin declares its sections by implementing {@link
 * Declared}: titles mapped to option names, no change to the option declarations. Options no section names are listed
 * under "Other" and the help options under "Help", so nothing is ever hidden; sections follow the declaration order of
 * their first option.
 */
public final class HelpSections {
    public static final String OTHER = "Other";
    public static final String HELP = "Help";

    /** Implemented by a command or a mixin whose options belong in titled sections. */
    public interface Declared {
        Sections helpSections();
    }

    /** Section titles, each with the names of its options (names of options a command lacks are ignored). */
    public static final class Sections {
        private final Map<String, List<String>> byTitle = new LinkedHashMap<>();

        public static Sections of() {
            return new Sections();
        }

        /** Adds options (by any of their names) to a section. */
        public Sections add(String title, String... optionNames) {
            byTitle.computeIfAbsent(title, t -> new ArrayList<>()).addAll(List.of(optionNames));
            return this;
        }

        public Sections addAll(Sections other) {
            if (other != null) other.byTitle.forEach((t, names) -> add(t, names.toArray(new String[0])));
            return this;
        }

        public boolean isEmpty() {
            return byTitle.isEmpty();
        }

        String titleOf(OptionSpec o) {
            for (Map.Entry<String, List<String>> e : byTitle.entrySet()) {
                for (String n : o.names()) if (e.getValue().contains(n)) return e.getKey();
            }
            return null;
        }
    }

    private HelpSections() {}

    /**
     * Gives {@code root} and every subcommand the short synopsis and, where sections are declared (by the command, its
     * mixins, or {@code external} for classes that cannot implement {@link Declared}), the sectioned option list.
     */
    public static void install(CommandLine root, Map<Class<?>, Sections> external) {
        CommandSpec spec = root.getCommandSpec();
        UsageMessageSpec usage = spec.usageMessage();
        usage.abbreviateSynopsis(true);
        Sections sections = sectionsOf(spec, external);
        if (!sections.isEmpty()) {
            Map<String, CommandLine.IHelpSectionRenderer> map = new LinkedHashMap<>(usage.sectionMap());
            map.put(UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, help -> "");
            map.put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> render(help, sections));
            usage.sectionMap(map);
        }
        for (CommandLine sub : root.getSubcommands().values()) install(sub, external);
    }

    static Sections sectionsOf(CommandSpec spec, Map<Class<?>, Sections> external) {
        Sections s = Sections.of();
        Object user = spec.userObject();
        if (user instanceof Declared d) s.addAll(d.helpSections());
        if (user != null) s.addAll(external.get(user.getClass()));
        for (CommandSpec mixin : spec.mixins().values()) {
            Object m = mixin.userObject();
            if (m instanceof Declared d) s.addAll(d.helpSections());
            if (m != null) s.addAll(external.get(m.getClass()));
        }
        return s;
    }

    /** The option list, one titled block per section, columns aligned across blocks. */
    static String render(Help help, Sections sections) {
        CommandSpec spec = help.commandSpec();
        // sections appear in the order of their first option's declaration, which is the order authors chose
        Map<String, List<OptionSpec>> blocks = new LinkedHashMap<>();
        List<OptionSpec> other = new ArrayList<>(), helpOptions = new ArrayList<>(), all = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || o.group() != null) continue; // argument groups render in their own sections below
            all.add(o);
            String title = sections.titleOf(o);
            if (title != null)
                blocks.computeIfAbsent(title, t -> new ArrayList<>()).add(o);
            else if (o.usageHelp() || o.versionHelp()) helpOptions.add(o);
            else other.add(o);
        }
        blocks.put(OTHER, other);
        blocks.put(HELP, helpOptions);
        StringBuilder out = new StringBuilder();
        String[] description = spec.usageMessage().description();
        // a description that ends with an empty line already separates it from the options
        boolean separated = description.length > 0 && description[description.length - 1].isBlank();
        for (Map.Entry<String, List<OptionSpec>> b : blocks.entrySet()) {
            if (b.getValue().isEmpty()) continue;
            if (out.length() > 0 || !separated) out.append(String.format("%n"));
            out.append(b.getKey()).append(String.format(":%n"));
            Help.Layout layout = help.createDefaultLayout(all, spec.positionalParameters(), help.colorScheme());
            out.append(help.optionListExcludingGroups(b.getValue(), layout, null, help.parameterLabelRenderer()));
        }
        String groups = help.optionListGroupSections();
        if (!groups.isEmpty()) out.append(String.format("%n")).append(groups);
        return out.toString();
    }
}
