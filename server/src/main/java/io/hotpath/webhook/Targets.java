package io.hotpath.webhook;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
import java.net.URI;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a webhook URL may lead (the SSRF guard), checked where it is used: the name is resolved
 * once (the JDK resolver, on the blocking-I/O pool), every address it resolves to must be allowed
 * ({@link Addresses}), and the delivery then connects to exactly the address that was checked, with
 * the URL's host kept for the Host header and TLS. A name that answers differently at the next
 * lookup (DNS rebinding) changes nothing about a delivery already resolved.
 *
 * <p>What the caller learns is one generic sentence ({@link #REFUSED}) whatever the reason (private
 * address, no such name, wrong scheme), so the API is not an oracle for what names resolve to; the
 * reason is logged.
 */
final class Targets {
  private static final Logger LOG = LoggerFactory.getLogger(Targets.class);

  /** The one thing a client is told about a refused target. */
  static final String REFUSED =
      "must be an http(s) URL whose host resolves only to public addresses";

  /** A target resolved and checked: connect to {@code address}, say {@code host} to it. */
  record Resolved(URI uri, String host, int port, boolean ssl, InetAddress address) {
    /** The request target: path and query, "/" when empty. */
    String pathAndQuery() {
      String p = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      return uri.getRawQuery() == null ? p : p + "?" + uri.getRawQuery();
    }
  }

  /** A target refused; {@link #getMessage()} is the generic sentence, the reason is logged. */
  static final class Refused extends Exception {
    Refused(String reason) {
      super(REFUSED, null, false, false);
      LOG.info("webhook target refused: {}", reason);
    }
  }

  private final WorkerExecutor io;
  private final Addresses addresses;
  private final boolean allowAny;

  Targets(WorkerExecutor io, Addresses addresses, boolean allowAny) {
    this.io = io;
    this.addresses = addresses;
    this.allowAny = allowAny;
  }

  /** Resolves and checks {@code url}; fails with {@link Refused} when it may not be reached. */
  Future<Resolved> resolve(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new Refused("not a URL: " + e.getMessage()));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      return Future.failedFuture(new Refused("scheme or host missing in " + uri));
    }
    boolean ssl = scheme.equals("https");
    String host = uri.getHost();
    int port = uri.getPort() < 0 ? (ssl ? 443 : 80) : uri.getPort();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return io.executeBlocking(
        () -> {
          InetAddress[] all;
          try {
            all = InetAddress.getAllByName(bare);
          } catch (java.net.UnknownHostException e) {
            throw new Refused(host + " does not resolve");
          }
          if (!allowAny) {
            for (InetAddress a : all) {
              if (!addresses.allowed(a)) {
                throw new Refused(host + " resolves to " + Arrays.toString(all));
              }
            }
          }
          return new Resolved(uri, host, port, ssl, all[0]);
        },
        false);
  }
}
