package io.hotpath.kernel;

/**
 * Where unexpected failures are reported besides the log (an error tracker such as Sentry): the
 * 500s a request ends with and the jobs that fail for good. Implementations must not block the
 * caller (an event loop) and must not carry personal data: only the error, the request id, the
 * method and the route template, or the job's kind and ids.
 */
public interface ErrorReports extends AutoCloseable {
  /** Nothing is reported (no tracker configured). */
  ErrorReports NONE =
      new ErrorReports() {
        @Override
        public void requestFailed(Throwable error, String requestId, String method, String route) {}

        @Override
        public void jobDead(Throwable error, String kind, long jobId, String requestId) {}

        @Override
        public void close() {}
      };

  /** A request ended with a 500 because of {@code error}. */
  void requestFailed(Throwable error, String requestId, String method, String route);

  /** A job failed its last attempt (it is dead now); {@code requestId} may be null. */
  void jobDead(Throwable error, String kind, long jobId, String requestId);

  /** Sends what is still queued (bounded) and stops. */
  @Override
  void close();
}
