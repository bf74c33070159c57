package io.hotpath.bench.gen;

import io.hotpath.config.Config;
import io.hotpath.db.Database;
import io.hotpath.db.EmbeddedPostgresServer;
import io.hotpath.db.Migrations;
import io.hotpath.user.PasswordHasher;
import io.hotpath.user.Usernames;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;

/**
 * The data generator: fills the database (DATABASE_URL, or the embedded one in DATA_DIR) with
 * realistic RealWorld data at a chosen size, using COPY with triggers, foreign-key checks and
 * secondary indexes off during the load, then rebuilds the indexes from their own definitions.
 *
 * <p>Popularity is skewed (Zipf): a few authors write much, a few users are followed by many, a few
 * articles get most favorites and comments, a few tags label most articles. All counters the
 * triggers would keep are computed here and written directly.
 *
 * <p>Usage: {@code ./hotpath gen --articles 1000000 [--users N] [--seed S] [--reset]}. Every
 * generated user's password is {@code password}; usernames are {@code user1..userN}.
 */
public final class Generate {
  private static final String[] TABLES = {
    "users", "follows", "articles", "tags", "article_tags", "favorites", "comments"
  };

  /** How much to generate. */
  public record Plan(
      int users,
      int articles,
      int tags,
      int followsPerUser,
      int favoritesPerUser,
      int comments,
      long seed,
      boolean reset) {}

  public static void main(String[] args) throws Exception {
    Plan plan = parse(args);
    Config config = Config.fromEnv(System.getenv());
    EmbeddedPostgresServer embedded = null;
    String url = config.db().url().orElse(null);
    if (url == null) {
      embedded = EmbeddedPostgresServer.start(config.db().dataDir().resolve("postgres"), false);
      url = embedded.url();
    }
    try {
      var o = PgConnectOptions.fromUri(url);
      generate(Database.jdbcUrl(o), o.getUser(), o.getPassword(), plan);
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /** Migrates the database at {@code jdbcUrl} and fills it according to {@code plan}. */
  public static void generate(String jdbcUrl, String user, String password, Plan plan)
      throws SQLException {
    Migrations.migrate(jdbcUrl, user, password);
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
      new Generate(c, plan).run();
    }
  }

  static Plan parse(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    boolean reset = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--reset")) {
        reset = true;
      } else if (args[i].startsWith("--") && i + 1 < args.length) {
        a.put(args[i].substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException(
            "unknown argument "
                + args[i]
                + " (usage: --articles N [--users N] [--tags N] [--follows N] [--favorites N] [--comments N] [--seed S] [--reset])");
      }
    }
    int articles = Integer.parseInt(a.getOrDefault("articles", "10000"));
    int users =
        Integer.parseInt(a.getOrDefault("users", Integer.toString(Math.max(10, articles / 10))));
    int tags =
        Integer.parseInt(
            a.getOrDefault("tags", Integer.toString(Math.max(20, Math.min(500, articles / 2000)))));
    int follows = Integer.parseInt(a.getOrDefault("follows", "15"));
    int favorites =
        Integer.parseInt(
            a.getOrDefault("favorites", Integer.toString(Math.max(1, 2 * articles / users))));
    int comments = Integer.parseInt(a.getOrDefault("comments", Integer.toString(articles / 2)));
    return new Plan(
        users,
        articles,
        tags,
        follows,
        favorites,
        comments,
        Long.parseLong(a.getOrDefault("seed", "42")),
        reset);
  }

  private final Connection c;
  private final Plan plan;
  private final long started = System.nanoTime();
  private final Instant epoch = Instant.now().minus(Duration.ofDays(730));
  private final long spanMillis = Duration.ofDays(730).toMillis();

  private Generate(Connection c, Plan plan) {
    this.c = c;
    this.plan = plan;
  }

