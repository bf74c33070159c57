package io.hotpath;

import io.hotpath.config.Config;
import io.hotpath.config.ConfigException;
import io.hotpath.db.Shards;
import io.vertx.pgclient.PgConnectOptions;

/**
 * {@code ./hotpath shard add URL}: adds a shard to a running sharded deployment (docs/sharding.md
 * "Adding a shard"); {@code ./hotpath shard repair} mends what a directory crash left (see {@link
 * Shards#repair}). It reads DATABASE_URL (the directory) and SHARD_URLS (the shards now) as the
 * servers do, and moves partitions to the new shard while they keep serving. Afterwards, append URL
 * to every server's SHARD_URLS before its next start.
 */
public final class ShardCommand {
  private ShardCommand() {}

  public static void main(String[] args) {
    boolean add = args.length == 2 && args[0].equals("add");
    boolean repair = args.length == 1 && args[0].equals("repair");
    if (!add && !repair) {
      System.err.println(
          "usage: hotpath shard add postgresql://user@host:port/database | hotpath shard repair");
      System.exit(2);
    }
    Config config;
    try {
      config = Config.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("hotpath: " + e.getMessage());
      System.exit(2);
      return;
    }
    var db = config.db();
    if (db.url().isEmpty() || !db.sharded()) {
      System.err.println(
          "hotpath: adding a shard needs DATABASE_URL (the directory) and SHARD_URLS (the shards"
              + " it has now)");
      System.exit(2);
    }
    var moved = Shards.add(PgConnectOptions.fromUri(db.url().get()), db.shardUrls(), args[1]);
    moved.forEach(System.out::println);
    System.out.println(
        "shard added; append its URL to SHARD_URLS of every server before its next start");
  }
}
