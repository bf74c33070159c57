package io.hotpath.error;

import java.util.List;
import java.util.Map;

/**
 * The failures a request can end with, each mapped to one HTTP status and the RealWorld error body
 * {@code {"errors": {field: [message]}}} in exactly one place (the HTTP failure handler).
 *
 * <p>Domain code throws or fails futures with these; it never builds HTTP responses itself.
 */
public abstract sealed class ApiException extends RuntimeException {
  private final Map<String, List<String>> errors;

  ApiException(Map<String, List<String>> errors, String detail) {
    this(errors, detail, null);
  }

  ApiException(Map<String, List<String>> errors, String detail, Throwable cause) {
    super(detail, cause, false, false); // expected outcomes: no stack trace to fill
    this.errors = Map.copyOf(errors);
  }

  /** The body's {@code errors} object: field or thing name to messages. */
  public Map<String, List<String>> errors() {
    return errors;
  }

  /** The HTTP status this failure maps to. */
  public abstract int status();

  /** 422: the request is well-formed HTTP but a field is missing or invalid. */
  public static final class Invalid extends ApiException {
    public Invalid(String field, String message) {
      super(Map.of(field, List.of(message)), field + " " + message);
    }

    @Override
    public int status() {
      return 422;
    }
  }

  /** 401: no token, a bad token, or bad credentials. */
  public static final class Unauthorized extends ApiException {
    public Unauthorized(String key, String message) {
      super(Map.of(key, List.of(message)), key + " " + message);
    }

    public static Unauthorized missingToken() {
      return new Unauthorized("token", "is missing");
    }

    public static Unauthorized invalidToken() {
      return new Unauthorized("token", "is invalid");
    }

    @Override
    public int status() {
      return 401;
    }
  }

  /** 403: the caller may not act on this resource (e.g. another author's article). */
  public static final class Forbidden extends ApiException {
    public Forbidden(String thing) {
      super(Map.of(thing, List.of("forbidden")), thing + " forbidden");
    }

    @Override
    public int status() {
      return 403;
    }
  }

  /** 404: the named thing does not exist. */
  public static final class NotFound extends ApiException {
    public NotFound(String thing, Object id) {
      super(Map.of(thing, List.of("not found")), thing + " '" + id + "' not found");
    }

    @Override
    public int status() {
      return 404;
    }
  }

  /** 409: a unique value (username, email) is taken. */
  public static final class Conflict extends ApiException {
    public Conflict(String field) {
      super(Map.of(field, List.of("has already been taken")), field + " has already been taken");
    }

    @Override
    public int status() {
      return 409;
    }
  }

  /** 413: the request body is larger than the configured limit. */
  public static final class TooLarge extends ApiException {
    public TooLarge(long limit) {
      super(Map.of("body", List.of("is too large (limit " + limit + " bytes)")), "body too large");
    }

    @Override
    public int status() {
      return 413;
    }
  }

  /** 429: the client exceeded a rate limit; {@code retryAfterSeconds} says when to try again. */
  public static final class TooManyRequests extends ApiException {
    private final long retryAfterSeconds;

    public TooManyRequests(String limit, long retryAfterSeconds) {
      super(
          Map.of("rate", List.of(limit + " limit exceeded, retry in " + retryAfterSeconds + " s")),
          limit + " rate limit");
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }

    @Override
    public int status() {
      return 429;
    }
  }

  /** 503: a dependency (the database) is unavailable or saturated; the client may retry. */
  public static final class Unavailable extends ApiException {
    private final String detail;

    /** {@code what} is unavailable; {@code cause} (nullable) says why. */
    public Unavailable(String what, Throwable cause) {
      this(what, null, cause);
    }

    /**
     * {@code what} is unavailable; {@code detail} (nullable) is its state at the time, e.g.
     * "acquire timeout after 5003 ms (pool 8/8 in use, 2048 waiting)", shown to the client and
     * logged.
     */
    public Unavailable(String what, String detail, Throwable cause) {
      super(
          Map.of(
              "server",
              List.of(
                  what
                      + " is unavailable"
                      + (detail == null ? "" : " (" + detail + ")")
                      + ", retry later")),
          what + " unavailable" + (detail == null ? "" : ": " + detail),
          cause);
      this.detail = detail;
    }

    /** The dependency's state when it failed, or null. */
    public String detail() {
      return detail;
    }

    @Override
    public int status() {
      return 503;
    }
  }

  /** 400: the request itself is malformed HTTP (bad encoding, contradictory framing). */
  public static final class BadRequest extends ApiException {
    public BadRequest(String thing, String message) {
      super(Map.of(thing, List.of(message)), thing + " " + message);
    }

    @Override
    public int status() {
      return 400;
    }
  }
}
