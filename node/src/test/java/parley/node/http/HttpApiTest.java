package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.RawHttp;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/** Protocol v1 over real HTTP against a started node: each row of the table, its success and its errors. */
class HttpApiTest extends OnOneNode {
  private ApiClient anonymous;

  @BeforeAll
  void anonymousClient() {
    anonymous = node.client();
  }

  @Test
  void signupValidatesAndLowerCases() {
    String name = "Sam-" + UUID.randomUUID().toString().substring(0, 6);
    var ok = anonymous.post("/api/v1/auth/signup", "{\"username\":\"" + name + "\",\"password\":\"correct horse\"}");
    assertEquals(201, ok.status());
    assertEquals(name.toLowerCase(), ok.body().get("username").asText());
    assertEquals("username_taken",
        anonymous.post("/api/v1/auth/signup", "{\"username\":\"" + name.toLowerCase() + "\",\"password\":\"correct horse\"}").code());
    assertEquals("invalid_username", anonymous.post("/api/v1/auth/signup", "{\"username\":\"a b\",\"password\":\"correct horse\"}").code());
    assertEquals("invalid_username", anonymous.post("/api/v1/auth/signup", "{\"username\":\"ab\",\"password\":\"correct horse\"}").code());
    assertEquals("weak_password", anonymous.post("/api/v1/auth/signup", "{\"username\":\"okname\",\"password\":\"short\"}").code());
    var tooLong = anonymous.post("/api/v1/auth/signup", "{\"username\":\"okname2\",\"password\":\"" + "é".repeat(37) + "\"}");
    assertEquals(400, tooLong.status());
    assertEquals("password_too_long", tooLong.code());
    assertEquals(400, anonymous.post("/api/v1/auth/signup", "{nope").status());
  }

  @Test
  void loginLogoutAndTokens() {
    ApiClient alice = anonymous.newUser("alice");
    assertEquals(200, alice.get("/api/v1/me").status());
    ApiClient stranger = node.client();
    assertEquals("bad_credentials", stranger.login(alice.username, "wrong password").code());
    assertEquals(401, stranger.login("nobody-" + UUID.randomUUID().toString().substring(0, 6), "whatever123").status());

    assertEquals("unauthorized", anonymous.get("/api/v1/me").code());
    stranger.token = "0".repeat(64) + "." + alice.username;
    assertEquals(401, stranger.get("/api/v1/me").status());
    stranger.token = "garbage";
    assertEquals(401, stranger.get("/api/v1/me").status());

    // A second login is a second token; logging out one leaves the other alive.
    ApiClient second = node.client();
    assertEquals(200, second.login(alice.username, "correct horse").status());
    assertTrue(second.get("/api/v1/me").status() == 200);
    assertEquals(204, alice.post("/api/v1/auth/logout", null).status());
    assertEquals(401, alice.get("/api/v1/me").status());
    assertEquals(200, second.get("/api/v1/me").status());

    Instant asked = Instant.now();
    var ticket = second.post("/api/v1/auth/ws-ticket", null);
    Instant answered = Instant.now();
    assertEquals(200, ticket.status());
    String issued = ticket.body().path("ticket").asText("");
    assertTrue(issued.matches("[0-9a-f]{64}\\." + Pattern.quote(alice.username)), "a ticket as documented: " + issued);
    // Valid for parley.auth.ticket-ttl (30 s) from its issue, stamped to the millisecond.
    Instant expires = Instant.parse(ticket.body().path("expiresAt").asText());
    assertFalse(expires.isBefore(asked.plusSeconds(30).truncatedTo(ChronoUnit.MILLIS)), expires + " vs asked " + asked);
    assertFalse(expires.isAfter(answered.plusSeconds(30)), expires + " vs answered " + answered);
    try (WsClient opened = WsClient.connectWithTicket(node.http(), issued)) {
      assertEquals(alice.username, opened.awaitType("hello").path("username").asText(), "the ticket opens a socket");
    }
  }

