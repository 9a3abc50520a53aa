package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;

/**
 * A block, as the one who blocks meets it: nothing of the blocked user reaches them (in the DM they already share, in
 * a group DM, in a room), and the blocked user's writes to that DM are refused with {@code blocked}, over HTTP and the
 * socket alike, on the node that was running at the block and on one started again since.
 */
class BlocksTest {
  private static JsonNode roomOf(ApiClient user, String dm) {
    for (JsonNode room : user.get("/api/v1/me").body().get("rooms")) {
      if (dm.equals(room.get("id").asText())) {
        return room;
      }
    }
    throw new AssertionError(dm + " is not in " + user.username + "'s rooms");
  }

  private static String send(String dm, String id, String text) {
    return "{\"clientMsgId\":\"" + id + "\",\"text\":\"" + text + "\"}";
  }

  @Test
  void aBlockSilencesTheDmTheyAlreadyShareAndOutlastsARestart() {
    Config data = TestDatabase.config(TestDatabase.url());
    ApiClient alice;
    ApiClient dave;
    String dm;
    try (TestNode node = TestNode.start(data)) {
      alice = node.client().newUser("alice");
      dave = node.client().newUser("dave");
      String general = alice.createRoom("{\"name\":\"general " + alice.username + "\"}");
      assertEquals(200, dave.post("/api/v1/rooms/" + general + "/join", null).status());
      dm = dave.post("/api/v1/dms/" + alice.username, null).body().get("id").asText();
      assertEquals(201, dave.post("/api/v1/rooms/" + dm + "/messages", send(dm, "d1", "hi alice")).status());
      long before = roomOf(alice, dm).get("unread").asLong();
      assertEquals(1, before);
      int notified = alice.get("/api/v1/me/notifications").body().get("notifications").size();

      try (WsClient laptop = WsClient.connect(node.http(), alice.token);
          WsClient daves = WsClient.connect(node.http(), dave.token)) {
        laptop.awaitType("hello");
        daves.awaitType("hello");
        assertEquals(204, alice.post("/api/v1/me/blocks/" + dave.username, null).status());

        ApiClient.Reply refused = dave.post("/api/v1/rooms/" + dm + "/messages", send(dm, "d2", "why"));
        assertEquals(403, refused.status(), refused.toString());
        assertEquals("blocked", refused.code());
        assertEquals(alice.username + " does not take messages from you",
            refused.body().get("error").get("message").asText());
        daves.send("{\"type\":\"send\",\"room\":\"" + dm + "\",\"clientMsgId\":\"d3\",\"text\":\"hello?\"}");
        JsonNode frame = daves.await(f -> "error".equals(f.path("type").asText()) && "d3".equals(f.path("ref").asText()));
        assertEquals("blocked", frame.get("code").asText());
        daves.send("{\"type\":\"react\",\"room\":\"" + dm + "\",\"seq\":1,\"emoji\":\"🎉\",\"clientMsgId\":\"d4\"}");
        assertEquals("blocked", daves.await(f -> "d4".equals(f.path("ref").asText())).get("code").asText());
        // What dave wrote he may still take back; a resend of what was stored is still acknowledged as stored.
        long first = 0;
        for (JsonNode m : dave.get("/api/v1/rooms/" + dm + "/messages").body().get("messages")) {
          first = "d1".equals(m.path("clientMsgId").asText()) ? m.get("seq").asLong() : first;
        }
        assertEquals(201, dave.post("/api/v1/rooms/" + dm + "/messages", send(dm, "d1", "hi alice")).status());
        assertEquals(200, dave.delete("/api/v1/rooms/" + dm + "/messages/" + first, "{}").status());

        // Alice's laptop got no message of his, nor a notification; her unread count did not move.
        laptop.send("{\"type\":\"ping\"}");
        laptop.awaitType("pong");
        assertTrue(laptop.frames().stream().noneMatch(f -> "notification".equals(f.path("type").asText())
            || "message".equals(f.path("kind").asText()) || "reaction".equals(f.path("kind").asText())),
            laptop.frames().toString());
      }
      assertEquals(notified, alice.get("/api/v1/me/notifications").body().get("notifications").size());
      assertEquals(0, roomOf(alice, dm).get("unread").asLong(), "what he wrote counts in no unread count of hers");
    }
    // A node started again recovers the DM afresh: its first write asks alice's account before it is taken.
    try (TestNode node = TestNode.start(data)) {
      ApiClient daveAgain = new ApiClient(node.http()).withToken(dave.token);
      ApiClient aliceAgain = new ApiClient(node.http()).withToken(alice.token);
      ApiClient.Reply refused = daveAgain.post("/api/v1/rooms/" + dm + "/messages", send(dm, "d5", "after"));
      assertEquals(403, refused.status(), refused.toString());
      assertEquals("blocked", refused.code());
      // Unblocked, he is heard again.
      assertEquals(204, aliceAgain.method("DELETE", "/api/v1/me/blocks/" + dave.username).status());
      ApiClient.Reply heard = daveAgain.post("/api/v1/rooms/" + dm + "/messages", send(dm, "d6", "friends?"));
      assertEquals(201, heard.status(), heard.toString());
      assertEquals(2, roomOf(aliceAgain, dm).get("unread").asLong(), "both of his count again");
    }
  }

