package io.hotpath.db;

import io.vertx.pgclient.PgException;
import java.util.Optional;

/** Reads PostgreSQL's unique-violation errors (SQLSTATE 23505) into the constraint's name. */
public final class UniqueViolation {
  private UniqueViolation() {}

  /** The violated constraint's name when {@code t} is a unique violation, else empty. */
  public static Optional<String> constraint(Throwable t) {
    if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return Optional.ofNullable(pg.getConstraint())
          .or(() -> Optional.of(String.valueOf(pg.getDetail())));
    }
    return Optional.empty();
  }
}
