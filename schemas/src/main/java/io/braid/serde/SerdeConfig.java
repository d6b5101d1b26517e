package io.braid.serde;

/** Configuration keys of the serdes: Confluent's own names, so a Confluent serde config file works unchanged. */
public final class SerdeConfig {
    /** Comma-separated http(s) URLs (failover), or {@code mock://scope} for a shared in-process registry. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Register the record's schema when serializing (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Write with the subject's latest version instead of the record's own schema (default false). */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** With use.latest.version: require latest to be able to read the record's schema (default true). */
    public static final String LATEST_COMPATIBILITY_STRICT = "latest.compatibility.strict";
    /** {@code USER_INFO} (with basic.auth.user.info) or {@code URL} (user:pass@ in the URL). */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Alias Confluent also accepts. */
    public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    /** {@code STATIC_TOKEN} with bearer.auth.token. */
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";

    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    /** TopicNameStrategy (default), RecordNameStrategy, TopicRecordNameStrategy; simple or Confluent class names. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";

    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    /** Decode into generated classes (default false: GenericRecord, unless a class is given to the deserializer). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** Seconds a client caches a subject's latest version (default 30; ids and lookups are cached forever). */
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    /** Attempts per URL on IO errors and 5xx (default 3). */
    public static final String MAX_RETRIES = "max.retries";
    /** First back-off between retries in ms (default 100, doubling). */
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    /** Per-request timeout in ms (default 10000). */
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    /**
     * Braid: when true a null payload deserializes to null (a Kafka tombstone, Confluent's behaviour); when false (the
     * default) it is refused with reason NULL_PAYLOAD so that event topics never yield silent nulls.
     */
    public static final String NULL_AS_TOMBSTONE = "braid.null.as.tombstone";

    public static final String USER_INFO = "USER_INFO";
    public static final String URL = "URL";

    private SerdeConfig() {}
}
