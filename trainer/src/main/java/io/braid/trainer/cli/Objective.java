package io.braid.trainer.cli;

import io.braid.trainer.model.ModelConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** The pre-training objectives a command can name; {@link #id()} is the name a saved {@link ModelConfig} carries. */
public enum Objective {
    COMM(ModelConfig.COMM),
    DECUR(ModelConfig.DECUR),
    CROSS(ModelConfig.CROSS),
    CROSSSELF(ModelConfig.CROSS_SELF),
    DIMML(ModelConfig.DIMML);

    private final String id;

    Objective(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }

    /** All ids, for descriptions: "comm, decur, ...". */
    public static String ids() {
        return Arrays.stream(values()).map(Objective::id).collect(Collectors.joining(", "));
    }

    /** Case-insensitive by id, with or without the launcher's case-insensitive enum setting. */
    public static final class Converter implements CommandLine.ITypeConverter<Objective> {
        @Override
        public Objective convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (Objective o : values()) if (o.id.equals(v)) return o;
            throw new CommandLine.TypeConversionException("'" + value + "' is not an objective: use one of " + ids());
        }
    }
}