  @Test
  void roomsCreateJoinLeaveWithPasscodeAndCapacity() {
    ApiClient owner = anonymous.newUser("owner");
    ApiClient bob = anonymous.newUser("bob");
    ApiClient carol = anonymous.newUser("carol");

    assertEquals("invalid_room", owner.post("/api/v1/rooms", "{\"name\":\"\"}").code());
    assertEquals("invalid_room", owner.post("/api/v1/rooms", "{\"name\":\"" + "x".repeat(65) + "\"}").code());
    assertEquals("invalid_room", owner.post("/api/v1/rooms", "{\"name\":\"ok\",\"capacity\":1}").code());
    assertEquals("invalid_room", owner.post("/api/v1/rooms", "{\"name\":\"ok\",\"capacity\":10001}").code());
    assertEquals("invalid_room", owner.post("/api/v1/rooms", "{\"name\":\"\\udc00\"}").code());

    var created = owner.post("/api/v1/rooms", "{\"name\":\"secret club\",\"passcode\":\"sesame\",\"capacity\":2}");
    assertEquals(201, created.status());
    JsonNode room = created.body();
    String id = room.get("id").asText();
    assertEquals("room", room.get("kind").asText());
    assertEquals(owner.username, room.get("owner").asText());
    assertTrue(room.get("passcode").asBoolean());
    assertEquals(2, room.get("capacity").asInt());
    assertEquals(1, room.get("lastSeq").asLong());
    assertEquals(owner.username, room.get("members").get(0).get("username").asText());

    assertEquals("no_such_room", bob.post("/api/v1/rooms/nosuchroom1/join", null).code());
    assertEquals(404, bob.get("/api/v1/rooms/nosuchroom1").status());
    assertEquals("wrong_passcode", bob.post("/api/v1/rooms/" + id + "/join", "{\"passcode\":\"nope\"}").code());
    assertEquals(403, bob.post("/api/v1/rooms/" + id + "/join", null).status());
    var joined = bob.post("/api/v1/rooms/" + id + "/join", "{\"passcode\":\"sesame\"}");
    assertEquals(200, joined.status());
    assertEquals(2, joined.body().get("lastSeq").asLong());
    // Joining twice is a no-op.
    assertEquals(2, bob.post("/api/v1/rooms/" + id + "/join", "{\"passcode\":\"sesame\"}").body().get("lastSeq").asLong());
    assertEquals("room_full", carol.post("/api/v1/rooms/" + id + "/join", "{\"passcode\":\"sesame\"}").code());
    assertEquals(409, carol.post("/api/v1/rooms/" + id + "/join", "{\"passcode\":\"sesame\"}").status());

    assertEquals("not_a_member", carol.post("/api/v1/rooms/" + id + "/leave", null).code());
    assertEquals(204, bob.post("/api/v1/rooms/" + id + "/leave", null).status());
    assertEquals(200, carol.post("/api/v1/rooms/" + id + "/join", "{\"passcode\":\"sesame\"}").status());

    JsonNode listed = null;
    for (JsonNode r : owner.get("/api/v1/rooms").body().get("rooms")) {
      if (r.get("id").asText().equals(id)) {
        listed = r;
      }
    }
    assertNotNull(listed);
    assertEquals(2, listed.get("members").asInt());
    assertTrue(listed.get("passcode").asBoolean());
    assertEquals(2, listed.get("capacity").asInt());

    // A room nobody is in any more leaves the listing (it can still be joined by id).
    String lonely = carol.createRoom("{\"name\":\"lonely\"}");
    TestProbe<Object> poll = TestProbe.create(node.system);
    poll.awaitAssert(Duration.ofSeconds(10), () -> {
      assertTrue(listedIds(carol).contains(lonely));
      return null;
    });
    assertEquals(204, carol.post("/api/v1/rooms/" + lonely + "/leave", null).status());
    poll.awaitAssert(Duration.ofSeconds(10), () -> {
      assertFalse(listedIds(carol).contains(lonely));
      return null;
    });
    assertEquals(200, bob.post("/api/v1/rooms/" + lonely + "/join", null).status());

    // The timeline recorded each membership change with its own seq.
    var page = owner.get("/api/v1/rooms/" + id + "/messages");
    List<String> kinds = new ArrayList<>();
    page.body().get("messages").forEach(m -> kinds.add(m.get("seq").asLong() + m.get("kind").asText() + ":" + m.get("sender").asText()));
    assertEquals(List.of("1joined:" + owner.username, "2joined:" + bob.username, "3left:" + bob.username, "4joined:" + carol.username), kinds);
  }

