package io.braid.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent REST subset of notes/registry.md §4.1 on the JDK {@link HttpServer}, over an {@link
 * InMemorySchemaRegistry} (or its Kafka-persisted variant): register, lookup, schema by id, subjects, versions incl.
 * latest, compatibility tests, global and subject config, schema types and subject delete, with Confluent JSON error
 * bodies. Ids are local to the store behind it: point every process at one server.
 */
public final class EmbeddedRegistryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = RestSchemaRegistryClient.CONTENT_TYPE;

    private final InMemorySchemaRegistry store;
    private final String host;
    private final int requestedPort;
    private String expectedAuthorization;
    private HttpServer server;
    private ExecutorService executor;
    private final AtomicInteger requests = new AtomicInteger();

    /** In-memory store on 127.0.0.1; port 0 picks a free one. */
    public EmbeddedRegistryServer(int port) {
        this(new InMemorySchemaRegistry("embedded"), port);
    }

    public EmbeddedRegistryServer(InMemorySchemaRegistry store, int port) {
        this(store, "127.0.0.1", port);
    }

    public EmbeddedRegistryServer(InMemorySchemaRegistry store, String host, int port) {
        this.store = store;
        this.host = host;
        this.requestedPort = port;
    }

    /** Requires HTTP basic auth with this {@code user:password} (call before {@link #start()}). */
    public EmbeddedRegistryServer withBasicAuth(String userInfo) {
        this.expectedAuthorization =
                "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public synchronized EmbeddedRegistryServer start() {
        if (server != null) return this;
        try {
            server = HttpServer.create(new InetSocketAddress(host, requestedPort), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind the registry to " + host + ":" + requestedPort, e);
        }
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "braid-registry-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("embedded schema registry on {} ({})", url(), store.target());
        return this;
    }

    public synchronized void stop() {
        if (server == null) return;
        server.stop(0);
        executor.shutdownNow();
        server = null;
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized int port() {
        if (server == null) throw new IllegalStateException("registry server not started");
        return server.getAddress().getPort();
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        String h = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        return "http://" + h + ":" + port();
    }

    public InMemorySchemaRegistry store() {
        return store;
    }

    /** Requests served so far (cache tests). */
    public int requestCount() {
        return requests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try {
            if (expectedAuthorization != null
                    && !expectedAuthorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"braid-registry\"");
                error(ex, 401, 401, "Unauthorized");
                return;
            }
            Object body = route(ex);
            respond(ex, 200, body);
        } catch (RegistryException e) {
            error(ex, e.status() > 0 ? e.status() : 500, e.errorCode(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("registry request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            error(ex, 500, 50001, "Error in the backend data store: " + e.getMessage());
        } finally {
            ex.close();
        }
    }

    private static void error(HttpExchange ex, int status, int code, String message) throws IOException {
        ObjectNode b = JSON.createObjectNode();
        b.put("error_code", code);
        b.put("message", message);
        respond(ex, status, b);
    }

    private static void respond(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) return q;
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static List<String> segments(HttpExchange ex) {
        List<String> out = new ArrayList<>();
        for (String s : ex.getRequestURI().getRawPath().split("/")) {
            if (!s.isEmpty()) out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readAllBytes();
            if (b.length == 0) return JSON.createObjectNode();
            try {
                return JSON.readTree(b);
            } catch (IOException e) {
                throw new RegistryException(400, 400, "Unrecognized request body: " + e.getMessage());
            }
        }
    }

    /** The schema string of a register/lookup/compatibility body; only Avro without references is served. */
    private static String schemaOf(JsonNode body) {
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw RegistryException.invalidSchema("Invalid schema: schema type " + type + " is not supported");
        }
        if (body.path("references").size() > 0) {
            throw RegistryException.invalidSchema("Invalid schema: schema references are not supported");
        }
        JsonNode s = body.get("schema");
        if (s == null || !s.isTextual()) throw RegistryException.invalidSchema("Invalid schema: 'schema' missing");
        return s.asText();
    }

    private static int versionOf(String subject, String v) {
        if (v.equals("latest")) return -1;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new RegistryException(
                    422,
                    RegistryException.INVALID_VERSION,
                    "The specified version '" + v + "' is not a valid version id. Allowed values are between [1, "
                            + "2^31-1] and the string \"latest\"");
        }
    }

    private static ObjectNode versionJson(RegisteredSchema r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("subject", r.subject());
        n.put("version", r.version());
        n.put("id", r.id());
        n.put("schema", r.schema());
        return n;
    }

    private static RegistryException notFound() {
        return new RegistryException(404, 404, "HTTP 404 Not Found");
    }

    private static RegistryException methodNotAllowed() {
        return new RegistryException(405, 405, "HTTP 405 Method Not Allowed");
    }

    private Object route(HttpExchange ex) throws IOException {
        String m = ex.getRequestMethod();
        List<String> p = segments(ex);
        Map<String, String> q = query(ex);
        if (p.isEmpty()) return JSON.createObjectNode();
        switch (p.get(0)) {
            case "schemas" -> {
                if (p.size() == 2 && p.get(1).equals("types") && m.equals("GET")) return List.of("AVRO");
                if (p.size() >= 3 && p.get(1).equals("ids") && m.equals("GET")) {
                    int id;
                    try {
                        id = Integer.parseInt(p.get(2));
                    } catch (NumberFormatException e) {
                        throw notFound();
                    }
                    String schema = store.schemaById(id);
                    if (p.size() == 4 && p.get(3).equals("schema")) return JSON.readTree(schema);
                    if (p.size() != 3) throw notFound();
                    ObjectNode n = JSON.createObjectNode();
                    n.put("schema", schema);
                    return n;
                }
                throw notFound();
            }
            case "subjects" -> {
                return subjects(ex, m, p, q);
            }
            case "compatibility" -> {
                if (!m.equals("POST")) throw methodNotAllowed();
                if (p.size() < 3 || !p.get(1).equals("subjects")) throw notFound();
                String subject = p.get(2);
                Integer version = null;
                if (p.size() == 5 && p.get(3).equals("versions")) version = versionOf(subject, p.get(4));
                else if (!(p.size() == 4 && p.get(3).equals("versions"))) throw notFound();
                List<String> messages = store.compatibilityMessages(subject, schemaOf(body(ex)), version);
                ObjectNode n = JSON.createObjectNode();
                n.put("is_compatible", messages.isEmpty());
                if (Boolean.parseBoolean(q.getOrDefault("verbose", "false"))) {
                    ArrayNode a = n.putArray("messages");
                    messages.forEach(a::add);
                }
                return n;
            }
            case "config" -> {
                return config(ex, m, p, q);
            }
            case "mode" -> {
                if (!m.equals("GET")) throw new RegistryException(422, 42204, "Only READWRITE mode is supported");
                ObjectNode n = JSON.createObjectNode();
                n.put("mode", "READWRITE");
                return n;
            }
            default -> throw notFound();
        }
    }

    private Object subjects(HttpExchange ex, String m, List<String> p, Map<String, String> q) throws IOException {
        if (p.size() == 1) {
            if (!m.equals("GET")) throw methodNotAllowed();
            return store.subjects();
        }
        String subject = p.get(1);
        if (p.size() == 2) {
            switch (m) {
                case "POST" -> {
                    String schema = schemaOf(body(ex));
                    Optional<RegisteredSchema> r = store.lookup(subject, schema);
                    if (r.isPresent()) return versionJson(r.get());
                    if (!store.hasSubject(subject)) throw RegistryException.subjectNotFound(subject);
                    throw RegistryException.schemaNotFound("Schema not found");
                }
                case "DELETE" -> {
                    return store.deleteSubject(subject, Boolean.parseBoolean(q.getOrDefault("permanent", "false")));
                }
                default -> throw methodNotAllowed();
            }
        }
        if (!p.get(2).equals("versions")) throw notFound();
        if (p.size() == 3) {
            switch (m) {
                case "GET" -> {
                    return store.versions(subject);
                }
                case "POST" -> {
                    int id = store.register(subject, schemaOf(body(ex)));
                    ObjectNode n = JSON.createObjectNode();
                    n.put("id", id);
                    return n;
                }
                default -> throw methodNotAllowed();
            }
        }
        if (!m.equals("GET")) throw methodNotAllowed();
        RegisteredSchema r = store.version(subject, versionOf(subject, p.get(3)));
        if (p.size() == 5 && p.get(4).equals("schema")) return JSON.readTree(r.schema());
        if (p.size() != 4) throw notFound();
        return versionJson(r);
    }

    private Object config(HttpExchange ex, String m, List<String> p, Map<String, String> q) throws IOException {
        String subject = p.size() >= 2 ? p.get(1) : null;
        if (p.size() > 2) throw notFound();
        switch (m) {
            case "GET" -> {
                CompatibilityLevel level;
                if (subject == null) {
                    level = store.getCompatibility(null);
                } else {
                    Optional<CompatibilityLevel> own = store.subjectCompatibility(subject);
                    if (own.isEmpty() && !Boolean.parseBoolean(q.getOrDefault("defaultToGlobal", "false"))) {
                        throw new RegistryException(
                                404,
                                RegistryException.SUBJECT_LEVEL_NOT_CONFIGURED,
                                "Subject '" + subject + "' does not have subject-level compatibility configured");
                    }
                    level = own.orElse(store.getCompatibility(null));
                }
                ObjectNode n = JSON.createObjectNode();
                n.put("compatibilityLevel", level.name());
                return n;
            }
            case "PUT" -> {
                JsonNode b = body(ex);
                String text = b.has("compatibility")
                        ? b.get("compatibility").asText()
                        : b.path("compatibilityLevel").asText(null);
                CompatibilityLevel level = CompatibilityLevel.parse(text);
                store.setCompatibility(subject, level);
                ObjectNode n = JSON.createObjectNode();
                n.put("compatibility", level.name());
                return n;
            }
            case "DELETE" -> {
                if (subject == null) throw methodNotAllowed();
                CompatibilityLevel had = store.deleteSubjectCompatibility(subject)
                        .orElseThrow(() -> new RegistryException(
                                404,
                                RegistryException.SUBJECT_LEVEL_NOT_CONFIGURED,
                                "Subject '" + subject + "' does not have subject-level compatibility configured"));
                ObjectNode n = JSON.createObjectNode();
                n.put("compatibilityLevel", had.name());
                return n;
            }
            default -> throw methodNotAllowed();
        }
    }
}
