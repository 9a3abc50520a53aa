package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;

/**
 * One rule for the text Parley keeps or searches (docs/protocol.md, Text): valid Unicode with no C0 control character
 * but tab, line feed and carriage return in a message. Each way in refuses NUL with its own code, on H2 and on
 * PostgreSQL alike (where NUL once stopped the search feed for everyone); what the rule allows is stored, delivered
 * and found.
 */
class TextRuleTest {
  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void nulAndOtherControlsAreRefusedWithTheirCodesEverywhereTextGoesIn() {
    try (TestNode node = TestNode.start()) {
      ApiClient alice = node.client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"text rule\"}");
      String messages = "/api/v1/rooms/" + room + "/messages";

      assertEquals("invalid_message", alice.post(messages, "{\"clientMsgId\":\"n1\",\"text\":\"a\\u0000b\"}").code());
      assertEquals("invalid_message", alice.post(messages, "{\"clientMsgId\":\"n2\",\"text\":\"ring \\u0007\"}").code());
      assertEquals("invalid_message", alice.post(messages, "{\"clientMsgId\":\"n\\u0000\",\"text\":\"hi\"}").code());
      assertEquals("invalid_message", alice.post(messages, "{\"clientMsgId\":\"n\\t3\",\"text\":\"hi\"}").code());
      ApiClient.Reply kept = alice.post(messages, "{\"clientMsgId\":\"ok\",\"text\":\"tabbed\\tline one\\r\\nline two\"}");
      assertEquals(201, kept.status(), kept.toString());
      long seq = kept.body().get("seq").asLong();
      assertEquals("invalid_message", alice.patch(messages + "/" + seq, "{\"text\":\"edited\\u0000\"}").code());

      assertEquals("invalid_room", alice.post("/api/v1/rooms", "{\"name\":\"a\\u0000room\"}").code());
      assertEquals("invalid_room", alice.post("/api/v1/rooms", "{\"name\":\"locked\",\"passcode\":\"pass\\u0000word\"}")
          .code());
      assertEquals("invalid_room", alice.patch("/api/v1/rooms/" + room, "{\"topic\":\"a\\u0000topic\"}").code());

      byte[] bytes = "contents".getBytes(StandardCharsets.UTF_8);
      assertEquals("invalid_file_name", alice.postBytes("/api/v1/rooms/" + room + "/files?name=" + q("a\u0000.txt")
          + "&clientMsgId=f1", bytes, "text/plain").code());
      assertEquals("invalid_message", alice.postBytes("/api/v1/rooms/" + room + "/files?name=a.txt&clientMsgId="
          + q("f\u0000"), bytes, "text/plain").code());

      assertEquals("invalid_query", alice.get("/api/v1/search?q=" + q("lunch\u0000")).code());
      String nulCursor = Base64.getUrlEncoder().withoutPadding()
          .encodeToString(("n.1.1." + room + "\u0000").getBytes(StandardCharsets.UTF_8));
      assertEquals("invalid_query", alice.get("/api/v1/search?q=line&before=" + nulCursor).code());

      try (WsClient ws = WsClient.connect(node.http(), alice.token)) {
        ws.awaitType("hello");
        ws.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"w1\",\"text\":\"x\\u0000y\"}");
        JsonNode error = ws.await(f -> "error".equals(f.path("type").asText()));
        assertEquals("invalid_message", error.get("code").asText());
        assertEquals("w1", error.get("ref").asText());
        ws.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"w2\",\"text\":\"still here\"}");
        ws.await(f -> "ack".equals(f.path("type").asText()) && "w2".equals(f.path("clientMsgId").asText()));
      }

      // Nothing refused reached the timeline; what the rule allows is there as sent, and found.
      JsonNode page = alice.get(messages).body().get("messages");
      assertEquals("tabbed\tline one\r\nline two", page.get(page.size() - 2).get("text").asText());
      JsonNode hits = Eventually.await("the kept message to be found", () -> {
        JsonNode found = alice.get("/api/v1/search?q=" + q("\"line two\"")).body().get("hits");
        assertEquals(1, found.size(), found.toString());
        return found;
      });
      assertEquals(seq, hits.get(0).get("seq").asLong());
      assertTrue(page.toString().indexOf("\\u0000") < 0, page.toString());
    }
  }
}