  @Test
  void messagesPostDedupeAndPage() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient mallory = anonymous.newUser("mallory");
    String id = alice.createRoom("{\"name\":\"paging\"}");
    for (int i = 1; i <= 30; i++) {
      var posted = alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"m" + i + "\",\"text\":\"hello " + i + "\"}");
      assertEquals(201, posted.status());
      assertEquals(i + 1, posted.body().get("seq").asLong());
    }
    var again = alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"m7\",\"text\":\"hello 7, edited\"}");
    assertEquals(201, again.status());
    assertEquals(8, again.body().get("seq").asLong());
    assertEquals("hello 7", again.body().get("text").asText(), "a resend is answered with the entry stored first");
    assertEquals(31, alice.get("/api/v1/rooms/" + id).body().get("lastSeq").asLong());
    var caughtUp = alice.get("/api/v1/rooms/" + id + "/messages?after=31");
    assertEquals(0, caughtUp.body().get("messages").size());
    assertFalse(caughtUp.body().get("hasMore").asBoolean());
    // A cursor past the end is named, with where the room ends, never answered with an empty page.
    var ahead = alice.get("/api/v1/rooms/" + id + "/messages?after=32");
    assertEquals(409, ahead.status());
    assertEquals("cursor_ahead", ahead.code());
    assertEquals(31, ahead.body().get("error").get("lastSeq").asLong());
    assertEquals("cursor_ahead", alice.get("/api/v1/rooms/" + id + "/messages?after=" + Long.MAX_VALUE).code());

    var latest = alice.get("/api/v1/rooms/" + id + "/messages?limit=10");
    assertEquals(10, latest.body().get("messages").size());
    assertEquals(22, latest.body().get("messages").get(0).get("seq").asLong());
    assertTrue(latest.body().get("hasMore").asBoolean());
    var before = alice.get("/api/v1/rooms/" + id + "/messages?before=5&limit=10");
    assertEquals(4, before.body().get("messages").size());
    assertEquals(1, before.body().get("messages").get(0).get("seq").asLong());
    assertFalse(before.body().get("hasMore").asBoolean());
    var after = alice.get("/api/v1/rooms/" + id + "/messages?after=25");
    assertEquals(6, after.body().get("messages").size());
    assertFalse(after.body().get("hasMore").asBoolean());
    JsonNode m = after.body().get("messages").get(0);
    assertEquals(id, m.get("room").asText());
    assertEquals("message", m.get("kind").asText());
    assertEquals(alice.username, m.get("sender").asText());
    assertEquals("hello 25", m.get("text").asText());
    assertEquals("m25", m.get("clientMsgId").asText());
    assertTrue(m.get("sentAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), m.get("sentAt").asText());

    assertEquals("invalid_query", alice.get("/api/v1/rooms/" + id + "/messages?before=3&after=1").code());
    assertEquals("invalid_query", alice.get("/api/v1/rooms/" + id + "/messages?limit=201").code());
    assertEquals("invalid_query", alice.get("/api/v1/rooms/" + id + "/messages?after=x").code());
    assertEquals("not_a_member", mallory.get("/api/v1/rooms/" + id + "/messages").code());
    assertEquals(403, mallory.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"x\",\"text\":\"hi\"}").status());
    assertEquals("invalid_message", alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"e\",\"text\":\"\"}").code());
    assertEquals("invalid_message", alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"e\",\"text\":\"" + "x".repeat(4001) + "\"}").code());
    // JSON can spell a lone surrogate; it is refused at once (before, the room stopped and the sender waited 10 s).
    assertEquals("invalid_message", alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"e\",\"text\":\"a\\ud800b\"}").code());
    assertEquals(201, alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"e\",\"text\":\"after\"}").status());
  }

  @Test
  void aResendWhoseFirstCopyLeftTheRoomsMemoryGetsThatCopyFromTheJournal() {
    try (TestNode small = TestNode.start(ConfigFactory.parseString("parley.room.recent-entries = 5"))) {
      ApiClient alice = small.client().newUser("alice");
      String id = alice.createRoom("{\"name\":\"short memory\"}");
      assertEquals(2, alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"first\",\"text\":\"the first words\"}")
          .body().get("seq").asLong());
      for (int i = 0; i < 10; i++) {
        assertEquals(201, alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"n" + i + "\",\"text\":\"more\"}").status());
      }
      var again = alice.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"first\",\"text\":\"other words\"}");
      assertEquals(201, again.status());
      assertEquals(2, again.body().get("seq").asLong());
      assertEquals("the first words", again.body().get("text").asText());
      assertEquals(12, alice.get("/api/v1/rooms/" + id).body().get("lastSeq").asLong(), "nothing stored twice");
    }
  }

  @Test
  void oneUserCreatesAtMostTheirShareOfRoomsPerWindow() {
    try (TestNode small = TestNode.start(ConfigFactory.parseString("parley.limits.rooms-per-window = 3"))) {
      ApiClient flooder = small.client().newUser("flooder");
      ApiClient other = small.client().newUser("other");
      for (int i = 0; i < 3; i++) {
        flooder.createRoom("{\"name\":\"flood " + i + "\"}");
      }
      var refused = flooder.post("/api/v1/rooms", "{\"name\":\"one more\"}");
      assertEquals(429, refused.status());
      assertEquals("too_many_rooms", refused.code());
      assertTrue(refused.body().get("error").get("message").asText().contains("3 rooms in the last 1 hour"), refused.toString());
      assertEquals(201, other.post("/api/v1/rooms", "{\"name\":\"someone else's\"}").status(), "others are not affected");
    }
  }

  private static List<String> listedIds(ApiClient client) {
    List<String> ids = new ArrayList<>();
    client.get("/api/v1/rooms").body().get("rooms").forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  @Test
  void readMarkersAndUnread() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    String id = alice.createRoom("{\"name\":\"unread\"}");
    bob.post("/api/v1/rooms/" + id + "/join", null);
    for (int i = 0; i < 5; i++) {
      bob.post("/api/v1/rooms/" + id + "/messages", "{\"clientMsgId\":\"b" + i + "\",\"text\":\"hi\"}");
    }
    JsonNode summary = alice.get("/api/v1/me").body().get("rooms").get(0);
    assertEquals(7, summary.get("lastSeq").asLong());
    assertEquals(1, summary.get("readSeq").asLong());
    assertEquals(5, summary.get("unread").asLong(), "bob's five messages; his join is not one to read");
    // The sender's own marker moved with the send.
    assertEquals(0, bob.get("/api/v1/me").body().get("rooms").get(0).get("unread").asLong());

    assertEquals(204, alice.post("/api/v1/rooms/" + id + "/read", "{\"seq\":5}").status());
    assertEquals(2, alice.get("/api/v1/me").body().get("rooms").get(0).get("unread").asLong());
    assertEquals(204, alice.post("/api/v1/rooms/" + id + "/read", "{\"seq\":3}").status());
    assertEquals(5, alice.get("/api/v1/me").body().get("rooms").get(0).get("readSeq").asLong());
    ApiClient carol = anonymous.newUser("carol");
    assertEquals("not_a_member", carol.post("/api/v1/rooms/" + id + "/read", "{\"seq\":3}").code());
  }

  @Test
  void directMessagesAndUsers() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    var first = alice.post("/api/v1/dms/" + bob.username, null);
    assertEquals(200, first.status());
    assertEquals("dm", first.body().get("kind").asText());
    var second = bob.post("/api/v1/dms/" + alice.username.toUpperCase(), null);
    assertEquals(first.body().get("id").asText(), second.body().get("id").asText());
    assertEquals(first.body().get("id").asText(), alice.post("/api/v1/dms/" + bob.username, null).body().get("id").asText());
    assertEquals(2, second.body().get("members").size());
    assertEquals("no_such_user", alice.post("/api/v1/dms/nobody-" + UUID.randomUUID().toString().substring(0, 6), null).code());

    // DMs are not listed, and not readable by others.
    for (JsonNode r : alice.get("/api/v1/rooms").body().get("rooms")) {
      assertFalse(r.get("id").asText().startsWith("dm:"));
    }
    ApiClient eve = anonymous.newUser("eve");
    assertEquals(404, eve.get("/api/v1/rooms/" + first.body().get("id").asText()).status());
    assertEquals(404, eve.post("/api/v1/rooms/" + first.body().get("id").asText() + "/join", null).status());

    var user = alice.get("/api/v1/users/" + bob.username);
    assertEquals(200, user.status());
    assertEquals(bob.username, user.body().get("username").asText());
    assertFalse(user.body().get("online").asBoolean());
    assertTrue(user.body().get("lastSeen").isNull());
    assertEquals("no_such_user", alice.get("/api/v1/users/nobody-x1").code());
  }

  @Test
  void badRequestsGetJsonErrors() throws Exception {
    ApiClient alice = anonymous.newUser("alice");
    assertEquals(405, alice.method("PUT", "/api/v1/me").status());
    assertEquals("method_not_allowed", alice.method("PUT", "/api/v1/me").code());
    assertEquals("not_found", alice.get("/api/v1/nothing-here").code());
    assertEquals("websocket_required", alice.get("/api/v1/ws").code());
    assertEquals("invalid_request", alice.post("/api/v1/rooms", "[1,2]").code());
    assertEquals("invalid_request", alice.post("/api/v1/rooms", null).code());
    assertEquals(200, alice.get("/alive").status());
    assertEquals(200, alice.get("/ready").status());

    // Wrong types and repeated keys are refused, never coerced.
    String name = "n" + UUID.randomUUID().toString().substring(0, 6);
    assertEquals("invalid_request", anonymous.post("/api/v1/auth/signup", "{\"username\":12345,\"password\":\"correct horse\"}").code());
    assertEquals("invalid_request", anonymous.post("/api/v1/auth/signup",
        "{\"username\":\"" + name + "\",\"password\":\"correct horse\",\"username\":\"" + name + "x\"}").code());
    assertEquals("invalid_request", alice.post("/api/v1/rooms", "{\"name\":\"x\",\"capacity\":2.9}").code());
    assertEquals("invalid_request", alice.post("/api/v1/rooms", "{\"name\":\"x\",\"capacity\":\"10\"}").code());
    // One body is one JSON value: trailing data, or a second object, is refused (never the first alone taken).
    assertEquals("invalid_request", alice.post("/api/v1/rooms", "{\"name\":\"x\"} xyz").code());
    assertEquals("invalid_request", alice.post("/api/v1/rooms", "{\"name\":\"x\"}{\"name\":\"y\"}").code());
    String room = alice.createRoom("{\"name\":\"strict\"}");
    assertEquals("invalid_request", alice.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"c\",\"text\":5}").code());
    assertEquals("invalid_request", alice.post("/api/v1/rooms/" + room + "/read", "{\"seq\":1.5}").code());
    // Text with nothing to see, and names with terminal controls.
    assertEquals("invalid_message", alice.post("/api/v1/rooms/" + room + "/messages",
        "{\"clientMsgId\":\"z\",\"text\":\"\\u200b\\u3000\\u2066\"}").code());
    assertEquals("invalid_room", alice.post("/api/v1/rooms", "{\"name\":\"\\u001b]0;pwned\\u0007\"}").code());
    assertEquals("invalid_room", alice.post("/api/v1/rooms", "{\"name\":\"abc\\u202edef\"}").code());
    // A body over the limit is 413 with the limit on every call, signup and login included, answered from the
    // headers: only they are sent, since a node that refuses a body closes the connection, and a body still being
    // written then can reset it before the client reads the answer.
    for (String path : List.of("/api/v1/auth/signup", "/api/v1/auth/login", "/api/v1/rooms")) {
      try (var s = RawHttp.connect(node.port, "127.0.0.1")) {
        s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.token
            + "\r\nContent-Type: application/json\r\nContent-Length: 300000\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        var tooBig = RawHttp.read(s);
        assertEquals(413, tooBig.status(), path);
        JsonNode error = Json.mapper().readTree(tooBig.body()).get("error");
        assertEquals("body_too_large", error.get("code").asText(), path);
        assertTrue(error.get("message").asText().contains("262144"), tooBig.body());
      }
    }
  }

  @Test
  void whatTheHttpLayerRefusesStillComesAsJson() throws Exception {
    for (String[] c : new String[][] {
        {"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", "431", "headers_too_large"},
        {"GET /api/v1/rooms?q=" + "a".repeat(50_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414", "uri_too_long"},
        {"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", "400", "invalid_request"}}) {
      try (var s = RawHttp.connect(node.port, "127.0.0.1")) {
        s.getOutputStream().write(c[0].getBytes(StandardCharsets.ISO_8859_1));
        var answer = RawHttp.read(s);
        assertEquals(Integer.parseInt(c[1]), answer.status());
        assertEquals(c[2], Json.mapper().readTree(answer.body()).get("error").get("code").asText(), answer.body());
      }
    }
  }

  @Test
  void theRoomListPagesInNameOrderAndFilters() {
    ApiClient lister = anonymous.newUser("lister");
    String tag = "pg" + UUID.randomUUID().toString().substring(0, 6);
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(lister.createRoom("{\"name\":\"" + tag + " " + (char) ('E' - i) + "\"}"));
    }
    TestProbe<Object> poll = TestProbe.create(node.system);
    poll.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(5, lister.get("/api/v1/rooms?q=" + tag + "&limit=200").body().get("rooms").size());
      return null;
    });
    List<String> names = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      var page = lister.get("/api/v1/rooms?q=" + tag.toUpperCase() + "&limit=2" + (after == null ? "" : "&after=" + after)).body();
      page.get("rooms").forEach(r -> names.add(r.get("name").asText()));
      after = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
    } while (after != null);
    assertEquals(3, pages);
    assertEquals(List.of(tag + " A", tag + " B", tag + " C", tag + " D", tag + " E"), names);
    assertEquals("invalid_query", lister.get("/api/v1/rooms?after=%21%21").code());
    assertEquals("invalid_query", lister.get("/api/v1/rooms?limit=0").code());
    assertEquals("invalid_query", lister.get("/api/v1/rooms?q=" + "x".repeat(65)).code());
  }

  @Test
  void anOutsiderCannotTellThatADmExists() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    ApiClient eve = anonymous.newUser("eve");
    String dm = alice.post("/api/v1/dms/" + bob.username, null).body().get("id").asText();
    String nobodys = "dm:" + bob.username + ":" + eve.username.replace("eve", "zzz");
    for (String id : List.of(dm, nobodys)) {
      assertEquals("no_such_room", eve.post("/api/v1/rooms/" + id + "/leave", null).code(), id);
      assertEquals("no_such_room", eve.post("/api/v1/rooms/" + id + "/read", "{\"seq\":1}").code(), id);
      assertEquals("no_such_room", eve.get("/api/v1/rooms/" + id + "/messages").code(), id);
      assertEquals(404, eve.get("/api/v1/rooms/" + id).status(), id);
    }
  }
}
