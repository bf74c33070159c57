package io.hotpath;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The package map as an allow-list: every package of the product is listed with the packages it may
 * use, and every feature with the classes it shows to the others (its face). A new package, a new
 * dependency or a new public class fails here until it is added on purpose. docs/architecture.md
 * draws the same map.
 */
class ArchitectureTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.hotpath", "db.migration");

  /** Package (under io.hotpath; "" is the composition root) to the packages it may depend on. */
  static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          // the shared kernel: depends on nothing of ours
          Map.entry("kernel", Set.of()),
          Map.entry("error", Set.of()),
          Map.entry("config", Set.of()),
          // infrastructure
          Map.entry("cache", Set.of("kernel")),
          Map.entry("replica", Set.of("cache", "kernel")),
          Map.entry("db", Set.of("config", "error", "kernel", "replica")),
          Map.entry("auth", Set.of("cache", "db", "error")),
          Map.entry("http", Set.of("auth", "cache", "config", "error", "kernel", "replica")),
          Map.entry("ops", Set.of("cache", "db", "error", "http", "kernel")),
          Map.entry("jobs", Set.of("db", "error", "http", "kernel")),
          // features
          Map.entry("mail", Set.of("config", "db", "jobs")),
          Map.entry("webhook", Set.of("config", "db", "error", "http", "jobs", "kernel")),
          Map.entry("notify", Set.of("db", "error", "http", "jobs", "kernel", "webhook")),
          Map.entry("social", Set.of("cache", "db", "error", "http", "kernel", "notify")),
          Map.entry("tag", Set.of("cache", "db", "http")),
          Map.entry(
              "user",
              Set.of("auth", "config", "db", "error", "http", "jobs", "kernel", "mail", "social")),
          Map.entry(
              "article",
              Set.of(
                  "cache", "config", "db", "error", "http", "kernel", "notify", "social", "tag")),
          Map.entry(
              "comment",
              Set.of("cache", "config", "db", "error", "http", "kernel", "notify", "social")),
          Map.entry("export", Set.of("config", "db", "error", "http", "jobs", "kernel")),
          Map.entry("dashboard", Set.of("db", "error", "http", "kernel")),
          // the composition root wires everything
          Map.entry("", Set.of("*")));

  /** Each feature's face: the only public classes it has. */
  static final Map<String, Set<String>> FACES =
      Map.ofEntries(
          Map.entry("user", Set.of("UserRoutes", "UserView", "PasswordHasher", "Usernames")),
          Map.entry(
              "social",
              Set.of("ProfileRoutes", "Profiles", "ProfileCore", "ProfileView", "Favorites")),
          Map.entry("article", Set.of("ArticleRoutes", "ArticleView", "ArticleList")),
          Map.entry("comment", Set.of("CommentRoutes", "CommentView")),
          Map.entry("tag", Set.of("PopularTags")),
          Map.entry("notify", Set.of("Notifications")),
          Map.entry("webhook", Set.of("Webhooks")),
          Map.entry("export", Set.of("Exports", "ExportJob")),
          Map.entry("dashboard", Set.of("DashboardRoutes")),
          Map.entry("mail", Set.of("Mailer", "WelcomeMail")),
          Map.entry("auth", Set.of("Tokens", "TokenVersions")),
          Map.entry("replica", Set.of("Replica", "ReadFence", "ReadYourWrites", "WriteMarks")));

  static String packageOf(JavaClass c) {
    String p = c.getPackageName();
    if (p.equals("io.hotpath")) {
      return "";
    }
    if (p.startsWith("io.hotpath.")) {
      return p.substring("io.hotpath.".length()).split("\\.")[0];
    }
    return p; // db.migration
  }

  @Test
  void every_package_is_on_the_allow_list() {
    var packages = new TreeSet<String>();
    CLASSES.forEach(c -> packages.add(packageOf(c)));
    packages.remove("db.migration");
    assertThat(ALLOWED.keySet()).containsExactlyInAnyOrderElementsOf(packages);
  }

  @Test
  void packages_depend_only_on_the_packages_they_are_allowed() {
    var violations = new TreeMap<String, Set<String>>();
    for (JavaClass c : CLASSES) {
      String from = packageOf(c);
      Set<String> allowed =
          from.equals("db.migration") ? Set.of("user") : ALLOWED.getOrDefault(from, Set.of());
      if (allowed.contains("*")) {
        continue;
      }
      c.getDirectDependenciesFromSelf()
          .forEach(
              d -> {
                var target = d.getTargetClass();
                if (!target.getPackageName().startsWith("io.hotpath")) {
                  return;
                }
                String to = packageOf(target);
                if (!to.equals(from) && !allowed.contains(to)) {
                  violations
                      .computeIfAbsent(c.getName(), k -> new TreeSet<>())
                      .add(target.getName());
                }
              });
    }
    assertThat(violations).as("dependencies outside the allow-list").isEmpty();
  }

  @Test
  void features_show_only_their_faces() {
    var extra = new ArrayList<String>();
    for (JavaClass c : CLASSES) {
      var face = FACES.get(packageOf(c));
      if (face != null
          && c.getModifiers().contains(JavaModifier.PUBLIC)
          && c.isTopLevelClass()
          && !face.contains(c.getSimpleName())) {
        extra.add(c.getName());
      }
    }
    assertThat(extra).as("public classes that are not their feature's face").isEmpty();
  }

  @Test
  void packages_are_free_of_cycles() {
    SlicesRuleDefinition.slices()
        .matching("io.hotpath.(*)..")
        .should()
        .beFreeOfCycles()
        .check(CLASSES);
  }

  @Test
  void the_kernel_knows_nothing_of_http_or_sql() {
    noClasses()
        .that()
        .resideInAnyPackage("io.hotpath.kernel..", "io.hotpath.error..", "io.hotpath.config..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx.ext.web..", "io.vertx.sqlclient..", "io.vertx.pgclient..")
        .check(CLASSES);
  }

  @Test
  void routes_classes_do_not_touch_the_sql_client_directly() {
    noClasses()
        .that()
        .haveSimpleNameEndingWith("Routes")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.pgclient..")
        .check(CLASSES);
  }
}
