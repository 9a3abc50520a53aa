package parley.node.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** HTTP and WebSocket handshakes over raw TCP, from a chosen local address: what an attacker's script does. */
public final class RawHttp {
  private RawHttp() {}

  /** A WebSocket handshake on its own TCP connection, from {@code from}; the socket stays open. */
  public record Handshake(Socket socket, int status, String body) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  public static Handshake handshake(int port, String from, String token) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    String key = Base64.getEncoder().encodeToString(new byte[16]);
    s.getOutputStream().write(("GET /api/v1/ws HTTP/1.1\r\nHost: parley\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
    return read(s);
  }

  /** A plain request on a connection from {@code from}, which stays open afterwards (keep-alive). */
  public static Handshake request(Socket s, String path) throws IOException {
    s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: parley\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return read(s);
  }

  public static Socket connect(int port, String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    return s;
  }

  /**
   * The status line and, for a response with a body, the body; status 0 if nothing came within 30 s (dilated by the
   * suite's time factor): a caller that expects an answer fails on the 0, one that waits for one tries again.
   */
  public static Handshake read(Socket s) throws IOException {
    return read(s, Eventually.dilated(Duration.ofSeconds(30)));
  }

  /** As {@link #read(Socket)}, waiting {@code within} for the answer to begin (status 0 if it does not). */
  public static Handshake read(Socket s, Duration within) throws IOException {
    s.setSoTimeout((int) within.toMillis());
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
      }
    } catch (SocketTimeoutException silent) {
      return new Handshake(s, 0, "");
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    if (text.isEmpty()) {
      return new Handshake(s, 0, "");
    }
    int status = Integer.parseInt(text.split(" ")[1]);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Handshake(s, status, new String(body, StandardCharsets.UTF_8));
  }

}