  @Test
  void inARoomAndAGroupDmTheBlockedCountForNothingAndEveryDeviceLearnsTheBlock() {
    try (TestNode node = TestNode.start(TestDatabase.config(TestDatabase.url()))) {
      ApiClient alice = node.client().newUser("alice");
      ApiClient dave = node.client().newUser("dave");
      ApiClient carol = node.client().newUser("carol");
      String general = alice.createRoom("{\"name\":\"general " + alice.username + "\"}");
      assertEquals(200, dave.post("/api/v1/rooms/" + general + "/join", null).status());
      assertEquals(200, carol.post("/api/v1/rooms/" + general + "/join", null).status());
      String group = carol.post("/api/v1/dms", "{\"usernames\":[\"" + alice.username + "\",\"" + dave.username
          + "\"]}").body().get("id").asText();
      try (WsClient laptop = WsClient.connect(node.http(), alice.token);
          WsClient phone = WsClient.connect(node.http(), alice.token)) {
        laptop.awaitType("hello");
        phone.awaitType("hello");
        assertEquals(204, alice.post("/api/v1/me/blocks/" + dave.username, null).status());
        for (WsClient device : List.of(laptop, phone)) {
          JsonNode block = device.awaitType("block");
          assertEquals(dave.username, block.get("user").asText());
          assertTrue(block.get("on").asBoolean());
        }
        // His mention and his group DM message notify her of nothing, and count in none of her unread counts.
        assertEquals(201, dave.post("/api/v1/rooms/" + general + "/messages",
            send(general, "m1", "@" + alice.username + " look")).status());
        assertEquals(201, dave.post("/api/v1/rooms/" + group + "/messages", send(group, "g1", "psst")).status());
        // Carol's are counted, and her message notifies as any does: it comes after his.
        assertEquals(201, carol.post("/api/v1/rooms/" + group + "/messages", send(group, "g2", "hi both")).status());
        laptop.await(f -> "notification".equals(f.path("type").asText()) && group.equals(f.path("room").asText()));
        assertTrue(laptop.frames().stream().noneMatch(f -> "notification".equals(f.path("type").asText())
            && dave.username.equals(f.path("sender").asText())), laptop.frames().toString());
      }
      JsonNode inRoom = roomOf(alice, general);
      assertEquals(0, inRoom.get("unread").asLong(), inRoom.toString());
      assertEquals(0, inRoom.get("mentions").asLong(), inRoom.toString());
      assertEquals(1, roomOf(alice, group).get("unread").asLong(), "carol's only");
      JsonNode inbox = alice.get("/api/v1/me/notifications").body().get("notifications");
      assertEquals(1, inbox.size(), inbox.toString());
      assertEquals(carol.username, inbox.get(0).get("sender").asText());
    }
  }
}
