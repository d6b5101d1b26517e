package io.braid.registry;

/**
 * The URL answered, but not like a Confluent-compatible registry: a 404 without a Confluent error body ({@code
 * {"error_code":404xx,"message":...}}), e.g. a wrong host, port or path prefix, a proxy or an HTML page. This is a
 * configuration error, not "schema not found": a consumer must fail (and be retried once fixed) rather than
 * dead-letter every record as "unknown schema id".
 */
public final class RegistryMisconfiguredException extends RegistryException {
    private final String baseUrl;

    public RegistryMisconfiguredException(int status, String baseUrl, String method, String url, String body) {
        super(
                status,
                MISCONFIGURED,
                "schema registry " + baseUrl + " does not look like a Confluent-compatible registry: " + method + " "
                        + url + " answered " + status + " without a Confluent error body (got: " + snippet(body)
                        + "); check schema.registry.url (scheme, host, port and path prefix, e.g. /apis/ccompat/v7"
                        + " for Apicurio)");
        this.baseUrl = baseUrl;
    }

    /** The configured base URL that answered. */
    public String baseUrl() {
        return baseUrl;
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) return "an empty body";
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? "\"" + oneLine.substring(0, 200) + "...\"" : "\"" + oneLine + "\"";
    }
}
