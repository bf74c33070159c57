package io.hotpath.kernel;

/**
 * Watches calls to the outside (SQL statements, Redis commands, jobs): the narrow, domain-named
 * door through which timing, slow logs and tracing reach the code that makes the calls. The default
 * does nothing and costs nothing; the operations layer supplies the real one.
 */
public interface Observer {
  /** An observer that records nothing. */
  Observer NOOP = (kind, name) -> Call.NOOP;

  /**
   * A call of {@code kind} (db, redis, job) named {@code name} (statement text, command) begins.
   */
  Call start(String kind, String name);

  /** One observed call; {@link #end} exactly once. */
  interface Call {
    Call NOOP = failure -> {};

    /** The call finished; {@code failure} is null on success. */
    void end(Throwable failure);
  }
}
