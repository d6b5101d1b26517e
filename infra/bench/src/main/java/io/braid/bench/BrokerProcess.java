package io.braid.bench;

import io.braid.broker.EmbeddedKafkaBroker;
import io.braid.registry.EmbeddedRegistryServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A KRaft broker and a schema registry in a child JVM, so that a benchmark's own process holds only what it measures
 * (bench trainer's native memory: a broker in the same JVM adds its heap, threads and mapped index files to the RSS).
 * The child prints one line with both addresses, and exits when its stdin closes: a killed parent leaves no broker.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final String READY = "braid-broker-process ";

    private final Process process;
    private final String bootstrapServers;
    private final String registryUrl;

    private BrokerProcess(Process process, String bootstrapServers, String registryUrl) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
    }

    /** Starts the child on this JVM's class path and waits for its addresses. */
    public static BrokerProcess start() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(
                        java,
                        "-Xmx768m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dlog4j2.configurationFile=classpath:braid-log4j2.xml",
                        BrokerProcess.class.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(READY)) {
                String[] a = line.substring(READY.length()).split(" ");
                // keep draining stdout so the child never blocks on a full pipe
                Thread drain = new Thread(
                        () -> {
                            try {
                                while (out.readLine() != null) {}
                            } catch (IOException ignored) {
                                // the child ended
                            }
                        },
                        "broker-process-stdout");
                drain.setDaemon(true);
                drain.start();
                return new BrokerProcess(p, a[0], a[1]);
            }
        }
        p.waitFor(10, TimeUnit.SECONDS);
        throw new IOException("the broker process ended before it was ready (exit " + p.exitValue() + ")");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The child: broker and registry until stdin closes. */
    public static void main(String[] args) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            System.out.println(READY + broker.bootstrapServers() + " " + registry.url());
            System.out.flush();
            while (System.in.read() >= 0) {
                // parent alive
            }
        }
    }
}
