package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.TestNode;

/**
 * Rooms people keep to themselves (v1.3): a private room is no room at all to an outsider, on every route, answered
 * exactly as a room id nobody ever made; it is joined by invitation only. An unlisted room is joined by its id and
 * listed nowhere. Each change of visibility, and each invitation, is an entry of the timeline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoomVisibilityTest {
  /** Twelve characters of a room id that no room has. */
  private static final String NOBODYS = "zz0zz0zz0zz0";
  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start(ConfigFactory.parseString("parley.limits.invites-per-window = 5"));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static String message(String id, String text) {
    return "{\"clientMsgId\":\"" + id + "\",\"text\":\"" + text + "\"}";
  }

  /** What an outsider gets from each route of a room, as status and body. */
  private static List<String> outsiderAnswers(ApiClient outsider, String room) {
    List<String> answers = new ArrayList<>();
    for (ApiClient.Reply r : List.of(
        outsider.get("/api/v1/rooms/" + room),
        outsider.get("/api/v1/rooms/" + room + "/messages"),
        outsider.get("/api/v1/rooms/" + room + "/receipts"),
        outsider.post("/api/v1/rooms/" + room + "/join", "{}"),
        outsider.post("/api/v1/rooms/" + room + "/join", "{\"passcode\":\"guessing-it\"}"),
        outsider.post("/api/v1/rooms/" + room + "/messages", message("o1", "hello?")),
        outsider.post("/api/v1/rooms/" + room + "/read", "{\"seq\":1}"),
        outsider.post("/api/v1/rooms/" + room + "/leave", null),
        outsider.patch("/api/v1/rooms/" + room, "{\"topic\":\"mine now\"}"),
        outsider.post("/api/v1/rooms/" + room + "/invites", "{\"username\":\"" + outsider.username + "\"}"),
        outsider.post("/api/v1/rooms/" + room + "/kick", "{\"username\":\"" + outsider.username + "\"}"))) {
      answers.add(r.status() + " " + r.body());
    }
    return answers;
  }

  private static List<String> listed(ApiClient user) {
    List<String> ids = new ArrayList<>();
    for (JsonNode r : user.get("/api/v1/rooms?limit=100").body().get("rooms")) {
      ids.add(r.get("id").asText());
    }
    return ids;
  }

  @Test
  void aPrivateRoomIsNoRoomToAnOutsiderOnEveryRouteAndIsJoinedByInvitationOnly() {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    ApiClient eve = node.client().newUser("eve");
    String room = alice.createRoom("{\"name\":\"plans " + alice.username + "\",\"visibility\":\"private\","
        + "\"passcode\":\"open-sesame\"}");
    JsonNode made = alice.get("/api/v1/rooms/" + room).body();
    assertEquals("private", made.get("visibility").asText(), made.toString());
    assertEquals(201, alice.post("/api/v1/rooms/" + room + "/messages", message("a1", "the plan")).status());

    // Eve, who was never invited, meets exactly what a room id nobody made answers, route by route.
    List<String> answers = outsiderAnswers(eve, room);
    assertEquals(outsiderAnswers(eve, NOBODYS), answers);
    assertTrue(answers.get(0).startsWith("404 ") && answers.get(0).contains("no_such_room"), answers.get(0));
    assertFalse(listed(eve).contains(room));

    // Bob is invited: the invitation is his to see, and he joins past the passcode without it.
    ApiClient.Reply invited = alice.post("/api/v1/rooms/" + room + "/invites",
        "{\"username\":\"" + bob.username + "\"}");
    assertEquals(204, invited.status(), invited.toString());
    JsonNode invites = bob.get("/api/v1/me/invites").body().get("invites");
    assertEquals(1, invites.size(), invites.toString());
    assertEquals(room, invites.get(0).get("room").get("id").asText());
    assertEquals("room", invites.get(0).get("room").get("kind").asText());
    assertEquals(alice.username, invites.get(0).get("from").asText());
    ApiClient.Reply accepted = bob.post("/api/v1/me/invites/" + room + "/accept", null);
    assertEquals(200, accepted.status(), accepted.toString());
    assertEquals(2, accepted.body().get("members").size(), accepted.toString());
    assertEquals(0, bob.get("/api/v1/me/invites").body().get("invites").size());
    assertEquals("the plan", bob.get("/api/v1/rooms/" + room + "/messages").body().get("messages")
        .findValues("text").stream().map(JsonNode::asText).filter("the plan"::equals).findFirst().orElse(""));

    // The invitation is an entry of the timeline, for every member to read.
    JsonNode entries = bob.get("/api/v1/rooms/" + room + "/messages").body().get("messages");
    JsonNode entry = null;
    for (JsonNode e : entries) {
      entry = "invited".equals(e.get("kind").asText()) ? e : entry;
    }
    assertTrue(entry != null, entries.toString());
    assertEquals(alice.username, entry.get("sender").asText());
    assertEquals(bob.username, entry.get("user").asText());

    // A member who is not an admin invites nobody; a user who is not there is not invited.
    ApiClient.Reply notAdmin = bob.post("/api/v1/rooms/" + room + "/invites", "{\"username\":\"" + eve.username + "\"}");
    assertEquals(403, notAdmin.status(), notAdmin.toString());
    assertEquals("forbidden", notAdmin.code());
    ApiClient.Reply nobody = alice.post("/api/v1/rooms/" + room + "/invites", "{\"username\":\"nobody-at-all\"}");
    assertEquals(404, nobody.status(), nobody.toString());
    assertEquals("no_such_user", nobody.code());
    ApiClient.Reply again = alice.post("/api/v1/rooms/" + room + "/invites", "{\"username\":\"" + bob.username + "\"}");
    assertEquals(409, again.status(), again.toString());
    assertEquals("already_a_member", again.code());

    // Kicked, bob is an outsider again: the room is no room to him either.
    assertEquals(200, alice.post("/api/v1/rooms/" + room + "/kick", "{\"username\":\"" + bob.username + "\"}").status());
    ApiClient.Reply back = bob.post("/api/v1/rooms/" + room + "/join", "{}");
    assertEquals(404, back.status(), back.toString());
    assertEquals("no_such_room", back.code());
  }

  @Test
  void anUnlistedRoomIsJoinedByItsIdAndListedNowhereAndEachChangeIsAnEntry() {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    String open = alice.createRoom("{\"name\":\"open " + alice.username + "\"}");
    String unlisted = alice.createRoom("{\"name\":\"quiet " + alice.username + "\",\"visibility\":\"unlisted\"}");
    // The directory is told after each change: once the public room, made after it, is listed, the unlisted one
    // would be too.
    Eventually.await("the public room listed", () -> {
      assertTrue(listed(bob).contains(open));
      return null;
    });
    assertFalse(listed(bob).contains(unlisted));
    assertEquals("unlisted", bob.get("/api/v1/rooms/" + unlisted).body().get("visibility").asText());
    assertEquals(200, bob.post("/api/v1/rooms/" + unlisted + "/join", "{}").status());

    ApiClient.Reply bad = alice.patch("/api/v1/rooms/" + open, "{\"visibility\":\"secret\"}");
    assertEquals(400, bad.status(), bad.toString());
    assertEquals("invalid_room", bad.code());
    assertEquals("visibility is public, unlisted or private", bad.body().get("error").get("message").asText());

    ApiClient.Reply hidden = alice.patch("/api/v1/rooms/" + open, "{\"visibility\":\"private\"}");
    assertEquals(200, hidden.status(), hidden.toString());
    assertEquals("private", hidden.body().get("visibility").asText());
    Eventually.await("the room made private unlisted", () -> {
      assertFalse(listed(bob).contains(open));
      return null;
    });
    JsonNode last = null;
    for (JsonNode e : alice.get("/api/v1/rooms/" + open + "/messages").body().get("messages")) {
      last = e;
    }
    assertEquals("visibility", last.get("kind").asText(), String.valueOf(last));
    assertEquals("private", last.get("text").asText());
    assertEquals(outsiderAnswers(bob, NOBODYS), outsiderAnswers(bob, open));
  }

  @Test
  void invitationsAreRateLimitedPerSenderAndSayTheirLimit() {
    ApiClient carol = node.client().newUser("carol");
    String room = carol.createRoom("{\"name\":\"club " + carol.username + "\",\"visibility\":\"private\"}");
    for (int i = 0; i < 5; i++) {
      ApiClient guest = node.client().newUser("guest");
      assertEquals(204, carol.post("/api/v1/rooms/" + room + "/invites", "{\"username\":\"" + guest.username + "\"}")
          .status());
    }
    ApiClient late = node.client().newUser("late");
    ApiClient.Reply refused = carol.post("/api/v1/rooms/" + room + "/invites", "{\"username\":\"" + late.username + "\"}");
    assertEquals(429, refused.status(), refused.toString());
    assertEquals("too_many_invites", refused.code());
    assertTrue(refused.body().get("error").get("message").asText()
        .startsWith("you sent 5 invitations in the last 1 hour, the limit (parley.limits.invites-per-window)"),
        refused.toString());
    assertEquals(0, late.get("/api/v1/me/invites").body().get("invites").size());
  }
}
