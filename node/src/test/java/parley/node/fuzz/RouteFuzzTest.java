package parley.node.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import parley.node.testkit.ApiClient;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/**
 * Requests a hostile client could write, fuzzed with Jazzer against the routes of a real node in this JVM: any
 * method on any route of docs/protocol.md (search included), path parts that are valid, odd or raw bytes, with or
 * without a valid token, any body. The node must answer every one, below 500, and every error with a JSON body naming
 * its code. One input in four is a WebSocket frame instead, on the owner's open socket: a frame of each type with
 * fuzzed fields (any character, NUL and lone surrogates escaped in the JSON) or fuzzed text; every one must be
 * answered in the protocol's terms (a following ping gets its pong) without closing the socket. {@code mvn verify}
 * replays the committed inputs; {@code .ci/run} fuzzes it for a minute on each database ({@code JAZZER_FUZZ=1}).
 * One test does both, since Jazzer fuzzes one test per run.
 */
class RouteFuzzTest {
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
  /** The routes of docs/protocol.md; {r} a room, {u} a user, {s} a seq, {f} a file, {x} any segment. */
  private static final List<String> ROUTES = List.of("/api/v1/auth/signup", "/api/v1/auth/login",
      "/api/v1/auth/logout", "/api/v1/auth/ws-ticket", "/api/v1/me", "/api/v1/me/settings", "/api/v1/me/password",
      "/api/v1/me/sessions", "/api/v1/me/sessions/{x}", "/api/v1/me/blocks", "/api/v1/me/blocks/{u}",
      "/api/v1/me/invites", "/api/v1/me/invites/{r}/accept", "/api/v1/me/invites/{r}/decline",
      "/api/v1/me/notifications", "/api/v1/users/{u}", "/api/v1/dms", "/api/v1/dms/{u}", "/api/v1/rooms",
      "/api/v1/rooms/{r}", "/api/v1/rooms/{r}/messages", "/api/v1/rooms/{r}/messages/{s}", "/api/v1/rooms/{r}/join",
      "/api/v1/rooms/{r}/leave", "/api/v1/rooms/{r}/kick", "/api/v1/rooms/{r}/ban", "/api/v1/rooms/{r}/unban",
      "/api/v1/rooms/{r}/roles", "/api/v1/rooms/{r}/invites", "/api/v1/rooms/{r}/invite-links",
      "/api/v1/rooms/{r}/invite-links/{x}", "/api/v1/invites/{x}", "/api/v1/invites/{x}/accept",
      "/api/v1/rooms/{r}/messages/{s}/report", "/api/v1/admin/users", "/api/v1/admin/users/{u}/deactivate",
      "/api/v1/admin/users/{u}/sessions/reset", "/api/v1/admin/admins/{u}", "/api/v1/admin/settings",
      "/api/v1/admin/audit", "/api/v1/admin/invites", "/api/v1/users", "/api/v1/me/directory", "/api/v1/rooms/{r}/reports", "/api/v1/rooms/{r}/reports/{x}/resolve", "/api/v1/rooms/{r}/read", "/api/v1/rooms/{r}/receipts", "/api/v1/rooms/{r}/files",
      "/api/v1/files/{f}", "/api/v1/files/{f}/ticket", "/api/v1/search", "/api/v1/{x}", "/{x}", "/alive", "/ready");
  private static final List<String> QUERIES = List.of("", "?after=", "?limit=", "?before=", "?ticket=", "?name=",
      "?around=", "?q=", "?q=hello&before=", "?order=relevance&q=", "?clientMsgId=", "?format=jsonl&before=");
  private static final List<String> FRAME_TYPES = List.of("send", "read", "delivered", "focus", "typing", "ping",
      "edit", "delete", "react", "x");

  private static TestNode node;
  private static ApiClient owner;
  private static String room;
  private static WsClient socket;
  private static long pings;
  /** How many of the socket's frames were checked already. */
  private static int checked;

