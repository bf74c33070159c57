package io.hotpath.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What was built: the project version, the commit (with {@code -dirty} when the tree had changes)
 * and the build time, written into the jar by the build ({@code hotpath-build.properties}); {@code
 * unknown} for what a build without Git could not know.
 */
public record BuildInfo(String version, String commit, String buildTime, String java) {
  private static final String UNKNOWN = "unknown";

  /** The running build's information. */
  public static BuildInfo current() {
    var p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/hotpath-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // an unreadable file is the same as none: every field says unknown
    }
    String commit = p.getProperty("git.commit.id.abbrev", UNKNOWN);
    if ("true".equals(p.getProperty("git.dirty")) && !commit.equals(UNKNOWN)) {
      commit += "-dirty";
    }
    return new BuildInfo(
        p.getProperty("git.build.version", UNKNOWN),
        commit,
        p.getProperty("git.build.time", UNKNOWN),
        Runtime.version().toString());
  }
}
