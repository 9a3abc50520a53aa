package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/** A user's own account: changing the password, seeing the devices they are logged in on, ending one. */
class AccountLifecycleTest extends OnOneNode {
  /** Logs in as a device with this User-Agent; the client holds the token. */
  private ApiClient device(String username, String password, String userAgent) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.http() + "/api/v1/auth/login"))
        .header("Content-Type", "application/json").header("User-Agent", userAgent)
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    ApiClient client = node.client();
    client.token = Json.mapper().readTree(r.body()).get("token").asText();
    client.username = username;
    return client;
  }

  @Test
  void changingThePasswordEndsEveryOtherDeviceAtOnceAndKeepsThisOne() throws Exception {
    ApiClient laptop = node.client().newUser("alice");
    ApiClient phone = device(laptop.username, "correct horse", "Parley-Phone/1.0");
    try (WsClient onLaptop = WsClient.connect(node.http(), laptop.token);
        WsClient onPhone = WsClient.connect(node.http(), phone.token)) {
      onLaptop.awaitType("hello");
      onPhone.awaitType("hello");

      assertEquals("wrong_password", laptop.post("/api/v1/me/password",
          "{\"current\":\"not it at all\",\"new\":\"battery staple\"}").code());
      assertEquals(403, laptop.post("/api/v1/me/password", "{\"current\":\"not it at all\",\"new\":\"battery staple\"}").status());
      assertEquals("weak_password", laptop.post("/api/v1/me/password", "{\"current\":\"correct horse\",\"new\":\"short\"}").code());
      assertEquals(200, phone.get("/api/v1/me").status(), "refused changes change nothing");

      assertEquals(204, laptop.post("/api/v1/me/password", "{\"current\":\"correct horse\",\"new\":\"battery staple\"}").status());
      WsClient.Closed closed = onPhone.awaitClose();
      assertEquals(4001, closed.code());
      assertEquals(401, phone.get("/api/v1/me").status());
      assertEquals(200, laptop.get("/api/v1/me").status(), "the device that changed it stays logged in");
      onLaptop.send("{\"type\":\"ping\"}");
      onLaptop.awaitType("pong");
      assertFalse(onLaptop.closed.isDone());
      assertEquals(401, node.client().login(laptop.username, "correct horse").status());
      assertEquals(200, node.client().login(laptop.username, "battery staple").status());
    }
  }

  @Test
  void aUserSeesTheirDevicesAndEndsOneOfThem() throws Exception {
    ApiClient first = node.client().newUser("bob");
    ApiClient tablet = device(first.username, "correct horse", "Parley-Tablet/2.1 (test)");
    ApiClient desk = device(first.username, "correct horse", "Parley-Desk/3");
    try (WsClient onTablet = WsClient.connect(node.http(), tablet.token)) {
      onTablet.awaitType("hello");
      JsonNode list = desk.get("/api/v1/me/sessions").body().get("sessions");
      assertEquals(3, list.size(), list.toString());
      List<String> agents = new ArrayList<>();
      String tabletId = null;
      for (JsonNode s : list) {
        agents.add(s.get("userAgent").asText());
        assertEquals("127.0.0.1", s.get("address").asText());
        assertTrue(s.hasNonNull("created") && s.hasNonNull("lastUsed") && s.hasNonNull("expiresAt"), s.toString());
        assertEquals(16, s.get("id").asText().length());
        assertFalse(s.toString().contains(desk.token.substring(0, 64)), "no token, nor its hash, is shown");
        assertEquals(s.get("userAgent").asText().equals("Parley-Desk/3"), s.get("current").asBoolean());
        if (s.get("userAgent").asText().startsWith("Parley-Tablet")) {
          tabletId = s.get("id").asText();
        }
      }
      assertTrue(agents.contains("Parley-Tablet/2.1 (test)"), agents.toString());
      assertNotEquals(null, tabletId);

      assertEquals(204, desk.method("DELETE", "/api/v1/me/sessions/" + tabletId).status());
      assertEquals(4001, onTablet.awaitClose().code());
      assertEquals(401, tablet.get("/api/v1/me").status());
      assertEquals(2, desk.get("/api/v1/me/sessions").body().get("sessions").size());
      assertEquals("no_such_session", desk.method("DELETE", "/api/v1/me/sessions/" + tabletId).code());
      assertEquals(404, desk.method("DELETE", "/api/v1/me/sessions/0123456789abcdef").status());
      // Another user's session id is no such session for this one.
      ApiClient carol = node.client().newUser("carol");
      String carolsId = carol.get("/api/v1/me/sessions").body().get("sessions").get(0).get("id").asText();
      assertEquals(404, desk.method("DELETE", "/api/v1/me/sessions/" + carolsId).status());
      assertEquals(200, carol.get("/api/v1/me").status());
    }
  }

  @Test
  void aClosedAccountIsGoneButItsMessagesStayMarkedAndItsNameIsNeverGivenAgain() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    String general = bob.createRoom("{\"name\":\"general\"}");
    String former = bob.createRoom("{\"name\":\"former\"}");
    String quiet = bob.createRoom("{\"name\":\"quiet\"}");
    for (String room : List.of(general, former, quiet)) {
      assertEquals(200, alice.post("/api/v1/rooms/" + room + "/join", "{}").status());
    }
    assertEquals(201, alice.post("/api/v1/rooms/" + general + "/messages", "{\"clientMsgId\":\"a1\",\"text\":\"hi all\"}").status());
    assertEquals(201, alice.post("/api/v1/rooms/" + former + "/messages", "{\"clientMsgId\":\"a2\",\"text\":\"bye soon\"}").status());
    assertEquals(204, alice.post("/api/v1/rooms/" + former + "/leave", null).status());
    assertEquals(204, alice.post("/api/v1/rooms/" + quiet + "/leave", null).status());
    long quietLast = bob.get("/api/v1/rooms/" + quiet).body().get("lastSeq").asLong();
    assertEquals(201, bob.post("/api/v1/rooms/" + general + "/messages", "{\"clientMsgId\":\"b1\",\"text\":\"hi alice\"}").status());
    ApiClient phone = device(alice.username, "correct horse", "Parley-Phone/1.0");

    try (WsClient alicesSocket = WsClient.connect(node.http(), phone.token);
        WsClient bobsSocket = WsClient.connect(node.http(), bob.token)) {
      alicesSocket.awaitType("hello");
      bobsSocket.awaitType("hello");
      // The password is asked again, and a wrong one is refused like a wrong login.
      assertEquals("wrong_password", alice.delete("/api/v1/me", "{\"password\":\"wrong horse\"}").code());
      assertEquals(400, alice.delete("/api/v1/me", "{}").status());
      assertEquals(200, alice.get("/api/v1/me").status());

      assertEquals(204, alice.delete("/api/v1/me", "{\"password\":\"correct horse\"}").status());
      assertEquals(4001, alicesSocket.awaitClose().code(), "every device is logged out");
      assertEquals(401, alice.get("/api/v1/me").status());
      assertEquals(401, phone.get("/api/v1/me").status());
      assertEquals("bad_credentials", node.client().login(alice.username, "correct horse").code());
      assertEquals("username_taken", node.client().post("/api/v1/auth/signup",
          "{\"username\":\"" + alice.username + "\",\"password\":\"another horse\"}").code());
      assertEquals("no_such_user", bob.post("/api/v1/dms/" + alice.username, null).code());
      assertEquals("no_such_user", bob.get("/api/v1/users/" + alice.username).code());

      // Bob sees her leave the room they share, live, and the entry says why.
      JsonNode closed = bobsSocket.await(f -> "account_closed".equals(f.path("kind").asText()));
      assertEquals(alice.username, closed.get("sender").asText());
      assertTrue(closed.path("senderDeleted").asBoolean(), closed.toString());
    }
    TestProbe<Object> wait =
        TestProbe.create(node.system);
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      // Her messages stay, under her name, marked; his are not; a room where she wrote nothing is not touched.
      JsonNode page = bob.get("/api/v1/rooms/" + general + "/messages").body().get("messages");
      for (JsonNode m : page) {
        boolean hers = alice.username.equals(m.get("sender").asText());
        assertEquals(hers, m.path("senderDeleted").asBoolean(false), m.toString());
        assertEquals(!hers, m.path("senderDeleted").isMissingNode(), "absent unless true: " + m);
      }
      assertTrue(page.toString().contains("hi all"), page.toString());
      JsonNode formerPage = bob.get("/api/v1/rooms/" + former + "/messages").body().get("messages");
      JsonNode last = formerPage.get(formerPage.size() - 1);
      assertEquals("account_closed", last.get("kind").asText(), "the room she had left learns it too");
      assertTrue(formerPage.toString().contains("\"text\":\"bye soon\""));
      for (JsonNode m : formerPage) {
        assertEquals(alice.username.equals(m.get("sender").asText()), m.path("senderDeleted").asBoolean(false), m.toString());
      }
      assertEquals(quietLast, bob.get("/api/v1/rooms/" + quiet).body().get("lastSeq").asLong());
      JsonNode members = bob.get("/api/v1/rooms/" + general).body().get("members");
      assertFalse(members.toString().contains(alice.username), members.toString());
      return null;
    });
  }

  @Test
  void aRoomWhoseOwnerClosesTheAccountGoesToWhoeverRunsItLongestAndCanStillBeRun() throws Exception {
    ApiClient owner = node.client().newUser("founder");
    ApiClient early = node.client().newUser("early");
    ApiClient adminFirst = node.client().newUser("admin1");
    ApiClient adminSecond = node.client().newUser("admin2");
    ApiClient spammer = node.client().newUser("spammer");
    String room = owner.createRoom("{\"name\":\"handed over\"}");
    String plain = owner.createRoom("{\"name\":\"members only\"}");
    for (ApiClient u : List.of(early, adminSecond, adminFirst, spammer)) {
      assertEquals(200, u.post("/api/v1/rooms/" + room + "/join", null).status());
    }
    assertEquals(200, early.post("/api/v1/rooms/" + plain + "/join", null).status());
    assertEquals(200, adminSecond.post("/api/v1/rooms/" + plain + "/join", null).status());
    for (ApiClient admin : List.of(adminFirst, adminSecond)) {
      assertEquals(200, owner.post("/api/v1/rooms/" + room + "/roles", "{\"username\":\"" + admin.username
          + "\",\"role\":\"admin\"}").status());
    }
    assertEquals(204, owner.delete("/api/v1/me", "{\"password\":\"correct horse\"}").status());
    TestProbe<Object> probe =
        TestProbe.create(node.system);
    // The admin named first takes the room with admins; the member who joined first the one without.
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(adminFirst.username, early.get("/api/v1/rooms/" + room).body().get("owner").asText());
      assertEquals(early.username, early.get("/api/v1/rooms/" + plain).body().get("owner").asText());
      return null;
    });
    // And the room can be run again: the new owner sets retention, an admin removes the spammer.
    assertEquals(200, adminFirst.patch("/api/v1/rooms/" + room, "{\"retention\":{\"maxMessages\":1000}}").status());
    assertEquals(200, adminSecond.post("/api/v1/rooms/" + room + "/kick", "{\"username\":\"" + spammer.username
        + "\"}").status());
    JsonNode history = early.get("/api/v1/rooms/" + room + "/messages?limit=20").body();
    List<String> kinds = new ArrayList<>();
    history.get("messages").forEach(m -> kinds.add(m.get("kind").asText() + ":" + m.path("role").asText("")
        + ":" + m.path("user").asText("")));
    int handOver = kinds.indexOf("role:owner:" + adminFirst.username);
    assertTrue(handOver >= 0 && kinds.get(handOver + 1).startsWith("account_closed"), "handed over, then closed: " + kinds);
  }
}
