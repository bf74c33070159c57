package io.hotpath.ops;

import io.hotpath.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import one.convert.Arguments;
import one.convert.JfrToFlame;
import one.profiler.AsyncProfiler;
import one.profiler.AsyncProfilerLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profiles of the running process on demand: CPU, allocation or wall-clock samples for a bounded
 * time, as a JFR recording and as a flame graph (HTML). Recorded by async-profiler (from its Maven
 * Central loader, which carries the native library) when it loads here, else by the JDK's own
 * Flight Recorder (CPU and allocation only: JFR has no wall-clock sampler). One profile at a time:
 * a second caller gets 429 with the time left. Loading, starting, stopping and converting touch
 * files and native code, so they run on the I/O workers, never on an event loop; the recording's
 * files are deleted once read, on every path.
 */
public final class Profiler {
  private static final Logger LOG = LoggerFactory.getLogger(Profiler.class);

  /** What is sampled. */
  public enum Event {
    CPU,
    ALLOC,
    WALL;

    static Event of(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ApiException.Invalid("event", "must be cpu, alloc or wall");
      }
    }
  }

  /** A finished profile: the recording and its flame graph, and which engine made them. */
  public record Profile(Event event, String engine, Duration length, byte[] jfr, byte[] html) {}

  /** The longest profile a caller may ask for. */
  public static final Duration MAX = Duration.ofSeconds(120);

  private final Vertx vertx;
  private final WorkerExecutor io;
  private final AtomicLong busyUntilMillis = new AtomicLong();
  private volatile AsyncProfiler asyncProfiler; // loaded on first use
  private volatile String asyncProfilerMissing;

  public Profiler(Vertx vertx, WorkerExecutor io) {
    this.vertx = vertx;
    this.io = io;
  }

  /** Records {@code event} samples for {@code length}; fails with 429 while another runs. */
  public Future<Profile> record(Event event, Duration length) {
    long now = System.currentTimeMillis();
    long until = now + length.toMillis() + 30_000; // a bound even if stopping never returns
    long busy = busyUntilMillis.get();
    if (busy > now || !busyUntilMillis.compareAndSet(busy, until)) {
      long left = Math.max(1, (busyUntilMillis.get() - now) / 1000);
      return Future.failedFuture(new ApiException.TooManyRequests("profile", left));
    }
    return io.<Session>executeBlocking(() -> start(event))
        .compose(
            session -> {
              Promise<Void> elapsed = Promise.promise();
              vertx.setTimer(length.toMillis(), t -> elapsed.complete());
              return elapsed
                  .future()
                  .compose(v -> io.executeBlocking(() -> session.finish(event, length)))
                  .onFailure(t -> session.discard());
            })
        .onComplete(ar -> busyUntilMillis.set(0));
  }

  private Session start(Event event) throws IOException {
    Path dir = Files.createTempDirectory("hotpath-profile");
    Path jfr = dir.resolve("profile.jfr");
    AsyncProfiler ap = asyncProfiler();
    try {
      if (ap != null) {
        ap.execute(
            "start,event="
                + switch (event) {
                  case CPU -> "cpu,interval=5ms";
                  case ALLOC -> "alloc";
                  case WALL -> "wall,interval=10ms";
                }
                + ",file="
                + jfr);
        return new Session(
            dir, jfr, "async-profiler " + AsyncProfilerLoader.getVersion(), ap, null);
      }
      if (event == Event.WALL) {
        throw new ApiException.Invalid(
            "event", "wall needs async-profiler, which cannot load here: " + asyncProfilerMissing);
      }
      Recording rec;
      try {
        rec = new Recording(Configuration.getConfiguration("profile"));
      } catch (java.text.ParseException e) {
        throw new IOException("the JDK's own 'profile' settings did not parse", e);
      }
      if (event == Event.CPU) {
        rec.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      }
      rec.setToDisk(true);
      rec.setDestination(jfr);
      rec.start();
      return new Session(dir, jfr, "jfr (" + asyncProfilerMissing + ")", null, rec);
    } catch (IOException | RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  private AsyncProfiler asyncProfiler() {
    if (asyncProfiler == null && asyncProfilerMissing == null) {
      synchronized (this) {
        if (asyncProfiler == null && asyncProfilerMissing == null) {
          try {
            asyncProfiler = AsyncProfilerLoader.load();
          } catch (IOException | RuntimeException | LinkageError e) {
            asyncProfilerMissing = "async-profiler did not load: " + e;
            LOG.info("profiles fall back to JFR: {}", asyncProfilerMissing);
          }
        }
      }
    }
    return asyncProfiler;
  }

  /** One running recording and the folder that holds its files. */
  private record Session(Path dir, Path jfr, String engine, AsyncProfiler ap, Recording rec) {
    Profile finish(Event event, Duration length) throws IOException {
      try {
        stop();
        var args = new Arguments();
        args.title = "Hotpath " + event.name().toLowerCase(Locale.ROOT) + " profile";
        args.cpu = event == Event.CPU;
        args.alloc = event == Event.ALLOC;
        args.wall = event == Event.WALL;
        Path html = dir.resolve("profile.html");
        JfrToFlame.convert(jfr.toString(), html.toString(), args);
        return new Profile(
            event, engine, length, Files.readAllBytes(jfr), Files.readAllBytes(html));
      } finally {
        delete(dir);
      }
    }

    void discard() {
      try {
        stop();
      } catch (IOException | RuntimeException e) {
        LOG.warn("stopping an abandoned profile failed: {}", e.toString());
      } finally {
        delete(dir);
      }
    }

    private void stop() throws IOException {
      if (ap != null) {
        ap.execute("stop");
      } else {
        rec.stop();
        rec.close();
      }
    }
  }

  private static void delete(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("deleting the profile folder " + dir, e);
    }
  }
}
