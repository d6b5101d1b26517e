package io.braid.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.serde.SerdeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigException;

/**
 * Confluent schema-registry REST client (notes/registry.md §4.1) on {@code java.net.http} and Jackson. Works against
 * Confluent SR, Apicurio {@code /apis/ccompat/v7}, Karapace, Redpanda and {@link EmbeddedRegistryServer}.
 *
 * <p>Caches id→schema and (subject, schema)→id forever (ids are immutable) and a subject's latest version for {@code
 * latest.cache.ttl.sec}. A comma-separated URL list fails over; only IO errors and 5xx are retried, with doubling
 * back-off. Basic auth via {@code basic.auth.credentials.source=USER_INFO} + {@code basic.auth.user.info} (or {@code
 * URL}), bearer via {@code bearer.auth.credentials.source=STATIC_TOKEN} + {@code bearer.auth.token}.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record SubjectSchema(String subject, String schema) {}

    private record Cached(RegisteredSchema value, long expiresAtNanos) {}

    private final List<String> baseUrls;
    private final HttpClient http;
    private final String authorization;
    private final int maxRetries;
    private final long retryWaitMs;
    private final Duration requestTimeout;
    private final long latestTtlNanos;
    private final AtomicInteger preferred = new AtomicInteger();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<String, Cached> latestBySubject = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    public RestSchemaRegistryClient(String urls) {
        this(urls, Map.of());
    }

    /** Reads {@code schema.registry.url} and the auth/retry/cache keys of {@link SerdeConfig} from the map. */
    public RestSchemaRegistryClient(Map<String, ?> config) {
        this(stringOf(config, SerdeConfig.SCHEMA_REGISTRY_URL, null), config);
    }

    public RestSchemaRegistryClient(String urls, Map<String, ?> config) {
        if (urls == null || urls.isBlank()) {
            throw new ConfigException(SerdeConfig.SCHEMA_REGISTRY_URL + " is required (e.g. http://localhost:8081)");
        }
        String source = stringOf(config, SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, SerdeConfig.USER_INFO);
        String userInfo = stringOf(config, SerdeConfig.BASIC_AUTH_USER_INFO, null);
        if (userInfo == null) userInfo = stringOf(config, SerdeConfig.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, null);
        List<String> bases = new ArrayList<>();
        String urlUserInfo = null;
        for (String raw : urls.split(",")) {
            String u = raw.trim();
            if (u.isEmpty()) continue;
            URI uri = URI.create(u);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new ConfigException(SerdeConfig.SCHEMA_REGISTRY_URL, u, "must be an http(s) URL");
            }
            if (uri.getRawUserInfo() != null) {
                urlUserInfo = URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
                u = u.replace(uri.getRawUserInfo() + "@", "");
            }
            bases.add(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        }
        if (bases.isEmpty()) throw new ConfigException(SerdeConfig.SCHEMA_REGISTRY_URL, urls, "no URL given");
        this.baseUrls = List.copyOf(bases);
        String auth = null;
        if (SerdeConfig.USER_INFO.equalsIgnoreCase(source)) {
            if (userInfo != null && !userInfo.isEmpty()) auth = basic(userInfo);
        } else if (SerdeConfig.URL.equalsIgnoreCase(source)) {
            if (urlUserInfo != null) auth = basic(urlUserInfo);
        } else {
            throw new ConfigException(
                    SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, source, "supported sources are USER_INFO and URL");
        }
        String bearerSource = stringOf(config, SerdeConfig.BEARER_AUTH_CREDENTIALS_SOURCE, null);
        if (bearerSource != null) {
            if (!"STATIC_TOKEN".equalsIgnoreCase(bearerSource)) {
                throw new ConfigException(
                        SerdeConfig.BEARER_AUTH_CREDENTIALS_SOURCE, bearerSource, "supported source is STATIC_TOKEN");
            }
            String token = stringOf(config, SerdeConfig.BEARER_AUTH_TOKEN, null);
            if (token == null) throw new ConfigException(SerdeConfig.BEARER_AUTH_TOKEN + " is required");
            auth = "Bearer " + token;
        }
        this.authorization = auth;
        this.maxRetries = Math.max(1, Integer.parseInt(stringOf(config, SerdeConfig.MAX_RETRIES, "3")));
        this.retryWaitMs = Long.parseLong(stringOf(config, SerdeConfig.RETRIES_WAIT_MS, "100"));
        this.requestTimeout =
                Duration.ofMillis(Long.parseLong(stringOf(config, SerdeConfig.REQUEST_TIMEOUT_MS, "10000")));
        this.latestTtlNanos = Duration.ofSeconds(
                        Long.parseLong(stringOf(config, SerdeConfig.LATEST_CACHE_TTL_SEC, "30")))
                .toNanos();
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    static String stringOf(Map<String, ?> config, String key, String dflt) {
        Object v = config == null ? null : config.get(key);
        if (v == null) return dflt;
        if (v instanceof Class<?> c) return c.getName();
        return v.toString();
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** HTTP requests sent so far (cache checks in tests). */
    public int requestCount() {
        return requests.get();
    }

    private JsonNode call(String method, String path, JsonNode body) {
        RegistryException last = null;
        int n = baseUrls.size();
        for (int attempt = 0; attempt < maxRetries; attempt++) {
            if (attempt > 0) sleep(Math.min(5000, retryWaitMs << Math.min(attempt - 1, 10)));
            int start = preferred.get();
            for (int k = 0; k < n; k++) {
                int idx = (start + k) % n;
                String url = baseUrls.get(idx) + path;
                try {
                    HttpResponse<String> resp = send(method, url, body);
                    int status = resp.statusCode();
                    if (status >= 200 && status < 300) {
                        preferred.set(idx);
                        String text = resp.body();
                        return text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
                    }
                    RegistryException e = error(status, resp.body(), method, baseUrls.get(idx), url);
                    if (!e.isRetriable()) throw e;
                    last = e;
                } catch (IOException e) {
                    last = new RegistryException(
                            RegistryException.UNREACHABLE,
                            RegistryException.UNREACHABLE,
                            "schema registry " + baseUrls.get(idx) + " unreachable: " + e,
                            e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryException(
                            RegistryException.UNREACHABLE, RegistryException.UNREACHABLE, "interrupted", e);
                }
            }
        }
        throw last;
    }

    private HttpResponse<String> send(String method, String url, JsonNode body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) b.header("Authorization", authorization);
        if (body != null) {
            b.header("Content-Type", CONTENT_TYPE);
            b.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        requests.incrementAndGet();
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static RegistryException error(int status, String body, String method, String baseUrl, String url) {
        Integer code = null;
        String message = body;
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.isObject() && n.path("error_code").isInt()) {
                code = n.get("error_code").asInt();
                if (n.has("message")) message = n.get("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not a Confluent error body: keep the raw text
        }
        // A registry answers a missing subject/version/schema with a 404xx code; a bare 404 (or Confluent's own
        // {"error_code":404} for an unknown path) means the URL or its path prefix is wrong.
        if (status == 404 && (code == null || code < 40400 || code > 40499)) {
            return new RegistryMisconfiguredException(status, baseUrl, method, url, body);
        }
        int c = code == null ? status : code;
        return new RegistryException(
                status, c, method + " " + url + " answered " + status + " (error code " + c + "): " + message);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.UNREACHABLE, RegistryException.UNREACHABLE, "interrupted");
        }
    }

    private static ObjectNode schemaBody(String schema) {
        ObjectNode b = JSON.createObjectNode();
        b.put("schema", schema);
        return b;
    }

    private static RegisteredSchema registered(JsonNode n, String subject) {
        checkAvro(n);
        return new RegisteredSchema(
                n.path("subject").asText(subject),
                n.path("version").asInt(),
                n.path("id").asInt(),
                n.path("schema").asText());
    }

    private static void checkAvro(JsonNode n) {
        String type = n.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw RegistryException.invalidSchema("registry returned a " + type + " schema; only AVRO is supported");
        }
    }

    @Override
    public int register(String subject, String schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) return cached;
        JsonNode n = call("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema));
        int id = n.path("id").asInt();
        idsBySubjectSchema.put(key, id);
        latestBySubject.remove(subject);
        return id;
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, String schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        try {
            RegisteredSchema r = registered(call("POST", "/subjects/" + enc(subject), schemaBody(schema)), subject);
            idsBySubjectSchema.put(key, r.id());
            return Optional.of(r);
        } catch (RegistryException e) {
            if (e.errorCode() == RegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == RegistryException.SCHEMA_NOT_FOUND) return Optional.empty();
            throw e;
        }
    }

    @Override
    public String schemaById(int id) {
        String cached = schemasById.get(id);
        if (cached != null) return cached;
        JsonNode n = call("GET", "/schemas/ids/" + id, null);
        checkAvro(n);
        String schema = n.path("schema").asText();
        schemasById.put(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        Cached c = latestBySubject.get(subject);
        long now = System.nanoTime();
        if (c != null && now - c.expiresAtNanos() < 0) return c.value();
        RegisteredSchema r = registered(call("GET", "/subjects/" + enc(subject) + "/versions/latest", null), subject);
        latestBySubject.put(subject, new Cached(r, now + latestTtlNanos));
        schemasById.putIfAbsent(r.id(), r.schema());
        return r;
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        RegisteredSchema r =
                registered(call("GET", "/subjects/" + enc(subject) + "/versions/" + version, null), subject);
        schemasById.putIfAbsent(r.id(), r.schema());
        return r;
    }

    @Override
    public List<String> compatibilityMessages(String subject, String schema) {
        JsonNode n = call(
                "POST",
                "/compatibility/subjects/" + enc(subject) + "/versions/latest?verbose=true",
                schemaBody(schema));
        if (n.path("is_compatible").asBoolean(false)) return List.of();
        List<String> out = new ArrayList<>();
        n.path("messages").forEach(m -> out.add(m.asText()));
        if (out.isEmpty()) out.add("incompatible with the latest version of " + subject);
        return out;
    }

    @Override
    public CompatibilityLevel getCompatibility(String subjectOrNull) {
        JsonNode n = subjectOrNull == null
                ? call("GET", "/config", null)
                : call("GET", "/config/" + enc(subjectOrNull) + "?defaultToGlobal=true", null);
        String level = n.has("compatibilityLevel")
                ? n.get("compatibilityLevel").asText()
                : n.path("compatibility").asText(null);
        return CompatibilityLevel.parse(level);
    }

    @Override
    public void setCompatibility(String subjectOrNull, CompatibilityLevel level) {
        ObjectNode b = JSON.createObjectNode();
        b.put("compatibility", level.name());
        call("PUT", subjectOrNull == null ? "/config" : "/config/" + enc(subjectOrNull), b);
    }

    @Override
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        call("GET", "/subjects", null).forEach(s -> out.add(s.asText()));
        return out;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> out = new ArrayList<>();
        call("GET", "/subjects/" + enc(subject) + "/versions", null).forEach(v -> out.add(v.asInt()));
        return out;
    }

    @Override
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        List<Integer> out = new ArrayList<>();
        call("DELETE", "/subjects/" + enc(subject) + (permanent ? "?permanent=true" : ""), null)
                .forEach(v -> out.add(v.asInt()));
        latestBySubject.remove(subject);
        idsBySubjectSchema.keySet().removeIf(k -> k.subject().equals(subject));
        return out;
    }

    @Override
    public String target() {
        return String.join(",", baseUrls);
    }
}
