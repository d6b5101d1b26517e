package io.braid.trainer.score;

import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * The running scorer: wires {@link ScoringTopology} to a cluster with exactly_once_v2, a background
 * {@link ModelSource}, the metrics endpoint (with Kafka Streams' client metrics) and an orderly stop. {@link #start}
 * returns once the app is RUNNING, so ITs and benchmarks can start it with their own properties and {@link #close} it.
 */
public final class ScoringApp implements AutoCloseable {
    private final ScoringOptions options;
    private final ScoringMetrics metrics;
    private final ModelSource models;
    private final KafkaStreams streams;
    private final int metricsPort;

    private ScoringApp(
            ScoringOptions options, ScoringMetrics metrics, ModelSource models, KafkaStreams streams, int port) {
        this.options = options;
        this.metrics = metrics;
        this.models = models;
        this.streams = streams;
        this.metricsPort = port;
    }

    /** The Kafka Streams configuration of {@code o}: exactly_once_v2, its threads, application id and state dir. */
    public static Properties config(ScoringOptions o) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, o.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, o.streamThreads());
        if (o.stateDir() != null)
            p.put(StreamsConfig.STATE_DIR_CONFIG, o.stateDir().toAbsolutePath().toString());
        return p;
    }

    /**
     * Starts the scorer described by {@code options}; {@code overrides} (client properties files, tests) are applied
     * over {@link #config}. Waits up to {@code timeout} for RUNNING; on failure everything started is closed again.
     */
    public static ScoringApp start(ScoringOptions options, Properties overrides, Duration timeout, Consumer<String> log)
            throws IOException, TimeoutException, InterruptedException {
        ScoringMetrics metrics = new ScoringMetrics();
        ModelSource models = ModelSource.of(options, metrics, true, log);
        KafkaStreams streams = null;
        try {
            Properties props = config(options);
            if (overrides != null) props.putAll(overrides);
            Topology topology = ScoringTopology.build(new StreamsBuilder(), options, models);
            streams = new KafkaStreams(topology, props);
            // a thread that dies (e.g. a registry outage) is replaced; its task resumes from the last commit
            streams.setUncaughtExceptionHandler(e -> {
                log.accept("stream thread failed, replacing it: " + e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            metrics.exportStreamsMetrics(streams::metrics);
            int port = options.metricsPort() >= 0 ? metrics.serve(options.metricsPort()) : -1;
            ScoringApp app = new ScoringApp(options, metrics, models, streams, port);
            streams.start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING)
                    throw new IllegalStateException("the scorer stopped while starting: " + streams.state());
                if (System.nanoTime() > deadline)
                    throw new TimeoutException("the scorer is not RUNNING after " + timeout + ": " + streams.state());
                Thread.sleep(20);
            }
            return app;
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            if (streams != null) streams.close(Duration.ofSeconds(30));
            models.close();
            metrics.close();
            throw e;
        }
    }

    public ScoringOptions options() {
        return options;
    }

    public ScoringMetrics metrics() {
        return metrics;
    }

    public ModelSource models() {
        return models;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The bound metrics port, -1 when the endpoint is off. */
    public int metricsPort() {
        return metricsPort;
    }

    /** Stops consuming, commits, closes the model source (after the last batch) and the endpoint. */
    @Override
    public void close() {
        streams.close(Duration.ofSeconds(60));
        models.close();
        metrics.close();
    }
}
