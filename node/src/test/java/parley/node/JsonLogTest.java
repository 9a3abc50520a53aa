package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.NodeProcess;
import parley.node.testkit.RawHttp;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/**
 * PARLEY_LOG_FORMAT=json, as a log pipeline reads it: every line one JSON object naming the node, a session's lines
 * naming its user; and no token or ticket a user had, in any line, after a session of logins, tickets, sockets,
 * malformed headers and logouts.
 */
class JsonLogTest {

  @Test
  void everyLineIsOneJsonObjectThatNamesTheNodeAndTheUserAndHoldsNoSecret() throws Exception {
    Path dir = Files.createTempDirectory("parley-json-log");
    Map<String, String> env = TestDatabase.nodeEnv(dir);
    env.put("PARLEY_LOG_FORMAT", "json");
    List<String> secrets = new ArrayList<>();
    Path log = dir.resolve("node.log");
    try (NodeProcess node = NodeProcess.start(env, log)) {
      ApiClient alice = new ApiClient(node.http()).newUser("alice");
      secrets.add(alice.token.substring(0, 64));
      String room = alice.createRoom("{\"name\":\"logged\"}");
      String ticket = alice.post("/api/v1/auth/ws-ticket", null).body().get("ticket").asText();
      secrets.add(ticket.substring(0, 64));
      // A resume point past the room's end: the session logs it (an error a client cannot cause by accident).
      try (WsClient ws = WsClient.connectAfter(node.http(), alice.token, room + ":999")) {
        ws.awaitType("hello");
        ws.await(n -> "reset".equals(n.path("type").asText()) || "error".equals(n.path("type").asText()));
      }
      // A malformed Authorization header carrying the token (Pekko warns about headers it cannot parse).
      try (var s = RawHttp.connect(node.httpPort, "127.0.0.1")) {
        s.getOutputStream().write(("GET /api/v1/me HTTP/1.1\r\nHost: parley\r\nAuthorization: Bearer \"" + alice.token
            + "\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(401, RawHttp.read(s).status());
      }
      ApiClient again = new ApiClient(node.http());
      again.login(alice.username, "correct horse");
      secrets.add(again.token.substring(0, 64));
      assertEquals(204, again.post("/api/v1/auth/logout", null).status());
      // The error line is written by the time the log has a line after it: wait for the session's line.
      waitForLine(log, "resumed room");
    }
    List<String> lines = Files.readAllLines(log);
    assertFalse(lines.isEmpty());
    boolean sawUser = false;
    for (String line : lines) {
      JsonNode json = Json.mapper().readTree(line);
      assertTrue(json.isObject() && json.has("@timestamp") && json.has("level") && json.has("message"), line);
      assertTrue(json.path("node").asText().startsWith("pekko://parley@") || line.contains("could not start"), line);
      if (json.path("message").asText().contains("resumed room")) {
        assertTrue(json.path("user").asText().startsWith("alice-"), line);
        sawUser = true;
      }
      for (String secret : secrets) {
        assertFalse(line.contains(secret), "a secret in the log: " + line);
      }
    }
    assertTrue(sawUser, "the session's line names its user");
  }

  private static void waitForLine(Path log, String text) {
    Eventually.await("a line with " + text + " in " + log, () -> {
      assertTrue(Files.readString(log).contains(text), "not yet");
      return null;
    });
  }

}
