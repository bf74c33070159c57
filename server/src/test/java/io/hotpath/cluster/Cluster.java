package io.hotpath.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** The fault suites' hands on the loopback cluster: its script, and where figures are written. */
final class Cluster {
  private Cluster() {}

  /** Runs {@code scripts/cluster.sh args}; its output, or an AssertionError with it. */
  static String run(String... args) {
    var cmd = new ArrayList<String>();
    cmd.add("../scripts/cluster.sh"); // the tests run in the server module's folder
    cmd.addAll(List.of(args));
    try {
      var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      int rc = p.waitFor();
      if (rc != 0) {
        throw new AssertionError("cluster.sh " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("cluster.sh " + String.join(" ", args), e);
    }
  }

  /** Prints a figures line and appends it to target/cluster-faults.txt (CI shows that file). */
  static void report(String line) {
    System.out.println(line);
    try {
      Files.writeString(
          Path.of("target/cluster-faults.txt"),
          line + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
