package io.hotpath.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver (registered in META-INF/services): names a test scripted answer from
 * its script, one answer per lookup, the last answer repeating; every other name goes to the
 * built-in resolver. With {@code -Dsun.net.inetaddr.ttl=0} (the surefire argLine) the JDK caches
 * nothing, so a scripted name can resolve to a public address at subscription and to loopback at
 * delivery: DNS rebinding, with no DNS server.
 */
public final class ScriptedResolver extends InetAddressResolverProvider {
  private static final Map<String, Deque<List<InetAddress>>> SCRIPTS = new ConcurrentHashMap<>();

  /** From now on {@code name} resolves to each of {@code answers} in turn, then the last again. */
  @SafeVarargs
  static void script(String name, List<InetAddress>... answers) {
    SCRIPTS.put(name, new ArrayDeque<>(List.of(answers)));
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal is parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  @Override
  public InetAddressResolver get(Configuration configuration) {
    var builtin = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy)
          throws UnknownHostException {
        var script = SCRIPTS.get(host);
        if (script == null) {
          return builtin.lookupByName(host, policy);
        }
        synchronized (script) {
          var answer = script.size() > 1 ? script.pollFirst() : script.peekFirst();
          return answer.stream()
              .map(
                  a -> {
                    try {
                      return InetAddress.getByAddress(host, a.getAddress());
                    } catch (UnknownHostException e) {
                      throw new IllegalStateException(e);
                    }
                  });
        }
      }

      @Override
      public String lookupByAddress(byte[] addr) throws UnknownHostException {
        return builtin.lookupByAddress(addr);
      }
    };
  }

  @Override
  public String name() {
    return "hotpath-test-scripted";
  }
}
