package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.WsClient;

/** Fixing a typo, taking a message back, answering one: each an entry, and every read shows the outcome. */
class EditsAndRepliesTest extends OnOneNode {
  private static JsonNode at(ApiClient reader, String room, long seq) {
    for (JsonNode m : reader.get("/api/v1/rooms/" + room + "/messages?limit=200").body().get("messages")) {
      if (m.get("seq").asLong() == seq) {
        return m;
      }
    }
    throw new AssertionError("no seq " + seq);
  }

  /** The node keeps so few entries in memory that what a scenario reads back is older than them. */
  boolean beyondMemory() {
    return false;
  }

  @Test
  void aMessageIsEditedRepliedToAndDeletedAndEveryReadShowsOnlyTheOutcome() throws Exception {
    ApiClient owner = node.client().newUser("owner");
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    String room = owner.createRoom("{\"name\":\"typos\"}");
    alice.post("/api/v1/rooms/" + room + "/join", "{}");
    bob.post("/api/v1/rooms/" + room + "/join", "{}");
    long typo = alice.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"a1\",\"text\":\"helo all\"}")
        .body().get("seq").asLong();
    JsonNode reply = bob.post("/api/v1/rooms/" + room + "/messages",
        "{\"clientMsgId\":\"b1\",\"text\":\"hi!\",\"replyTo\":" + typo + "}").body();
    assertEquals(typo, reply.get("replyTo").asLong());
    assertEquals("no_such_message", bob.post("/api/v1/rooms/" + room + "/messages",
        "{\"clientMsgId\":\"b2\",\"text\":\"?\",\"replyTo\":9999}").code());

    try (WsClient bobs = WsClient.connect(node.http(), bob.token); WsClient alices = WsClient.connect(node.http(), alice.token)) {
      bobs.awaitType("hello");
      alices.awaitType("hello");
      // Over the socket, acked like a send; a resend with the same clientMsgId is the same entry.
      alices.send("{\"type\":\"edit\",\"room\":\"" + room + "\",\"seq\":" + typo + ",\"text\":\"hello all\",\"clientMsgId\":\"e1\"}");
      long editSeq = alices.await(f -> "ack".equals(f.path("type").asText()) && "e1".equals(f.path("clientMsgId").asText()))
          .get("seq").asLong();
      alices.send("{\"type\":\"edit\",\"room\":\"" + room + "\",\"seq\":" + typo + ",\"text\":\"hello all\",\"clientMsgId\":\"e1\"}");
      assertEquals(2, alices.awaitCount(f -> "ack".equals(f.path("type").asText()) && f.path("seq").asLong() == editSeq, 2));
      JsonNode live = bobs.await(f -> "edit".equals(f.path("kind").asText()));
      assertEquals(typo, live.get("target").asLong());
      assertEquals("hello all", live.get("text").asText());
      // Nobody else edits it; an edit of something that is no message is refused by name.
      bobs.send("{\"type\":\"edit\",\"room\":\"" + room + "\",\"seq\":" + typo + ",\"text\":\"mine now\",\"clientMsgId\":\"x1\"}");
      assertEquals("not_your_message", bobs.await(f -> "error".equals(f.path("type").asText())).get("code").asText());
    }
    // The join at seq 1 is no message to edit; a room that no longer holds it in memory says it is too old for edits.
    assertEquals(beyondMemory() ? "message_too_old" : "no_such_message",
        alice.patch("/api/v1/rooms/" + room + "/messages/1", "{\"text\":\"joined?\"}").code());
    assertEquals(404, alice.patch("/api/v1/rooms/" + room + "/messages/9999", "{\"text\":\"x\"}").status());
    assertEquals("invalid_message", alice.patch("/api/v1/rooms/" + room + "/messages/" + typo, "{\"text\":\"  \"}").code());

    JsonNode edited = at(bob, room, typo);
    assertEquals("hello all", edited.get("text").asText(), "history shows the latest text");
    assertTrue(edited.hasNonNull("editedAt"), edited.toString());
    JsonNode again = alice.patch("/api/v1/rooms/" + room + "/messages/" + typo, "{\"text\":\"hello everyone\"}").body();
    assertEquals("edit", again.get("kind").asText());
    assertEquals("hello everyone", at(bob, room, typo).get("text").asText());
    // Bob's last message is his reply; only edits came after it, and they are no unread messages.
    assertEquals(0, bob.get("/api/v1/me").body().get("rooms").get(0).get("unread").asLong());

