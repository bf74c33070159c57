package io.hotpath.ops;

import io.hotpath.kernel.ErrorReports;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.SentryOptions;
import java.util.Optional;

/**
 * Error reports to Sentry through its official Java SDK, with SENTRY_DSN. The SDK queues events and
 * sends them on its own thread, so reporting from an event loop does not block it. Each event
 * carries the error with its stack trace, the release ({@code hotpath@version+commit}) and, as
 * tags, the request id, method and route template (or the job's kind and id): no request headers,
 * bodies, user, IP address or server name ({@code sendDefaultPii} off and stripped again before
 * sending). Without SENTRY_DSN the SDK is never initialised.
 */
public final class SentryReports implements ErrorReports {
  private SentryReports(String dsn, BuildInfo build) {
    Sentry.init(
        (SentryOptions o) -> {
          o.setDsn(dsn);
          o.setRelease("hotpath@" + build.version() + "+" + build.commit());
          o.setSendDefaultPii(false);
          o.setAttachServerName(false);
          o.setEnableUncaughtExceptionHandler(
              false); // the log covers those; 500s and jobs come here
          o.setEnableExternalConfiguration(false);
          o.setShutdownTimeoutMillis(2000);
          o.setFlushTimeoutMillis(2000);
          o.setBeforeSend(
              (event, hint) -> {
                event.setRequest(null);
                event.setUser(null);
                event.setServerName(null);
                return event;
              });
        });
  }

  /** Sentry with {@code dsn}, or {@link ErrorReports#NONE} without one. */
  public static ErrorReports create(Optional<String> dsn, BuildInfo build) {
    return dsn.<ErrorReports>map(d -> new SentryReports(d, build)).orElse(ErrorReports.NONE);
  }

  @Override
  public void requestFailed(Throwable error, String requestId, String method, String route) {
    var event = new SentryEvent(error);
    event.setLevel(SentryLevel.ERROR);
    event.setTransaction(method + " " + route);
    event.setTag("request_id", requestId);
    event.setTag("method", method);
    event.setTag("route", route);
    Sentry.captureEvent(event);
  }

  @Override
  public void jobDead(Throwable error, String kind, long jobId, String requestId) {
    var event = new SentryEvent(error);
    event.setLevel(SentryLevel.ERROR);
    event.setTransaction("job " + kind);
    event.setTag("job_kind", kind);
    event.setTag("job_id", Long.toString(jobId));
    if (requestId != null) {
      event.setTag("request_id", requestId);
    }
    Sentry.captureEvent(event);
  }

  @Override
  public void close() {
    Sentry.close();
  }
}
