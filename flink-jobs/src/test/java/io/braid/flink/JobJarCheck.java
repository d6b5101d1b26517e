package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar needs nothing it does not bundle: every class it references is in the jar, in the JDK or in
 * Flink's distribution (the provided Flink artifacts plus what a Flink dist's lib/ ships). Runs after {@code package}
 * (surefire execution {@code job-jar-check} in the integration-test phase, see the pom), because the jar exists only
 * then; {@code jdeps --missing-deps} lists the references that resolve nowhere.
 */
class JobJarCheck {
    /** In a Flink 2.x distribution's lib/ (flink-table-*, flink-connector-files, logging), not in our provided deps. */
    static final List<String> FLINK_LIB = List.of(
            "org.apache.flink.table.",
            "org.apache.flink.connector.file.",
            "org.slf4j.",
            "org.apache.logging.log4j.",
            "org.apache.commons.lang3.");

    /**
     * References of bundled libraries to optional dependencies, on code paths the job never takes. Our own classes
     * ({@code io.braid.}) get no such exemption.
     */
    static final Map<String, String> OPTIONAL = new TreeMap<>(Map.of(
            "org.apache.kafka.>org.jose4j.", "kafka-clients: OAUTHBEARER JWT validation (optional dependency)",
            "org.apache.kafka.>io.grpc.", "kafka-clients: gRPC stubs of the shaded OpenTelemetry protos (unused)",
            "org.apache.kafka.>com.google.common.", "kafka-clients: shaded OpenTelemetry protos' gRPC futures (unused)",
            "org.apache.flink.>javax.annotation.", "connector: jsr305 @Nullable annotations (not needed at runtime)",
            "org.apache.flink.formats.avro.>org.joda.", "flink-avro: optional Joda-Time conversions",
            "org.apache.flink.formats.avro.>com.fasterxml.jackson.datatype.", "flink-avro: optional Jackson modules",
            "org.apache.avro.>org.apache.commons.",
                    "avro: container-file codecs (xz, bzip2) and tools, not the" + " binary encoding the job uses",
            "com.fasterxml.jackson.>java.lang.foreign.", "jackson: JDK 21+ code path, chosen at runtime",
            "org.xerial.snappy.>org.osgi.", "snappy-java: OSGi bundle activator"));

    static final Pattern MISSING = Pattern.compile("^\\s*(\\S+)\\s+->\\s+(\\S+)\\s+not found\\s*$");

    @Test
    void theJobJarNeedsOnlyWhatItBundlesTheJdkAndFlink() throws Exception {
        Path jar = Path.of(System.getProperty("job.jar", "target/braid-flink-jobs-0.1.0-SNAPSHOT-job.jar"));
        Path cpFile = Path.of(System.getProperty("flink.classpath.file", "target/flink-provided.classpath"));
        assertTrue(Files.isRegularFile(jar), "no job jar at " + jar + " (run mvn package)");
        String flink = Files.readString(cpFile).trim();

        try (ZipFile z = new ZipFile(jar.toFile())) {
            List<String> foreign = z.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.startsWith("io/braid/broker/")
                            || n.startsWith("io/braid/producers/")
                            || n.startsWith("io/braid/bench/")
                            || n.startsWith("org/apache/kafka/common/test/"))
                    .limit(10)
                    .toList();
            assertEquals(List.of(), foreign, "the job jar holds modules that are not the job's");
        }

        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(
                new PrintWriter(out),
                new PrintWriter(out),
                "--multi-release",
                "17",
                "--missing-deps",
                "-cp",
                flink,
                jar.toString());
        assertEquals(0, rc, out.toString());

        Map<String, List<String>> unresolved = new TreeMap<>();
        int allowed = 0;
        for (String line : out.toString().split("\n")) {
            Matcher m = MISSING.matcher(line);
            if (!m.matches()) continue;
            String from = m.group(1);
            String to = m.group(2);
            if (permitted(from, to)) {
                allowed++;
                continue;
            }
            String pkg = to.contains(".") ? to.substring(0, to.lastIndexOf('.')) : to;
            unresolved.computeIfAbsent(pkg, k -> new ArrayList<>()).add(from + " -> " + to);
        }
        StringBuilder report = new StringBuilder();
        unresolved.forEach((pkg, refs) -> report.append("\n  ")
                .append(pkg)
                .append(" (")
                .append(refs.size())
                .append(" references, e.g. ")
                .append(refs.get(0))
                .append(")"));
        assertTrue(
                unresolved.isEmpty(),
                "classes in " + jar.getFileName() + " need classes that are neither bundled, in the JDK nor in Flink:"
                        + report + "\nbundle the module (pom: shade includes) or, for an optional dependency of a"
                        + " library, add it to JobJarCheck.OPTIONAL with the reason");
        System.out.println("JobJarCheck: " + allowed + " references to Flink's lib/ or optional dependencies, none"
                + " unresolved");
    }

    static boolean permitted(String from, String to) {
        for (String p : FLINK_LIB) if (to.startsWith(p)) return true;
        if (from.startsWith("io.braid.")) return false;
        for (String k : OPTIONAL.keySet()) {
            String[] fromTo = k.split(">");
            if (from.startsWith(fromTo[0]) && to.startsWith(fromTo[1])) return true;
        }
        return false;
    }
}
