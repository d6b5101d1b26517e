package io.braid.registry;

/**
 * A registry call that failed, carrying the HTTP status and the Confluent {@code error_code} (40401 subject not found,
 * 40402 version not found, 40403 schema not found, 409/40901 incompatible, 42201 invalid schema, 42203 invalid
 * compatibility level, 5xxxx server errors). Status -1 means the registry could not be reached at all.
 */
public class RegistryException extends RuntimeException {
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_LEVEL_NOT_CONFIGURED = 40408;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INCOMPATIBLE_SCHEMA_NEW = 40901;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int STORE_ERROR = 50001;
    public static final int UNREACHABLE = -1;
    /** Not a Confluent answer at all (see {@link RegistryMisconfiguredException}). */
    public static final int MISCONFIGURED = -2;

    private final int status;
    private final int errorCode;

    public RegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public RegistryException(int status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** HTTP status, or -1 when no HTTP answer came back (connection refused, timeout). */
    public int status() {
        return status;
    }

    /** Confluent error code from the error body (e.g. 40403), or the HTTP status when the body had none. */
    public int errorCode() {
        return errorCode;
    }

    /** A genuine Confluent "not found" (40401 subject, 40402 version, 40403 schema), not a misconfigured URL. */
    public boolean isNotFound() {
        return status == 404 && errorCode != MISCONFIGURED;
    }

    /** The URL does not lead to a Confluent-compatible registry (a 404 without a Confluent error body). */
    public boolean isMisconfigured() {
        return errorCode == MISCONFIGURED;
    }

    public boolean isIncompatible() {
        return status == 409 || errorCode == INCOMPATIBLE_SCHEMA || errorCode == INCOMPATIBLE_SCHEMA_NEW;
    }

    /** Worth retrying or failing over: no answer, a 5xx, or a Confluent 5000x code. */
    public boolean isRetriable() {
        return status < 0 || status >= 500 || (errorCode >= 50000 && errorCode < 51000);
    }

    public static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    public static RegistryException versionNotFound(String subject, Object version) {
        return new RegistryException(
                404, VERSION_NOT_FOUND, "Version " + version + " not found for subject '" + subject + "'.");
    }

    public static RegistryException schemaNotFound(String what) {
        return new RegistryException(404, SCHEMA_NOT_FOUND, what);
    }

    public static RegistryException invalidSchema(String message) {
        return new RegistryException(422, INVALID_SCHEMA, message);
    }
}
