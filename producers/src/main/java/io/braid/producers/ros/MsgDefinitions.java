package io.braid.producers.ros;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Message definitions in the ros2msg text that rosbag2 stores with each topic (MCAP Schema records, the .db3
 * message_definitions table): the top-level .msg text, then each dependency after a line of '=' and a line
 * {@code MSG: pkg/Name}. Fields are {@code type name [default]}; {@code TYPE NAME=value} lines are constants and take no
 * room on the wire; {@code T[]}, {@code T[N]}, {@code T[<=N]} and {@code string<=N} are arrays and bounded strings.
 */
public final class MsgDefinitions {
    public static final Set<String> PRIMITIVES = Set.of(
            "bool", "byte", "char", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32",
            "float64", "string", "wstring");

    private final Map<String, MsgType> types = new HashMap<>();

    public MsgType get(String name) {
        return types.get(canonical(name, ""));
    }

    public boolean has(String name) {
        return types.containsKey(canonical(name, ""));
    }

    /** Adds the types of one ros2msg text whose top-level type is rootName; returns this. */
    public MsgDefinitions add(String rootName, String text) {
        String current = canonical(rootName, "");
        List<String> block = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.length() >= 3 && line.chars().allMatch(c -> c == '=')) {
                put(current, block);
                block.clear();
                String next = i + 1 < lines.length ? lines[i + 1].strip() : "";
                if (!next.startsWith("MSG:")) {
                    throw new IllegalArgumentException(rootName + ": a separator line is not followed by 'MSG: name'");
                }
                current = canonical(next.substring(4).strip(), "");
                i++;
            } else {
                block.add(lines[i]);
            }
        }
        put(current, block);
        return this;
    }

    private void put(String name, List<String> lines) {
        String pkg = name.contains("/") ? name.substring(0, name.indexOf('/')) : "";
        List<MsgField> fields = new ArrayList<>();
        for (String raw : lines) {
            String line = raw;
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            String[] parts = line.split("\\s+", 2);
            if (parts.length < 2) throw new IllegalArgumentException(name + ": cannot read field line '" + raw + "'");
            String rest = parts[1].strip();
            String fieldName = rest.split("\\s+", 2)[0];
            String after = rest.substring(fieldName.length()).strip();
            if (fieldName.contains("=") || after.startsWith("=")) continue; // a constant: NAME=value or NAME = value
            fields.add(field(parts[0], fieldName, pkg, name));
        }
        // rosidl gives an empty message one uint8 so that it has a size on the wire
        if (fields.isEmpty()) fields.add(new MsgField("structure_needs_at_least_one_member", "uint8", true, -1));
        types.putIfAbsent(name, new MsgType(name, List.copyOf(fields)));
    }

    private static MsgField field(String typeToken, String name, String pkg, String owner) {
        int arrayLength = MsgField.SCALAR;
        String base = typeToken;
        int br = typeToken.indexOf('[');
        if (br >= 0) {
            if (!typeToken.endsWith("]")) throw new IllegalArgumentException(owner + ": bad array type " + typeToken);
            String inside = typeToken.substring(br + 1, typeToken.length() - 1).strip();
            base = typeToken.substring(0, br);
            if (inside.isEmpty() || inside.startsWith("<=")) arrayLength = MsgField.UNBOUNDED;
            else {
                try {
                    arrayLength = Integer.parseInt(inside);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(owner + ": bad array length in " + typeToken);
                }
                if (arrayLength < 0) throw new IllegalArgumentException(owner + ": negative array length");
            }
        }
        int bound = base.indexOf("<=");
        if (bound >= 0) base = base.substring(0, bound); // string<=N: the bound does not change the wire format
        if (PRIMITIVES.contains(base)) return new MsgField(name, base, true, arrayLength);
        return new MsgField(name, canonical(base, pkg), false, arrayLength);
    }

    /** pkg/msg/Name for "pkg/Name", "pkg/msg/Name", "Header" (std_msgs) or "Name" (same package as the owner). */
    public static String canonical(String name, String ownerPackage) {
        String[] p = name.strip().split("/");
        if (p.length == 3) return name.strip();
        if (p.length == 2) return p[0] + "/msg/" + p[1];
        if (p[0].equals("Header")) return "std_msgs/msg/Header";
        return ownerPackage.isEmpty() ? p[0] : ownerPackage + "/msg/" + p[0];
    }
}
