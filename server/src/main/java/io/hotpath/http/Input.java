package io.hotpath.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotpath.error.ApiException;
import io.hotpath.http.TextRules.Kind;
import io.hotpath.kernel.Patch;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads request bodies of the RealWorld shape {@code {"wrapper": {...fields}}} and validates
 * fields, failing with 422 in the spec's error shape naming the field.
 */
public final class Input {
  private final JsonNode fields;

  private Input(JsonNode fields) {
    this.fields = fields;
  }

  /** Parses the body and returns the object under {@code wrapper}; 422 when absent or malformed. */
  public static Input body(RoutingContext ctx, String wrapper) {
    var buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      throw new ApiException.Invalid(wrapper, "can't be blank");
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(buffer.getBytes());
    } catch (java.io.IOException e) {
      throw new ApiException.Invalid("body", "is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new ApiException.Invalid("body", "must be a JSON object");
    }
    JsonNode inner = root.get(wrapper);
    if (inner == null || inner.isNull()) {
      throw new ApiException.Invalid(wrapper, "can't be blank");
    }
    if (!inner.isObject()) {
      throw new ApiException.Invalid(wrapper, "must be an object");
    }
    return new Input(inner);
  }

  /** A present, non-blank single-line string of at most {@code max} characters. */
  public String required(String field, int max) {
    return required(field, max, Kind.LINE);
  }

  /** A present, non-blank string of the given kind, at most {@code max} characters. */
  public String required(String field, int max, Kind kind) {
    return optional(field, max, kind)
        .filter(v -> !v.isBlank())
        .orElseThrow(() -> new ApiException.Invalid(field, "can't be blank"));
  }

  /** The field's state: absent, explicitly null, or a single-line string. */
  public Patch<String> patch(String field, int max) {
    return patch(field, max, Kind.LINE);
  }

  /** The field's state: absent, explicitly null, or a string of the given kind. */
  public Patch<String> patch(String field, int max, Kind kind) {
    JsonNode n = fields.get(field);
    if (n == null) {
      return Patch.absent();
    }
    if (n.isNull()) {
      return Patch.of(null);
    }
    return Patch.of(text(field, n, max, kind));
  }

  /** The single-line string if present and not null. */
  public Optional<String> optional(String field, int max) {
    return optional(field, max, Kind.LINE);
  }

  /** The string of the given kind if present and not null. */
  public Optional<String> optional(String field, int max, Kind kind) {
    JsonNode n = fields.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    return Optional.of(text(field, n, max, kind));
  }

  /** An array of strings: absent, or a list (explicit null is rejected). */
  public Optional<List<String>> stringList(String field, int maxItems, int maxLength) {
    JsonNode n = fields.get(field);
    if (n == null) {
      return Optional.empty();
    }
    if (!n.isArray()) {
      throw new ApiException.Invalid(field, "must be an array of strings");
    }
    if (n.size() > maxItems) {
      throw new ApiException.Invalid(field, "must have at most " + maxItems + " items");
    }
    var out = new ArrayList<String>(n.size());
    for (JsonNode item : n) {
      out.add(text(field, item, maxLength, Kind.LINE));
    }
    return Optional.of(out);
  }

  private static String text(String field, JsonNode n, int max, Kind kind) {
    if (!n.isTextual()) {
      throw new ApiException.Invalid(field, "must be a string");
    }
    String v = n.textValue();
    if (v.codePointCount(0, v.length()) > max) {
      throw new ApiException.Invalid(field, "is too long (maximum is " + max + " characters)");
    }
    return TextRules.check(field, v, kind);
  }
}
