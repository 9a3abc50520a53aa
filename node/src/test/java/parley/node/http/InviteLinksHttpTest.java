package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.ApiClient;
import parley.node.testkit.RunLog;
import parley.node.testkit.TestNode;

/**
 * Invite links (v1.4) over real HTTP: the owner makes a link to a private room with a passcode, people holding it look
 * at the room and join past both; a used-up, revoked or orphaned link is 410 and says why; two people racing for the
 * last use: one joins. The token is shown once, and an outsider learns nothing of a private room's links.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InviteLinksHttpTest {
  private static final String NOBODYS = "zz0zz0zz0zz0";
  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start(ConfigFactory.parseString("parley.invite-links.max-per-room = 4"));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static String privateRoom(ApiClient owner) {
    return owner.createRoom("{\"name\":\"crew " + owner.username + "\",\"visibility\":\"private\","
        + "\"passcode\":\"open-sesame\"}");
  }

  private static JsonNode link(ApiClient owner, String room, String body) {
    ApiClient.Reply made = owner.post("/api/v1/rooms/" + room + "/invite-links", body);
    assertEquals(201, made.status(), made.toString());
    // The suite's last test looks for it in every log line the run wrote.
    RunLog.secret(made.body().get("token").asText());
    return made.body();
  }

  private static int members(ApiClient member, String room) {
    return member.get("/api/v1/rooms/" + room).body().get("members").size();
  }

  @Test
  void aLinkLetsItsHoldersIntoAPrivateRoomUntilItsUsesAreSpent() {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    ApiClient carol = node.client().newUser("carol");
    ApiClient dave = node.client().newUser("dave");
    String room = privateRoom(alice);
    JsonNode made = link(alice, room, "{\"maxUses\":2,\"expiresIn\":3600}");
    String token = made.get("token").asText();
    assertEquals(43, token.length(), made.toString());
    assertEquals(2, made.get("maxUses").asInt());
    assertEquals(0, made.get("uses").asInt());
    assertEquals(alice.username, made.get("createdBy").asText());

    // The listing names the link, never its token.
    JsonNode listed = alice.get("/api/v1/rooms/" + room + "/invite-links").body().get("links");
    assertEquals(1, listed.size(), listed.toString());
    assertEquals(made.get("id").asText(), listed.get(0).get("id").asText());
    assertFalse(listed.get(0).has("token"), listed.toString());

    // Bob looks first: the room's name and who invites him; then joins past the passcode, into the private room.
    ApiClient.Reply preview = bob.get("/api/v1/invites/" + token);
    assertEquals(200, preview.status(), preview.toString());
    assertEquals(room, preview.body().get("room").get("id").asText());
    assertEquals("crew " + alice.username, preview.body().get("room").get("name").asText());
    assertEquals(alice.username, preview.body().get("from").asText());
    ApiClient.Reply joined = bob.post("/api/v1/invites/" + token + "/accept", null);
    assertEquals(200, joined.status(), joined.toString());
    assertEquals(room, joined.body().get("id").asText());
    assertEquals(2, joined.body().get("members").size());
    // Accepting again, as a member, takes no second use.
    assertEquals(200, bob.post("/api/v1/invites/" + token + "/accept", null).status());
    assertEquals(200, carol.post("/api/v1/invites/" + token + "/accept", null).status());
    ApiClient.Reply late = dave.post("/api/v1/invites/" + token + "/accept", null);
    assertEquals(410, late.status(), late.toString());
    assertEquals("invite_expired", late.code());
    assertTrue(late.body().get("error").get("message").asText().contains("used up (2 uses)"), late.toString());
    assertEquals(410, dave.get("/api/v1/invites/" + token).status());
    assertEquals(3, members(alice, room));
    assertEquals(2, alice.get("/api/v1/rooms/" + room + "/invite-links").body().get("links").get(0).get("uses").asInt());
    // Dave is still an outsider: the room is no room to him.
    assertEquals(404, dave.get("/api/v1/rooms/" + room).status());
  }

  @Test
  void ofPeopleRacingForTheLastUseOneJoins() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    String room = privateRoom(alice);
    String token = link(alice, room, "{\"maxUses\":1}").get("token").asText();
    List<ApiClient> racers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      racers.add(node.client().newUser("racer"));
    }
    ExecutorService threads = Executors.newFixedThreadPool(racers.size());
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<ApiClient.Reply>> answers = new ArrayList<>();
    for (ApiClient racer : racers) {
      answers.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return racer.post("/api/v1/invites/" + token + "/accept", null);
      }, threads));
    }
    go.countDown();
    List<Integer> statuses = answers.stream().map(CompletableFuture::join).map(ApiClient.Reply::status).toList();
    threads.shutdown();
    assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
    assertEquals(racers.size() - 1, statuses.stream().filter(s -> s == 410).count(), statuses.toString());
    assertEquals(2, members(alice, room));
  }

  @Test
  void aRevokedLinkOrOneWhoseMakerLostTheRoleAdmitsNobodyAndABanTakesNoUse() {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    ApiClient eve = node.client().newUser("eve");
    String room = privateRoom(alice);
    JsonNode revoked = link(alice, room, "{}");
    ApiClient.Reply gone = alice.method("DELETE", "/api/v1/rooms/" + room + "/invite-links/" + revoked.get("id").asText());
    assertEquals(204, gone.status(), gone.toString());
    ApiClient.Reply again = alice.method("DELETE", "/api/v1/rooms/" + room + "/invite-links/" + revoked.get("id").asText());
    assertEquals(404, again.status());
    assertEquals("no_such_invite_link", again.code());
    ApiClient.Reply refused = bob.post("/api/v1/invites/" + revoked.get("token").asText() + "/accept", null);
    assertEquals(410, refused.status(), refused.toString());
    assertTrue(refused.body().get("error").get("message").asText().contains("revoked"), refused.toString());

    // Bob, made an admin, makes a link; demoted, his link admits nobody (it ends with its maker's role).
    String bobsToken;
    assertEquals(200, bob.post("/api/v1/invites/" + link(alice, room, "{}").get("token").asText() + "/accept", null)
        .status());
    assertEquals(200, alice.post("/api/v1/rooms/" + room + "/roles",
        "{\"username\":\"" + bob.username + "\",\"role\":\"admin\"}").status());
    bobsToken = link(bob, room, "{}").get("token").asText();
    assertEquals(200, alice.post("/api/v1/rooms/" + room + "/roles",
        "{\"username\":\"" + bob.username + "\",\"role\":\"member\"}").status());
    ApiClient.Reply orphan = eve.post("/api/v1/invites/" + bobsToken + "/accept", null);
    assertEquals(410, orphan.status(), orphan.toString());
    assertEquals(410, eve.get("/api/v1/invites/" + bobsToken).status());
    // And a member who is no admin makes, lists and revokes none.
    ApiClient.Reply notAdmin = bob.post("/api/v1/rooms/" + room + "/invite-links", "{}");
    assertEquals(403, notAdmin.status(), notAdmin.toString());
    assertEquals(403, bob.get("/api/v1/rooms/" + room + "/invite-links").status());

    // A banned user is refused, and the one use of the link stays for someone else.
    String oneUse = link(alice, room, "{\"maxUses\":1}").get("token").asText();
    assertEquals(200, alice.post("/api/v1/rooms/" + room + "/ban", "{\"username\":\"" + eve.username + "\"}").status());
    ApiClient.Reply banned = eve.post("/api/v1/invites/" + oneUse + "/accept", null);
    assertEquals(403, banned.status(), banned.toString());
    assertEquals("banned", banned.code());
    ApiClient carol = node.client().newUser("carol");
    assertEquals(200, carol.post("/api/v1/invites/" + oneUse + "/accept", null).status());
  }

  @Test
  void aRoomThatLetsMembersInviteTakesTheirInvitationsAndLinksUntilItStops() {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    ApiClient carol = node.client().newUser("carol");
    ApiClient dan = node.client().newUser("dan");
    String room = privateRoom(alice);
    assertEquals(false, alice.get("/api/v1/rooms/" + room).body().get("membersInvite").asBoolean());
    assertEquals(200, bob.post("/api/v1/invites/" + link(alice, room, "{}").get("token").asText() + "/accept", null)
        .status());
    assertEquals(403, bob.post("/api/v1/rooms/" + room + "/invites", "{\"username\":\"" + carol.username + "\"}")
        .status());

    // The owner lets every member invite: an entry says so, and bob invites carol and makes a link dan joins by.
    ApiClient.Reply opened = alice.patch("/api/v1/rooms/" + room, "{\"membersInvite\":true}");
    assertEquals(200, opened.status(), opened.toString());
    assertEquals(true, opened.body().get("membersInvite").asBoolean());
    ApiClient.Reply invited = bob.post("/api/v1/rooms/" + room + "/invites", "{\"username\":\"" + carol.username + "\"}");
    assertEquals(204, invited.status(), invited.toString());
    String bobsLink = link(bob, room, "{}").get("token").asText();
    assertEquals(200, dan.post("/api/v1/invites/" + bobsLink + "/accept", null).status());
    // A member changes nothing else of the room.
    assertEquals(403, bob.patch("/api/v1/rooms/" + room, "{\"membersInvite\":false}").status());

    // Turned off again, bob invites nobody, and his link admits nobody (it ends with its maker's right to invite).
    assertEquals(200, alice.patch("/api/v1/rooms/" + room, "{\"membersInvite\":false}").status());
    ApiClient.Reply refused = bob.post("/api/v1/rooms/" + room + "/invite-links", "{}");
    assertEquals(403, refused.status(), refused.toString());
    ApiClient erin = node.client().newUser("erin");
    assertEquals(410, erin.post("/api/v1/invites/" + bobsLink + "/accept", null).status());
    List<String> said = new ArrayList<>();
    for (JsonNode e : alice.get("/api/v1/rooms/" + room + "/messages").body().get("messages")) {
      if ("who_invites".equals(e.get("kind").asText())) {
        said.add(e.get("sender").asText() + ":" + e.get("text").asText());
      }
    }
    assertEquals(List.of(alice.username + ":members", alice.username + ":admins"), said);
  }

  @Test
  void anOutsiderLearnsNothingOfAPrivateRoomsLinksAndBadInputSaysItsLimit() {
    ApiClient alice = node.client().newUser("alice");
    ApiClient eve = node.client().newUser("eve");
    String room = privateRoom(alice);
    link(alice, room, "{}");
    for (String path : List.of("/invite-links", "/invite-links/abcdefabcdefabcd")) {
      ApiClient.Reply real = path.endsWith("links") ? eve.get("/api/v1/rooms/" + room + path)
          : eve.method("DELETE", "/api/v1/rooms/" + room + path);
      ApiClient.Reply none = path.endsWith("links") ? eve.get("/api/v1/rooms/" + NOBODYS + path)
          : eve.method("DELETE", "/api/v1/rooms/" + NOBODYS + path);
      assertEquals(none.status() + " " + none.body(), real.status() + " " + real.body(), path);
      assertEquals(404, real.status());
    }
    ApiClient.Reply make = eve.post("/api/v1/rooms/" + room + "/invite-links", "{}");
    assertEquals(eve.post("/api/v1/rooms/" + NOBODYS + "/invite-links", "{}").body(), make.body());

    // An unknown token and one of no token's shape answer alike.
    ApiClient.Reply unknown = eve.post("/api/v1/invites/" + "A".repeat(43) + "/accept", null);
    assertEquals(404, unknown.status());
    assertEquals("no_such_invite", unknown.code());
    assertEquals(unknown.body(), eve.post("/api/v1/invites/not-a-token/accept", null).body());
    assertEquals(unknown.body(), eve.get("/api/v1/invites/" + "A".repeat(43)).body());

    ApiClient.Reply zero = alice.post("/api/v1/rooms/" + room + "/invite-links", "{\"maxUses\":0}");
    assertEquals(400, zero.status());
    assertEquals("invalid_invite_link", zero.code());
    assertTrue(zero.body().get("error").get("message").asText().contains("1000"), zero.toString());
    ApiClient.Reply brief = alice.post("/api/v1/rooms/" + room + "/invite-links", "{\"expiresIn\":5}");
    assertEquals("invalid_invite_link", brief.code());
    assertTrue(brief.body().get("error").get("message").asText().contains("2592000"), brief.toString());
    // The room holds 4 standing links (parley.invite-links.max-per-room here): the fifth is refused with its number.
    for (int i = 0; i < 3; i++) {
      link(alice, room, "{}");
    }
    ApiClient.Reply full = alice.post("/api/v1/rooms/" + room + "/invite-links", "{}");
    assertEquals(409, full.status(), full.toString());
    assertEquals("invite_links_full", full.code());
    assertTrue(full.body().get("error").get("message").asText().contains("4 invite links"), full.toString());
  }
}
