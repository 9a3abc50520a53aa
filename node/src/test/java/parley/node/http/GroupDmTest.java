package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.WsClient;

/** Three or more people talking privately, in one room per set of them. */
class GroupDmTest extends OnOneNode {
  @Test
  void threePeopleTalkInOneGroupWhoeverOpensItAndOthersCannotSeeIt() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    ApiClient carol = node.client().newUser("carol");
    ApiClient dave = node.client().newUser("dave");
    // They know each other: a room in common (a stranger would get an invitation instead, OneAccountTest).
    String team = alice.createRoom("{\"name\":\"team\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + team + "/join", null).status());
    assertEquals(200, carol.post("/api/v1/rooms/" + team + "/join", null).status());
    JsonNode group = alice.post("/api/v1/dms", "{\"usernames\":[\"" + bob.username + "\",\"" + carol.username
        + "\"]}").body();
    String id = group.get("id").asText();
    assertEquals("group", group.get("kind").asText());
    assertEquals(3, group.get("members").size());
    assertEquals(3, group.get("capacity").asInt());
    assertEquals(id, bob.post("/api/v1/dms", "{\"usernames\":[\"" + carol.username + "\",\"" + alice.username
        + "\"]}").body().get("id").asText(), "one room per set of people, whoever asks");
    assertTrue(carol.get("/api/v1/me").body().toString().contains(id), "in everyone's list at once");

    // Nobody else sees it, joins it, or runs it.
    assertEquals("no_such_room", dave.get("/api/v1/rooms/" + id).code());
    assertEquals("no_such_room", dave.post("/api/v1/rooms/" + id + "/join", "{}").code());
    assertEquals("forbidden", alice.post("/api/v1/rooms/" + id + "/kick", "{\"username\":\"" + bob.username + "\"}").code());

    try (WsClient carols = WsClient.connect(node.http(), carol.token)) {
      carols.awaitType("hello");
      assertEquals(201, bob.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"b1\",\"text\":\"lunch?\"}").status());
      assertEquals(201, alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"a1\",\"text\":\"yes\"}").status());
      carols.await(f -> "message".equals(f.path("type").asText()) && "lunch?".equals(f.path("text").asText())
          && bob.username.equals(f.path("sender").asText()));
      carols.await(f -> "message".equals(f.path("type").asText()) && "yes".equals(f.path("text").asText()));
      carols.await(f -> "notification".equals(f.path("type").asText())); // a group message notifies like a DM
    }

    // One may leave; the others keep it, and the one who left may come back.
    assertEquals(204, carol.post("/api/v1/rooms/" + id + "/leave", null).status());
    assertEquals(201, bob.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"b2\",\"text\":\"still here\"}").status());
    assertEquals(200, carol.post("/api/v1/dms", "{\"usernames\":[\"" + alice.username + "\",\"" + bob.username + "\"]}").status());
    assertEquals(3, alice.get("/api/v1/rooms/" + id).body().get("members").size());

    assertEquals("invalid_request", alice.post("/api/v1/dms", "{\"usernames\":[\"" + bob.username + "\"]}").code());
    assertEquals("no_such_user", alice.post("/api/v1/dms", "{\"usernames\":[\"" + bob.username + "\",\"nobody-xyz\"]}").code());
  }
}
