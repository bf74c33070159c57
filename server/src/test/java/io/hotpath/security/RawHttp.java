package io.hotpath.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/1.1 spoken by hand over a socket, for what no well-behaved client sends: made-up methods,
 * missing or contradictory headers, bad percent-encodings, abandoned downloads. Responses are read
 * as they come; a response is its status line, headers and (Content-Length or chunked) body.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp(int port) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A parsed response: status, lower-cased header lines and body. */
  record Response(int status, List<String> headers, String body) {
    String header(String name) {
      String prefix = name.toLowerCase() + ":";
      for (String h : headers) {
        if (h.toLowerCase().startsWith(prefix)) {
          return h.substring(prefix.length()).trim();
        }
      }
      return null;
    }
  }

  /** Sends raw bytes (the request as the caller wrote it). */
  RawHttp send(String raw) {
    try {
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads what has arrived, at most {@code n} bytes (at least one, unless the server closed). */
  byte[] readSome(int n) {
    try {
      byte[] buf = new byte[n];
      int got = in.read(buf);
      return got <= 0 ? new byte[0] : java.util.Arrays.copyOf(buf, got);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one whole response. */
  Response read() {
    try {
      String status = line();
      if (status == null) {
        throw new IOException("connection closed before a response");
      }
      var headers = new ArrayList<String>();
      String h;
      long length = -1;
      boolean chunked = false;
      while ((h = line()) != null && !h.isEmpty()) {
        headers.add(h);
        String lower = h.toLowerCase();
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      var body = new ByteArrayOutputStream();
      if (chunked) {
        String size;
        while ((size = line()) != null) {
          int n = Integer.parseInt(size.trim().split(";")[0], 16);
          if (n == 0) {
            line();
            break;
          }
          body.write(in.readNBytes(n));
          line();
        }
      } else if (length > 0) {
        body.write(in.readNBytes((int) length));
      }
      return new Response(
          Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether the server closed the connection: true when a read sees end of stream within {@code
   * millis}, false when it is still open (the read timed out).
   */
  boolean closedWithin(int millis) {
    try {
      socket.setSoTimeout(millis);
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset: closed too
    }
  }

  private String line() throws IOException {
    var sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  /** Closes the socket at once (RST when unread data is pending: an abandoned download). */
  @Override
  public void close() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** One request with a Host header and nothing else unusual. */
  static String get(String path, String token) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: localhost\r\n"
        + (token == null ? "" : "Authorization: Token " + token + "\r\n")
        + "\r\n";
  }
}
