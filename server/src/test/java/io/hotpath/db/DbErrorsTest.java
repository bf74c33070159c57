package io.hotpath.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.error.ApiException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Database failures classified by type and SQLSTATE, never by words in messages. */
class DbErrorsTest {
  static PgException pg(String state) {
    return new PgException("message mentioning timeout and closed", "ERROR", state, null);
  }

  @Test
  void outages_are_classified_by_type_and_state() {
    assertThat(DbErrors.classify(pg("57P01"))).isEqualTo(DbErrors.Kind.UNREACHABLE);
    assertThat(DbErrors.classify(pg("08006"))).isEqualTo(DbErrors.Kind.UNREACHABLE);
    assertThat(DbErrors.classify(pg("57014"))).isEqualTo(DbErrors.Kind.CANCELLED);
    assertThat(DbErrors.classify(pg("25P03"))).isEqualTo(DbErrors.Kind.CANCELLED);
    assertThat(DbErrors.classify(pg("53300"))).isEqualTo(DbErrors.Kind.OVERLOADED);
    assertThat(DbErrors.classify(new ConnectionPoolTooBusyException("full")))
        .isEqualTo(DbErrors.Kind.SATURATED);
    assertThat(DbErrors.classify(new VertxException("Timeout waiting for connection")))
        .isEqualTo(DbErrors.Kind.ACQUIRE_TIMEOUT);
    assertThat(DbErrors.classify(new ConnectException("Connection refused")))
        .isEqualTo(DbErrors.Kind.UNREACHABLE);
    assertThat(DbErrors.classify(ClosedConnectionException.INSTANCE))
        .isEqualTo(DbErrors.Kind.UNREACHABLE);
  }

  @Test
  void the_requests_own_failures_are_not_outages_whatever_their_message_says() {
    assertThat(DbErrors.classify(pg("23505"))).isEqualTo(DbErrors.Kind.NONE);
    assertThat(DbErrors.classify(pg("22021"))).isEqualTo(DbErrors.Kind.NONE);
    assertThat(DbErrors.classify(new IllegalStateException("connection closed timeout")))
        .isEqualTo(DbErrors.Kind.NONE);
  }

  @Test
  void an_outage_becomes_a_503_that_says_the_pool_state_and_the_wait() {
    var t =
        DbErrors.translate(
            new VertxException("Timeout waiting for connection"),
            new DbErrors.PoolState(8, 8, 2048),
            Duration.ofMillis(5003));
    assertThat(t).isInstanceOf(ApiException.Unavailable.class);
    var u = (ApiException.Unavailable) t;
    assertThat(u.status()).isEqualTo(503);
    assertThat(u.detail()).contains("5003 ms").contains("8/8 in use").contains("2048 waiting");
    assertThat(u.getCause()).isInstanceOf(VertxException.class);
    var own = pg("23505");
    assertThat(DbErrors.translate(own, new DbErrors.PoolState(8, 1, 0), Duration.ZERO))
        .isSameAs(own);
  }
}
