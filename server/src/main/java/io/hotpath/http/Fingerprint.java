package io.hotpath.http;

/**
 * A 128-bit validator built from what the server already knows about an answer before building it:
 * row versions (bumped by PostgreSQL on every update), ids, the caller's flags, counts. Two answers
 * with the same fingerprint have the same body, so the fingerprint is both the ETag and the key of
 * the cached encoded bytes ({@link Representations}).
 *
 * <p>The contract for callers: add <b>every</b> input the body depends on, and the size of every
 * variable-length part before its items, so that different inputs never line up into the same
 * sequence. {@code VERIFY_CACHED_RESPONSES=on} (the test suites) rebuilds every answer and fails on
 * a fingerprint that does not cover its body.
 *
 * <p>Two independent 64-bit lanes of SplitMix64 finalisation. Inputs are server-assigned numbers
 * (ids, versions, random stamps), not text a client chooses, so a non-keyed mix is enough: the few
 * inputs a client can move (its own articles' versions) cannot be steered into a 128-bit collision.
 */
public final class Fingerprint {
  private long a;
  private long b;

  private Fingerprint(long kind) {
    this.a = mix(0x9E3779B97F4A7C15L ^ kind);
    this.b = mix(0xC2B2AE3D27D4EB4FL + kind * 0x165667B19E3779F9L);
  }

  /** A fingerprint for an answer of this kind (distinct per resource shape). */
  public static Fingerprint of(Kind kind) {
    return new Fingerprint(kind.ordinal() + 1);
  }

  /** The shapes of answers: one per kind of body, so equal inputs of two kinds never collide. */
  public enum Kind {
    ARTICLE,
    ARTICLE_HTML,
    ARTICLE_LIST,
    PROFILE,
    TAGS,
    COMMENTS
  }

  public Fingerprint add(long v) {
    a = mix(a + v * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L);
    b = mix((b ^ v) * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL);
    return this;
  }

  public Fingerprint add(boolean v) {
    return add(v ? 0x5bd1e995L : 0x1b873593L);
  }

  long high() {
    return a;
  }

  long low() {
    return b;
  }

  /** The weak ETag: equal bodies in any content coding. */
  String etag() {
    return "W/\"" + hex(a) + hex(b) + "\"";
  }

  private static String hex(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
