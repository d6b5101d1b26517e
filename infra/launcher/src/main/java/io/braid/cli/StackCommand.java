package io.braid.cli;

import io.braid.cli.support.HelpSections;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `./braid stack`: the local infrastructure on its own, for components started in other terminals. */
@Command(
        name = "stack",
        mixinStandardHelpOptions = true,
        description = {
            "Run the local stack: Kafka, the schema registry and every topic.",
            "",
            "Starts an in-JVM KRaft Kafka broker, the embedded Confluent-compatible schema registry (persisted to",
            "the _braid_schemas topic so ids survive a restart) and every Braid topic, prints the bootstrap",
            "servers and registry URL for commands in other terminals, then runs until Ctrl-C."
        })
public final class StackCommand implements Callable<Integer>, HelpSections.Declared {
    @Option(
            names = "--registry-port",
            defaultValue = "8081",
            description = "Port of the schema registry (0 = any free port). Default: ${DEFAULT-VALUE}.")
    int registryPort;

    @Option(
            names = "--partitions",
            defaultValue = "2",
            description = "Partitions of each data topic. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--bootstrap-servers",
            description = "Use this Kafka instead of starting one (only the registry and topics are started).")
    String bootstrapServers;

    @Option(
            names = "--data-dir",
            description = "Keep the in-JVM broker's data (topics, offsets, schema ids) in this directory across"
                    + " restarts; created if missing. Default: a temporary directory, deleted on exit.")
    Path dataDir;

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Connection", "--bootstrap-servers", "--registry-port")
                .add("Topics", "--partitions")
                .add("Storage", "--data-dir");
    }

    @Override
    public Integer call() throws Exception {
        if (partitions < 1) throw new IllegalArgumentException("--partitions must be at least 1");
        if (registryPort < 0 || registryPort > 65535)
            throw new IllegalArgumentException("--registry-port must be 0..65535");
        if (dataDir != null && bootstrapServers != null)
            throw new IllegalArgumentException(
                    "--data-dir applies to the in-JVM broker; drop it with --bootstrap-servers");
        System.err.println("starting the local stack...");
        long t0 = System.nanoTime();
        LocalStack stack = LocalStack.start(bootstrapServers, registryPort, partitions, dataDir);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("stopping the local stack...");
            stack.close();
            stop.countDown();
        }));
        System.out.printf("stack up in %.1f s (%s broker)%n", (System.nanoTime() - t0) / 1e9, stack.brokerKind());
        System.out.println("  --bootstrap-servers " + stack.bootstrapServers());
        System.out.println("  --schema-registry-url " + stack.registryUrl());
        if (stack.dataDir() != null) {
            System.out.println("  data kept in " + stack.dataDir()
                    + (stack.reusedData() ? " (restarted on its earlier data)" : " (new)"));
        } else if (bootstrapServers == null) {
            System.out.println("  data is temporary; use --data-dir to keep it");
        }
        System.out.println("  topics created: " + String.join(", ", new java.util.TreeSet<>(stack.createdTopics())));
        System.out.println("e.g. ./braid produce --bootstrap-servers " + stack.bootstrapServers()
                + " --schema-registry-url " + stack.registryUrl() + " --robots 4 --duration 30s");
        System.out.println("Ctrl-C to stop.");
        System.out.flush();
        stop.await();
        return 0;
    }
}
