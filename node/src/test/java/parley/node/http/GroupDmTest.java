package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.ApiClient;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;

/** v1.1: three or more people talking privately, in one room per set of them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupDmTest {
  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void threePeopleTalkInOneGroupWhoeverOpensItAndOthersCannotSeeIt() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    ApiClient carol = node.client().newUser("carol");
    ApiClient dave = node.client().newUser("dave");
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
      bob.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"b1\",\"text\":\"lunch?\"}");
      alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"a1\",\"text\":\"yes\"}");
      carols.await(f -> "yes".equals(f.path("text").asText()));
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