    // Bob may not take it back; the room's owner may.
    assertEquals("not_your_message", bob.method("DELETE", "/api/v1/rooms/" + room + "/messages/" + typo).code());
    JsonNode deletion = owner.method("DELETE", "/api/v1/rooms/" + room + "/messages/" + typo).body();
    assertEquals("delete", deletion.get("kind").asText());
    JsonNode gone = at(bob, room, typo);
    assertTrue(gone.get("deleted").asBoolean(), gone.toString());
    assertNull(gone.get("text").textValue());
    String all = bob.get("/api/v1/rooms/" + room + "/messages?limit=200").body().toString();
    assertFalse(all.contains("helo all") || all.contains("hello all") || all.contains("hello everyone"),
        "the old texts are gone from every read, edits included: " + all);
    assertEquals("no_such_message", alice.patch("/api/v1/rooms/" + room + "/messages/" + typo, "{\"text\":\"back?\"}").code());
    assertEquals(typo, at(bob, room, reply.get("seq").asLong()).get("replyTo").asLong(), "the reply still says what it answered");
  }

  @Test
  void reactionsToggleAndHistoryCountsThem() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    String room = alice.createRoom("{\"name\":\"emoji\"}");
    bob.post("/api/v1/rooms/" + room + "/join", "{}");
    long seq = alice.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"a1\",\"text\":\"shipped!\"}")
        .body().get("seq").asLong();
    try (WsClient bobs = WsClient.connect(node.http(), bob.token); WsClient alices = WsClient.connect(node.http(), alice.token)) {
      bobs.awaitType("hello");
      alices.awaitType("hello");
      bobs.send("{\"type\":\"react\",\"room\":\"" + room + "\",\"seq\":" + seq + ",\"emoji\":\"\ud83c\udf89\"}");
      JsonNode on = alices.await(f -> "reaction".equals(f.path("kind").asText()));
      assertEquals(seq, on.get("target").asLong());
      assertEquals("\ud83c\udf89", on.get("emoji").asText());
      assertTrue(on.get("on").asBoolean());
      // A shortcode is stored as its emoji: one reaction, one chip in every client.
      alices.send("{\"type\":\"react\",\"room\":\"" + room + "\",\"seq\":" + seq + ",\"emoji\":\":tada:\",\"clientMsgId\":\"r1\"}");
      alices.await(f -> "ack".equals(f.path("type").asText()) && "r1".equals(f.path("clientMsgId").asText()));
      JsonNode hers = bobs.await(f -> "reaction".equals(f.path("kind").asText())
          && alice.username.equals(f.path("sender").asText()));
      assertEquals("\ud83c\udf89", hers.get("emoji").asText());
      alices.send("{\"type\":\"react\",\"room\":\"" + room + "\",\"seq\":" + seq + ",\"emoji\":\"not an emoji\",\"clientMsgId\":\"r2\"}");
      assertEquals("invalid_emoji", alices.await(f -> "error".equals(f.path("type").asText())).get("code").asText());
      alices.send("{\"type\":\"react\",\"room\":\"" + room + "\",\"seq\":" + seq + ",\"emoji\":\":no_such_code:\",\"clientMsgId\":\"r3\"}");
      assertEquals("invalid_emoji", alices.await(f -> "error".equals(f.path("type").asText())).get("code").asText());
      // Bob takes his off again: the second toggle.
      bobs.send("{\"type\":\"react\",\"room\":\"" + room + "\",\"seq\":" + seq + ",\"emoji\":\"\ud83c\udf89\"}");
      JsonNode off = alices.await(f -> "reaction".equals(f.path("kind").asText()) && !f.path("on").asBoolean(true));
      assertEquals(bob.username, off.get("sender").asText());
    }
    JsonNode reacted = at(bob, room, seq);
    assertEquals("{\"\ud83c\udf89\":[\"" + alice.username + "\"]}", reacted.get("reactions").toString());
  }
}
