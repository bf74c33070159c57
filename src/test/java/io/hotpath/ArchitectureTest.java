package io.hotpath;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

/** Package-by-feature boundaries: features don't reach into each other; SQL stays out of HTTP. */
class ArchitectureTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.hotpath");

  @Test
  void feature_packages_do_not_depend_on_each_other_in_cycles() {
    SlicesRuleDefinition.slices()
        .matching("io.hotpath.(*)..")
        .should()
        .beFreeOfCycles()
        .check(CLASSES);
  }

  @Test
  void features_use_only_the_kernel_and_social_views_of_other_features() {
    for (String feature : new String[] {"user", "article", "comment", "tag", "social"}) {
      noClasses()
          .that()
          .resideInAPackage("io.hotpath." + feature + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(otherFeatures(feature))
          .allowEmptyShould(true)
          .check(CLASSES);
    }
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

  @Test
  void only_the_composition_root_knows_the_benchmarks_naive_profile() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.hotpath.naive..")
        .and()
        .doNotHaveFullyQualifiedName("io.hotpath.Hotpath")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.hotpath.naive..")
        .check(CLASSES);
  }

  private static String[] otherFeatures(String feature) {
    return java.util.Arrays.stream(new String[] {"user", "article", "comment", "tag"})
        .filter(f -> !f.equals(feature))
        .map(f -> "io.hotpath." + f + "..")
        .toArray(String[]::new);
  }
}
