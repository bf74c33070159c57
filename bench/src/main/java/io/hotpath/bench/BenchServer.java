package io.hotpath.bench;

import io.hotpath.Hotpath;
import io.hotpath.bench.naive.NaiveProfile;
import io.hotpath.config.Config;
import io.hotpath.config.ConfigException;

/**
 * The server the proof benchmark runs: the product, started with the naive profile when its
 * switches (DB_POOL, NAIVE, NAIVE_BATCH, NAIVE_PARALLEL) ask for it. Every other setting is the
 * product's own. Not for deployment: {@code java -jar server/target/hotpath.jar} is the product.
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) {
    Config config;
    NaiveProfile.Switches switches;
    try {
      config = Config.fromEnv(System.getenv());
      switches = NaiveProfile.Switches.fromEnv(System.getenv());
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("hotpath-bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    var app = Hotpath.start(config, new NaiveProfile(switches));
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "hotpath-shutdown"));
  }
}