  private static synchronized void ensureNode() {
    if (node == null) {
      node = TestNode.start();
    }
    // The fuzzer may log its owner out, close the account or change its password: then a new owner and room.
    if (owner == null || owner.get("/api/v1/me").status() == 401) {
      owner = node.client().newUser("fuzz");
      room = owner.createRoom("{\"name\":\"fuzz-" + System.nanoTime() + "\"}");
      owner.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"seed\",\"text\":\"hello\"}");
    }
  }

  @AfterAll
  static void stop() {
    if (socket != null) {
      socket.close();
      socket = null;
    }
    if (node != null) {
      node.close();
      node = null;
    }
  }

  @FuzzTest(maxDuration = "60s")
  void routes(FuzzedDataProvider data) throws IOException {
    // The node is this test's own, on loopback: the connections are the point, not a forgery.
    BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
    ensureNode();
    if (data.consumeInt(0, 3) == 0) {
      frame(data);
      return;
    }
    String method = data.pickValue(METHODS);
    String path = fill(data.pickValue(ROUTES), data) + data.pickValue(QUERIES)
        + (data.consumeBoolean() ? encode(data.consumeString(24)) : "");
    boolean withToken = data.consumeBoolean();
    String contentType = data.pickValue(List.of("application/json", "application/octet-stream", "text/plain", ""));
    byte[] body = data.consumeRemainingAsBytes();
    if (body.length > 4096) {
      body = Arrays.copyOf(body, 4096);
    }
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: parley\r\n");
    if (withToken) {
      head.append("Authorization: Bearer ").append(owner.token).append("\r\n");
    }
    if (!contentType.isEmpty()) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
    Answer answer = exchange(head.toString().getBytes(StandardCharsets.ISO_8859_1), body);
    String request = method + " " + path + " (" + body.length + " bytes)";
    if (answer.status == 0) {
      throw new IllegalStateException("no answer within 10 s to " + request);
    }
    if (answer.status >= 500) {
      throw new IllegalStateException(answer.status + " to " + request + ": " + answer.body);
    }
    if (answer.status >= 400 && !method.equals("HEAD")) {
      JsonNode error;
      try {
        error = Json.mapper().readTree(answer.body);
      } catch (IOException notJson) {
        throw new IllegalStateException(answer.status + " without a JSON body to " + request + ": " + answer.body);
      }
      if (error == null || !error.path("error").path("code").isTextual()) {
        throw new IllegalStateException(answer.status + " without an error code to " + request + ": " + answer.body);
      }
    }
  }

  /**
   * One frame on the owner's socket (opened again after the fuzzer logged the owner out), then a ping: the pong must
   * come, with nothing but protocol frames before it; a close is a finding unless the owner's token was ended (4001).
   */
  private static void frame(FuzzedDataProvider data) {
    if (socket == null || socket.closed.isDone()) {
      socket = WsClient.connect(node.http(), owner.token);
      socket.awaitType("hello");
      pings = 0;
      checked = 0;
    }
    String type = data.pickValue(FRAME_TYPES);
    String frame = data.consumeBoolean() ? data.consumeString(2048)
        : "{\"type\":\"" + type + "\",\"room\":" + field(data, room) + ",\"clientMsgId\":" + field(data, "c")
            + ",\"text\":" + field(data, "hi") + ",\"emoji\":" + field(data, "🎉") + ",\"seq\":"
            + data.pickValue(List.of("1", "0", "-1", "1.5", "\"2\"", "null", "99999999999999999999"))
            + ",\"target\":" + data.pickValue(List.of("1", "2", "null", "-3")) + "}";
    socket.send(escapeSurrogates(frame));
    socket.send("{\"type\":\"ping\"}");
    pings++;
    long pongs = socket.awaitCountOrClose(f -> "pong".equals(f.path("type").asText()), pings);
    if (pongs < pings) {
      WsClient.Closed closed = socket.closed.join();
      if (closed.code() != 4001) {
        throw new IllegalStateException("the socket closed (" + closed + ") after the frame " + frame);
      }
    }
    // Only the frames that came since the last input: the socket's list grows for the whole run.
    List<JsonNode> frames = socket.frames();
    for (JsonNode f : frames.subList(Math.min(checked, frames.size()), frames.size())) {
      if ("error".equals(f.path("type").asText()) && !f.path("code").isTextual()) {
        throw new IllegalStateException("an error frame without a code after " + frame + ": " + f);
      }
    }
    checked = frames.size();
  }

  /** A JSON string: the fixture's own value, or any fuzzed text with every character outside printable ASCII escaped. */
  private static String field(FuzzedDataProvider data, String own) {
    String value = data.consumeBoolean() ? own : data.consumeString(64);
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** A WebSocket text frame is UTF-8: a lone surrogate the fuzzer wrote raw is sent as the JSON escape for it. */
  private static String escapeSurrogates(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
      if (paired) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Each placeholder: the fixture's own value, a near miss, or what the fuzzer writes (percent-encoded). */
  private static String fill(String route, FuzzedDataProvider data) {
    StringBuilder out = new StringBuilder();
    for (String part : route.split("(?=\\{)|(?<=\\})")) {
      if (!part.startsWith("{")) {
        out.append(part);
        continue;
      }
      String own = switch (part) {
        case "{r}" -> room;
        case "{u}" -> owner.username;
        case "{s}" -> "2";
        default -> "x";
      };
      out.append(switch (data.consumeInt(0, 3)) {
        case 0 -> own;
        case 1 -> own.toUpperCase(Locale.ROOT) + "0";
        case 2 -> encode(data.consumeString(40));
        default -> rawSafe(data.consumeString(40));
      });
    }
    return out.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** What a request line can carry at all (no space, no line break, ASCII): the rest of the bytes as they come. */
  private static String rawSafe(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().filter(c -> c > 32 && c < 127).forEach(out::appendCodePoint);
    return out.toString();
  }

  private record Answer(int status, String body) {}

  private static Answer exchange(byte[] head, byte[] body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", node.port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(head);
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      try {
        in.transferTo(all);
      } catch (SocketTimeoutException silent) {
        if (all.size() == 0) {
          return new Answer(0, "");
        }
      } catch (IOException reset) {
        // The node may close a connection whose body it refused before reading it all; what it wrote counts.
      }
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.1 ") || end < 0) {
        return new Answer(0, text);
      }
      int status = Integer.parseInt(text.substring(9, 12));
      String headers = text.substring(0, end).toLowerCase(Locale.ROOT);
      String rest = text.substring(end + 4);
      return new Answer(status, headers.contains("transfer-encoding: chunked") ? dechunk(rest) : rest);
    }
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < chunked.length()) {
      int lineEnd = chunked.indexOf("\r\n", at);
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    return out.toString();
  }
}