  private void run() throws SQLException {
    log(
        "plan: %,d users, %,d articles, %,d tags, ~%d follows/user, ~%d favorites/user, %,d comments, seed %d",
        plan.users(),
        plan.articles(),
        plan.tags(),
        plan.followsPerUser(),
        plan.favoritesPerUser(),
        plan.comments(),
        plan.seed());
    c.setAutoCommit(false);
    try (var st = c.createStatement()) {
      var rs = st.executeQuery("SELECT count(*) FROM users");
      rs.next();
      long existing = rs.getLong(1);
      if (existing > 0 && !plan.reset()) {
        throw new IllegalStateException(
            "the database already has "
                + existing
                + " users; rerun with --reset to replace all data");
      }
      st.execute("TRUNCATE " + String.join(", ", TABLES) + " RESTART IDENTITY CASCADE");
      st.execute("UPDATE article_counts SET n = 0");
      st.execute(
          "SET session_replication_role = replica"); // no triggers, no FK checks during the load
    }
    List<String> indexes = dropSecondaryIndexes();
    var copy = ((PGConnection) c).getCopyAPI();
    var random = new SplittableRandom(plan.seed());

    // Who wrote what, who favorited what: decided first, so every counter is known before writing.
    var authors = new Zipf(plan.users(), 1.07, random.split());
    int[] authorOf = new int[plan.articles() + 1];
    int[] articlesOf = new int[plan.users() + 1];
    for (int a = 1; a <= plan.articles(); a++) {
      authorOf[a] = authors.next(random);
      articlesOf[authorOf[a]]++;
    }
    var tagZipf = new Zipf(plan.tags(), 1.1, random.split());
    int[] tagCount = new int[plan.tags() + 1];
    for (int a = 1; a <= plan.articles(); a++) {
      for (int t : tagsOf(a, tagZipf)) {
        tagCount[t]++;
      }
    }
    var articleZipf = new Zipf(plan.articles(), 1.0, random.split());
    int[] favCount = new int[plan.articles() + 1];
    long favoriteSeed = random.nextLong();
    forEachFavorite(favoriteSeed, articleZipf, (u, a) -> favCount[a]++);

    String hash = PasswordHasher.hashNow("password", 10);
    try (var w =
        new CopyWriter(
            copy,
            "users",
            "id, username, username_key, email, password_hash, bio, image, articles_count,"
                + " created_at, updated_at")) {
      var r = random.split();
      for (int u = 1; u <= plan.users(); u++) {
        String created = ts(epoch.minus(Duration.ofDays(30)).plusMillis(r.nextLong(spanMillis)));
        w.col(u)
            .col("user" + u)
            .col(Usernames.key("user" + u))
            .col("user" + u + "@example.com")
            .col(hash)
            .col(r.nextInt(3) == 0 ? null : Text.sentence(r))
            .col(r.nextInt(4) == 0 ? null : "https://i.pravatar.cc/150?u=" + u)
            .col(articlesOf[u])
            .col(created)
            .col(created)
            .endRow();
        progress("users", w.rows(), plan.users());
      }
    }
    try (var w = new CopyWriter(copy, "follows", "follower_id, followee_id, created_at")) {
      var r = random.split();
      var followees = new Zipf(plan.users(), 1.0, random.split());
      for (int u = 1; u <= plan.users(); u++) {
        int k =
            Math.min(
                plan.users() - 1,
                (int) Math.round(-Math.log(1 - r.nextDouble()) * plan.followsPerUser()));
        var seen = new HashSet<Integer>();
        for (int i = 0; i < k * 2 && seen.size() < k; i++) {
          int f = followees.next(r);
          if (f != u && seen.add(f)) {
            w.col(u).col(f).col(ts(epoch.plusMillis(r.nextLong(spanMillis)))).endRow();
          }
        }
        progress("follows (by follower)", u, plan.users());
      }
    }
    try (var w = new CopyWriter(copy, "tags", "id, name, article_count")) {
      for (int t = 1; t <= plan.tags(); t++) {
        w.col(t).col(tagName(t)).col(tagCount[t]).endRow();
      }
    }
    long step = spanMillis / Math.max(1, plan.articles());
    try (var w =
        new CopyWriter(
            copy,
            "articles",
            "id, slug, title, description, body, author_id, favorites_count, created_at, updated_at")) {
      for (int a = 1; a <= plan.articles(); a++) {
        var r = articleRandom(a);
        String title = Text.title(r);
        Instant createdAt = createdAt(a, step);
        String created = ts(createdAt);
        String updated =
            r.nextInt(5) == 0 ? ts(createdAt.plusMillis(r.nextLong(86_400_000L))) : created;
        w.col(a)
            .col(slug(title, a))
            .col(title)
            .col(Text.sentence(r))
            .col(Text.markdown(r))
            .col(authorOf[a])
            .col(favCount[a])
            .col(created)
            .col(updated)
            .endRow();
        progress("articles", a, plan.articles());
      }
    }
    // One COPY at a time per connection: the tags are replayed from their per-article seeds.
    try (var at = new CopyWriter(copy, "article_tags", "article_id, tag_id, created_at")) {
      for (int a = 1; a <= plan.articles(); a++) {
        String created = ts(createdAt(a, step));
        for (int t : tagsOf(a, tagZipf)) {
          at.col(a).col(t).col(created).endRow();
        }
        progress("article tags (by article)", a, plan.articles());
      }
    }
    try (var w = new CopyWriter(copy, "favorites", "user_id, article_id, created_at")) {
      var r = new SplittableRandom(favoriteSeed ^ 0x5DEECE66DL);
      long total = (long) plan.users() * plan.favoritesPerUser();
      forEachFavorite(
          favoriteSeed,
          articleZipf,
          (u, a) -> {
            w.col(u).col(a).col(ts(epoch.plusMillis(r.nextLong(spanMillis)))).endRow();
            progress("favorites", w.rows(), total);
          });
    }
    try (var w =
        new CopyWriter(
            copy, "comments", "id, article_id, author_id, body, created_at, updated_at")) {
      var r = random.split();
      for (int i = 1; i <= plan.comments(); i++) {
        int a = articleZipf.next(r);
        String created =
            ts(epoch.plusMillis(a * step + step + r.nextLong(Math.max(1, spanMillis - a * step))));
        w.col(i)
            .col(a)
            .col(1 + r.nextInt(plan.users()))
            .col(Text.sentence(r))
            .col(created)
            .col(created)
            .endRow();
        progress("comments", i, plan.comments());
      }
    }
    try (var st = c.createStatement()) {
      st.execute("SET session_replication_role = origin");
      long[] slots = new long[16];
      for (long a = 1; a <= plan.articles(); a++) {
        slots[(int) (a % 16)]++;
      }
      for (int s = 0; s < 16; s++) {
        st.execute("UPDATE article_counts SET n = " + slots[s] + " WHERE slot = " + s);
      }
      for (String t : new String[] {"users", "articles", "tags", "comments"}) {
        st.execute(
            "SELECT setval(pg_get_serial_sequence('"
                + t
                + "', 'id'), greatest(1, (SELECT max(id) FROM "
                + t
                + ")))");
      }
    }
    c.commit();
    log("rows loaded; rebuilding %d indexes", indexes.size());
    c.setAutoCommit(true);
    try (var st = c.createStatement()) {
      st.execute("SET maintenance_work_mem = '512MB'");
      for (String def : indexes) {
        long t0 = System.nanoTime();
        st.execute(def);
        log("  %s (%.1f s)", def.replaceAll(" USING btree", ""), (System.nanoTime() - t0) / 1e9);
      }
      st.execute("VACUUM ANALYZE");
    }
    log("done in %.1f s", (System.nanoTime() - started) / 1e9);
  }

