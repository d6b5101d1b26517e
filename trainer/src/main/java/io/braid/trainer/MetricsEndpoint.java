package io.braid.trainer;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;

/**
 * A component's Prometheus metrics and their {@code /metrics} endpoint (text exposition). One registry per instance,
 * not the default one, so several trainers and scorers in one JVM (the demo, tests) do not collide.
 */
public abstract class MetricsEndpoint implements AutoCloseable {
    public final PrometheusRegistry registry = new PrometheusRegistry();
    private HTTPServer server;

    /** The scrape URL once {@link #serve} ran, else null. */
    public String url() {
        return server == null ? null : "http://localhost:" + server.getPort() + "/metrics";
    }

    /** Serves {@code /metrics} on {@code port} (0 = any free port); returns the bound port. */
    public int serve(int port) throws IOException {
        server = HTTPServer.builder().port(port).registry(registry).buildAndStart();
        return server.getPort();
    }

    @Override
    public void close() {
        if (server != null) server.close();
    }
}