  /**
   * Drops every non-primary-key index of the data tables, returning their definitions to rebuild.
   */
  private List<String> dropSecondaryIndexes() throws SQLException {
    var defs = new ArrayList<String>();
    var names = new ArrayList<String>();
    try (var st = c.createStatement();
        var rs =
            st.executeQuery(
                """
             SELECT i.indexname, i.indexdef FROM pg_indexes i
             JOIN pg_class ic ON ic.relname = i.indexname
             JOIN pg_index x ON x.indexrelid = ic.oid
             WHERE i.schemaname = current_schema() AND NOT x.indisprimary
               AND i.tablename IN ('users','follows','articles','tags','article_tags','favorites','comments')""")) {
      while (rs.next()) {
        names.add(rs.getString(1));
        defs.add(rs.getString(2));
      }
    }
    try (var st = c.createStatement()) {
      for (String n : names) {
        st.execute("DROP INDEX " + n);
      }
    }
    return defs;
  }

  interface FavoriteSink {
    void accept(int user, int article) throws SQLException;
  }

  /** Each user's favorites (distinct articles, Zipf-popular), replayable from the same seed. */
  private void forEachFavorite(long seed, Zipf articles, FavoriteSink sink) throws SQLException {
    var r = new SplittableRandom(seed);
    var seen = new HashSet<Integer>();
    for (int u = 1; u <= plan.users(); u++) {
      int k = (int) Math.round(-Math.log(1 - r.nextDouble()) * plan.favoritesPerUser());
      seen.clear();
      for (int i = 0; i < k * 2 && seen.size() < k; i++) {
        int a = articles.next(r);
        if (seen.add(a)) {
          sink.accept(u, a);
        }
      }
    }
  }

  /** Article a's creation time: ids follow time, with jitter inside each article's slot. */
  private Instant createdAt(int a, long step) {
    var r = new SplittableRandom(plan.seed() * 17 + a);
    return epoch.plusMillis(a * step + (step > 1 ? r.nextLong(step) : 0));
  }

  private SplittableRandom articleRandom(int a) {
    return new SplittableRandom(plan.seed() * 31 + a * 0x9E3779B97F4A7C15L);
  }

  /** The article's tags (0 to 5 distinct), the same on every call. */
  private int[] tagsOf(int a, Zipf tags) {
    var r = new SplittableRandom(plan.seed() ^ (a * 0xC2B2AE3D27D4EB4FL));
    int n = r.nextInt(6);
    var set = new java.util.TreeSet<Integer>();
    for (int i = 0; i < n * 2 && set.size() < n; i++) {
      set.add(tags.next(r));
    }
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  private static String tagName(int t) {
    String[] base = {
      "java",
      "vertx",
      "postgres",
      "performance",
      "caching",
      "redis",
      "async",
      "scaling",
      "devops",
      "testing",
      "design",
      "security",
      "observability",
      "kotlin",
      "rust",
      "go",
      "python",
      "react",
      "angular",
      "dragons"
    };
    return t <= base.length ? base[t - 1] : base[(t - 1) % base.length] + "-" + t;
  }

  private static String slug(String title, int id) {
    return title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "")
        + "-"
        + Integer.toString(id, 36);
  }

  private static String ts(Instant i) {
    return OffsetDateTime.ofInstant(i, ZoneOffset.UTC).toString();
  }

  private long lastProgress;

  private void progress(String what, long done, long total) {
    long now = System.nanoTime();
    if (done == total || now - lastProgress > 2_000_000_000L) {
      lastProgress = now;
      log("%-22s %,12d / %,d (%3d%%)", what, done, total, total == 0 ? 100 : done * 100 / total);
    }
  }

  private void log(String format, Object... args) {
    System.out.printf(
        "[%7.1fs] %s%n", (System.nanoTime() - started) / 1e9, String.format(format, args));
  }
}
