package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import parley.node.NodeMetrics;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Bytes;
import parley.node.testkit.Eventually;
import parley.node.testkit.FileRows;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.RawHttp;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/**
 * What one account can do to everyone else, tried from outside the way a hostile user would: hold the node's
 * connections, its upload slots, guess passcodes, spam group DMs at a stranger, pile up tokens and tickets. Each
 * attack meets its own limit, which says its number, while other users go on being served.
 */
class OneAccountTest extends OnOneNode {
  @Override
  protected Config nodeConfig() {
    return ConfigFactory.parseString("""
        parley.http.max-connections = 400
        parley.files.uploads-per-user = 3
        parley.files.min-rate = 4 KiB
        parley.files.min-rate-window = 2 s
        parley.limits.group-dms-per-window = 3
        parley.auth.max-sessions = 4
        parley.limits.tickets.burst = 5
        parley.limits.tickets.per-second = 0.1
        parley.files.download-recheck.bytes = 256 KiB
        """);
  }

  private static JsonNode error(RawHttp.Handshake answer) throws IOException {
    return Json.mapper().readTree(answer.body()).get("error");
  }

  private static String authorized(String path, String token) {
    return "GET " + path + " HTTP/1.1\r\nHost: parley\r\nAuthorization: Bearer " + token + "\r\n\r\n";
  }

  /**
   * Another user's login and the probe, from another address: both answered while the attack holds its connections
   * (the time they took is printed; how fast is the benchmarks' to say, a loaded host's is not a test's bound).
   */
  private void othersAreServed(ApiClient other) throws Exception {
    long start = System.nanoTime();
    try (Socket probe = RawHttp.connect(node.port, "127.0.0.2")) {
      assertEquals(200, RawHttp.request(probe, "/alive").status());
    }
    String body = "{\"username\":\"" + other.username + "\",\"password\":\"correct horse\"}";
    try (Socket login = RawHttp.connect(node.port, "127.0.0.2")) {
      login.getOutputStream().write(("POST /api/v1/auth/login HTTP/1.1\r\nHost: parley\r\nContent-Type: application/json"
          + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, RawHttp.read(login).status());
    }
    System.out.println("OneAccountTest: the probe and another user's login took "
        + (System.nanoTime() - start) / 1_000_000 + " ms while the attack held its connections");
  }

  @Test
  void oneUserHoldingPlainConnectionsGetsSixteenAndOneAddressAQuarterWhileOthersAreServed() throws Exception {
    ApiClient mallory = node.client().newUser("mallory");
    ApiClient alice = node.client().newUser("alice");
    List<Socket> held = new ArrayList<>();
    try {
      // The attack as it was made: keep-alive connections, an authenticated GET /me on each, all held open.
      int served = 0;
      int refused = 0;
      for (int i = 0; i < 40; i++) {
        Socket s = RawHttp.connect(node.port, "127.0.0.1");
        held.add(s);
        s.getOutputStream().write(authorized("/api/v1/me", mallory.token).getBytes(StandardCharsets.US_ASCII));
        RawHttp.Handshake answer = RawHttp.read(s);
        if (answer.status() == 200) {
          served++;
        } else {
          assertEquals(429, answer.status(), answer.body());
          assertEquals("too_many_connections", error(answer).get("code").asText());
          assertTrue(error(answer).get("message").asText().contains("16"), "says its number: " + answer.body());
          assertEquals(-1, s.getInputStream().read(), "and the connection closes");
          refused++;
        }
      }
      assertEquals(16, served, "a user holds 16 plain connections");
      assertEquals(24, refused);
      // The held ones still work (keep-alive), and others are served meanwhile.
      assertEquals(200, RawHttp.request(held.get(0), "/alive").status());
      othersAreServed(alice);

      // More accounts from one address: past a quarter of the node's 400, that address is refused.
      for (int i = held.size(); i < 140; i++) {
        held.add(RawHttp.connect(node.port, "127.0.0.1"));
      }
      Socket over = held.get(held.size() - 1);
      RawHttp.Handshake answer = RawHttp.request(over, "/alive");
      assertEquals(429, answer.status());
      assertTrue(error(answer).get("message").asText().contains("100 connections"), answer.body());
      othersAreServed(alice);
      // The management port answers whatever the API port holds.
      int management = NodeMetrics.get(node.system).port();
      try (Socket probe = RawHttp.connect(management, "127.0.0.1")) {
        assertEquals(200, RawHttp.request(probe, "/ready").status());
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void oneUserGetsThreeUploadSlotsAndATrickleIsCutOff() throws Exception {
    ApiClient mallory = node.client().newUser("trickler");
    ApiClient bob = node.client().newUser("bob");
    String room = mallory.createRoom("{\"name\":\"uploads\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", null).status());
    Set<String> before;
    try (Connection c = connection()) {
      before = FileRows.locations(c);
    }
    List<Socket> uploads = new ArrayList<>();
    ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
    List<ScheduledFuture<?>> feeders = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        // From an address of their own: the sockets another test of this class held from 127.0.0.1 may not all be
        // counted closed yet, and that address's cap is not what this test is about.
        Socket s = RawHttp.connect(node.port, "127.0.0.3");
        uploads.add(s);
        s.getOutputStream().write(("POST /api/v1/rooms/" + room + "/files?name=t" + i + ".bin&clientMsgId=t" + i
            + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + mallory.token + "\r\nContent-Length: 20000000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        // Each upload is fed well above the node's 4 KiB/s minimum until the fourth has been refused, so on a slow
        // machine none is cut off (and frees its slot) before the check below has run.
        byte[] chunk = new byte[4096];
        feeders.add(feeder.scheduleAtFixedRate(() -> {
          try {
            s.getOutputStream().write(chunk);
            s.getOutputStream().flush();
          } catch (IOException cut) {
            throw new UncheckedIOException(cut);
          }
        }, 0, 100, TimeUnit.MILLISECONDS));
      }
      TestProbe<Object> probe = TestProbe.create(node.system);
      // The fourth is sent only once all three hold their slots (each has marked its upload in the database): sent
      // sooner, it could take the third's slot, and the third's refusal would be lost to the reset of its socket.
      probe.awaitAssert(Duration.ofSeconds(20), () -> {
        for (Socket s : uploads) {
          assertNoAnswerYet(s);
        }
        try (Connection c = connection()) {
          assertEquals(3, FileRows.uploadsSince(c, before), "the three uploads are under way");
        } catch (SQLException e) {
          throw new AssertionError(e);
        }
        return null;
      });
      ApiClient.Reply fourth = uploadSmall(mallory, room, "t4");
      assertEquals(429, fourth.status(), fourth.toString());
      assertEquals("too_many_uploads_per_user", fourth.code());
      assertTrue(fourth.body().get("error").get("message").asText().contains("3 uploads"));
      assertEquals(201, uploadSmall(bob, room, "b1").status(), "another user's upload goes through");
      for (ScheduledFuture<?> feed : feeders) {
        assertFalse(feed.isDone(), "an upload fed above the minimum rate is still open");
      }
      feeder.shutdown();
      assertTrue(feeder.awaitTermination(10, TimeUnit.SECONDS));
      // Now they bring one byte now and then: under 4 KiB/s over a window of 2 s, each is cut off with 408. All three
      // at once, each answer read as it comes by a reader of its own (the node checks an upload's rate as its bytes
      // arrive, and closes once it has answered: a byte written after that must not stand between the test and it).
      List<CompletableFuture<RawHttp.Handshake>> answers = new ArrayList<>();
      for (Socket s : uploads) {
        answers.add(CompletableFuture.supplyAsync(() -> {
          try {
            return RawHttp.read(s);
          } catch (IOException e) {
            throw new IllegalStateException("reading the answer to a trickle: " + e, e);
          }
        }));
      }
      for (int round = 0; round < 600 && !answers.stream().allMatch(CompletableFuture::isDone); round++) {
        for (int i = 0; i < uploads.size(); i++) {
          if (!answers.get(i).isDone()) {
            try {
              uploads.get(i).getOutputStream().write('x');
              uploads.get(i).getOutputStream().flush();
            } catch (IOException closed) {
              // the node answered and closed: the reader has its answer
            }
          }
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // the trickle's pace, not a wait for a result
      }
      for (CompletableFuture<RawHttp.Handshake> answer : answers) {
        RawHttp.Handshake cut = answer.get(Eventually.dilated(Eventually.LONG).toSeconds(), TimeUnit.SECONDS);
        assertEquals(408, cut.status(), "a trickle is cut off: " + cut.body());
        assertEquals("upload_too_slow", error(cut).get("code").asText());
        assertTrue(error(cut).get("message").asText().contains("4096 bytes a second"), cut.body());
      }
      // Slots free again: the user uploads.
      probe.awaitAssert(Duration.ofSeconds(10), () -> {
        assertEquals(201, uploadSmall(mallory, room, "t5").status());
        return null;
      });
    } finally {
      feeder.shutdownNow();
      for (Socket s : uploads) {
        s.close();
      }
    }
  }

  private Connection connection() throws SQLException {
    Config db = node.system.settings().config().getConfig("pekko-persistence-jdbc.shared-databases.slick.db");
    return DriverManager.getConnection(db.getString("url"), db.getString("user"), db.getString("password"));
  }

  private static void assertNoAnswerYet(Socket upload) {
    try {
      if (upload.getInputStream().available() > 0) {
        throw new AssertionError("an upload was answered before its end: " + RawHttp.read(upload));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ApiClient.Reply uploadSmall(ApiClient user, String room, String id) {
    return user.postBytes("/api/v1/rooms/" + room + "/files?name=" + id + ".txt&clientMsgId=" + id,
        "a few bytes".getBytes(StandardCharsets.UTF_8), "text/plain");
  }

  @Test
  void guessingARoomsPasscodeEarnsWaitsNotCpu() {
    ApiClient owner = node.client().newUser("owner");
    ApiClient guesser = node.client().newUser("guesser");
    ApiClient.Reply tooShort = owner.post("/api/v1/rooms", "{\"name\":\"vault\",\"passcode\":\"12345\"}");
    assertEquals(400, tooShort.status());
    assertEquals("passcode_too_short", tooShort.code());
    assertTrue(tooShort.body().get("error").get("message").asText().contains("6"));
    String room = owner.createRoom("{\"name\":\"vault\",\"passcode\":\"opensesame\"}");
    ApiClient.Reply none = guesser.post("/api/v1/rooms/" + room + "/join", "{}");
    assertEquals(403, none.status());
    assertEquals("passcode_required", none.code());
    for (int i = 0; i < 5; i++) {
      ApiClient.Reply wrong = guesser.post("/api/v1/rooms/" + room + "/join", "{\"passcode\":\"guess" + i + "\"}");
      assertEquals("wrong_passcode", wrong.code(), wrong.toString());
    }
    // The sixth is not checked at all (no BCrypt): the guesser is told when to try again.
    ApiClient.Reply held = guesser.post("/api/v1/rooms/" + room + "/join", "{\"passcode\":\"opensesame\"}");
    assertEquals(429, held.status(), held.toString());
    assertEquals("rate_limited", held.code());
    assertTrue(held.body().get("error").get("retryAfterMs").asLong() > 0);
    // Another user is not held back by the guesser's failures.
    ApiClient friend = node.client().newUser("friend");
    assertEquals(200, friend.post("/api/v1/rooms/" + room + "/join", "{\"passcode\":\"opensesame\"}").status());
  }

  @Test
  void aStrangersGroupDmIsAnInvitationAndGroupDmsHaveALimit() throws Exception {
    ApiClient spammer = node.client().newUser("spammer");
    ApiClient victim = node.client().newUser("victim");
    ApiClient friend = node.client().newUser("pal");
    String shared = spammer.createRoom("{\"name\":\"shared\"}");
    assertEquals(200, friend.post("/api/v1/rooms/" + shared + "/join", null).status());
    List<ApiClient> thirds = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      thirds.add(node.client().newUser("third" + i));
    }
    try (WsClient laptop = WsClient.connect(node.http(), victim.token);
        WsClient phone = WsClient.connect(node.http(), victim.token)) {
      laptop.awaitType("hello");
      phone.awaitType("hello");
      ApiClient.Reply first = spammer.post("/api/v1/dms", "{\"usernames\":[\"" + victim.username + "\",\""
          + friend.username + "\"]}");
      assertEquals(200, first.status(), first.toString());
      String group = first.body().get("id").asText();
      List<String> members = new ArrayList<>();
      first.body().get("members").forEach(m -> members.add(m.get("username").asText()));
      assertTrue(members.contains(friend.username), "one who shares a room is in it: " + members);
      assertFalse(members.contains(victim.username), "a stranger is not: " + members);
      // The stranger sees an invitation, on every device, and no room.
      for (WsClient device : List.of(laptop, phone)) {
        JsonNode invite = device.awaitType("invite");
        assertEquals(group, invite.get("invite").get("room").get("id").asText());
        assertEquals(spammer.username, invite.get("invite").get("from").asText());
      }
      assertEquals(0, victim.get("/api/v1/me").body().get("rooms").size());
      // A message there reaches the stranger nowhere: no room, no notification.
      assertEquals(201, spammer.post("/api/v1/rooms/" + group + "/messages",
          "{\"clientMsgId\":\"m1\",\"text\":\"@" + victim.username + " buy now\"}").status());
      assertEquals(0, victim.get("/api/v1/me/notifications").body().get("notifications").size());

      // Only 3 group DMs an hour here: the rest is refused with its code and number.
      for (int i = 1; i < 3; i++) {
        assertEquals(200, spammer.post("/api/v1/dms", "{\"usernames\":[\"" + victim.username + "\",\""
            + thirds.get(i).username + "\"]}").status());
      }
      ApiClient.Reply fourth = spammer.post("/api/v1/dms", "{\"usernames\":[\"" + victim.username + "\",\""
          + thirds.get(3).username + "\"]}");
      assertEquals(429, fourth.status(), fourth.toString());
      assertEquals("too_many_group_dms", fourth.code());
      assertTrue(fourth.body().get("error").get("message").asText().contains("3 group DMs"));
      assertEquals(3, victim.get("/api/v1/me/invites").body().get("invites").size());

      // Declined on the laptop: the phone drops it too. Blocking the sender ends the others, on both.
      assertEquals(204, victim.post("/api/v1/me/invites/" + group + "/decline", null).status());
      for (WsClient device : List.of(laptop, phone)) {
        JsonNode ended = device.await(f -> "invite_ended".equals(f.path("type").asText())
            && group.equals(f.path("room").asText()));
        assertFalse(ended.get("accepted").asBoolean());
      }
      assertEquals(204, victim.post("/api/v1/me/blocks/" + spammer.username, null).status());
      assertEquals(0, victim.get("/api/v1/me/invites").body().get("invites").size());
      assertEquals(3, phone.awaitCount(f -> "invite_ended".equals(f.path("type").asText()), 3),
          "one declined, two ended by the block");
      assertEquals(List.of(spammer.username), List.of(victim.get("/api/v1/me/blocks").body().get("blocks").get(0)
          .asText()));
      // A blocked sender's DM does not reach the victim, and the sender is not told.
      ApiClient.Reply dm = spammer.post("/api/v1/dms/" + victim.username, null);
      assertEquals(200, dm.status());
      assertEquals(0, victim.get("/api/v1/me").body().get("rooms").size());
    }
  }

  @Test
  void aStrangersDmIsAnInvitationAndADmMakesNoContact() {
    ApiClient stranger = node.client().newUser("stranger");
    ApiClient alice = node.client().newUser("alice");
    ApiClient frank = node.client().newUser("frank");
    JsonNode dm = stranger.post("/api/v1/dms/" + alice.username, null).body();
    assertEquals(1, dm.get("members").size(), "only the stranger, until alice accepts: " + dm);
    String dmId = dm.get("id").asText();
    assertEquals(0, alice.get("/api/v1/me").body().get("rooms").size(), "alice was not put in it");
    JsonNode invites = alice.get("/api/v1/me/invites").body().get("invites");
    assertEquals(1, invites.size(), invites.toString());
    assertEquals("dm", invites.get(0).get("room").get("kind").asText());
    assertEquals(stranger.username, invites.get(0).get("from").asText());
    assertEquals(201, stranger.post("/api/v1/rooms/" + dmId + "/messages",
        "{\"clientMsgId\":\"s1\",\"text\":\"hello @" + alice.username + "\"}").status());
    assertEquals(0, alice.get("/api/v1/me/notifications").body().get("notifications").size(),
        "nothing of it reaches alice before she accepts");

    // Accepted, it is a DM of two; it still makes them no contacts: his group DM with her is an invitation too.
    assertEquals(2, alice.post("/api/v1/me/invites/" + dmId + "/accept", null).body().get("members").size());
    String group = stranger.post("/api/v1/dms", "{\"usernames\":[\"" + alice.username + "\",\"" + frank.username
        + "\"]}").body().get("id").asText();
    JsonNode rooms = alice.get("/api/v1/me").body().get("rooms");
    assertEquals(1, rooms.size(), "the DM only, not the group: " + rooms);
    assertEquals(group, alice.get("/api/v1/me/invites").body().get("invites").get(0).get("room").get("id").asText());

    // Someone who shares a room with alice is a contact: his DM has her in it at once.
    String shared = frank.createRoom("{\"name\":\"shared " + frank.username + "\"}");
    assertEquals(200, alice.post("/api/v1/rooms/" + shared + "/join", null).status());
    assertEquals(2, frank.post("/api/v1/dms/" + alice.username, null).body().get("members").size());
  }

  @Test
  void anInvitationAcceptedOnOneDeviceIsARoomOnEvery() throws Exception {
    ApiClient host = node.client().newUser("host");
    ApiClient guest = node.client().newUser("guest");
    ApiClient other = node.client().newUser("other");
    try (WsClient laptop = WsClient.connect(node.http(), guest.token);
        WsClient phone = WsClient.connect(node.http(), guest.token)) {
      laptop.awaitType("hello");
      phone.awaitType("hello");
      String group = host.post("/api/v1/dms", "{\"usernames\":[\"" + guest.username + "\",\"" + other.username
          + "\"]}").body().get("id").asText();
      laptop.awaitType("invite");
      ApiClient.Reply accepted = guest.post("/api/v1/me/invites/" + group + "/accept", null);
      assertEquals(200, accepted.status(), accepted.toString());
      for (WsClient device : List.of(laptop, phone)) {
        assertTrue(device.await(f -> "invite_ended".equals(f.path("type").asText())).get("accepted").asBoolean());
      }
      assertEquals(201, host.post("/api/v1/rooms/" + group + "/messages",
          "{\"clientMsgId\":\"hi\",\"text\":\"welcome\"}").status());
      for (WsClient device : List.of(laptop, phone)) {
        device.await(f -> "message".equals(f.path("type").asText()) && "welcome".equals(f.path("text").asText()));
      }
      assertEquals(404, guest.post("/api/v1/me/invites/" + group + "/accept", null).status(), "answered once");
    }
  }

  @Test
  void anAccountKeepsAtMostItsLimitOfSessionsAndSaysWhichEnded() throws Exception {
    ApiClient first = node.client().newUser("hoarder");
    try (WsClient oldest = WsClient.connect(node.http(), first.token)) {
      oldest.awaitType("hello");
      List<ApiClient> logins = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ApiClient again = node.client();
        assertEquals(200, again.login(first.username, "correct horse").status());
        logins.add(again);
      }
      // Five logins, a limit of 4: the least recently used (the first) ended, and its socket with it.
      assertEquals(4001, oldest.awaitClose().code());
      assertEquals(401, first.get("/api/v1/me").status());
      JsonNode sessions = logins.get(3).get("/api/v1/me/sessions").body();
      assertEquals(4, sessions.get("sessions").size());
      assertEquals(4, sessions.get("limit").asInt());
      assertEquals(1, sessions.get("ended").size());
      assertEquals("session_limit", sessions.get("ended").get(0).get("reason").asText());
      // Tickets: 5 at once, then one in 10 s.
      for (int i = 0; i < 5; i++) {
        assertEquals(200, logins.get(0).post("/api/v1/auth/ws-ticket", null).status());
      }
      ApiClient.Reply sixth = logins.get(0).post("/api/v1/auth/ws-ticket", null);
      assertEquals(429, sixth.status());
      assertEquals("rate_limited", sixth.code());
      assertTrue(sixth.body().get("error").get("message").asText().contains("5 tickets"));
    }
  }

  @Test
  void aMemberKickedMidDownloadGetsNoMoreOfTheFile() throws Exception {
    ApiClient owner = node.client().newUser("sharer");
    ApiClient reader = node.client().newUser("reader");
    String room = owner.createRoom("{\"name\":\"big file\"}");
    assertEquals(200, reader.post("/api/v1/rooms/" + room + "/join", null).status());
    int size = 24 * 1024 * 1024;
    ApiClient.Reply shared = owner.postBytes("/api/v1/rooms/" + room + "/files?name=big.bin&clientMsgId=big",
        Bytes.random(size, 7), "application/octet-stream");
    assertEquals(201, shared.status(), shared.toString());
    String id = shared.body().get("file").get("id").asText();
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(16 * 1024);
      s.connect(new InetSocketAddress("127.0.0.1", node.port), 5000);
      s.getOutputStream().write(authorized("/api/v1/files/" + id, reader.token).getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      s.setSoTimeout(20_000);
      StringBuilder head = new StringBuilder();
      while (head.indexOf("\r\n\r\n") < 0) {
        head.append((char) in.read());
      }
      assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
      byte[] buffer = new byte[64 * 1024];
      long received = in.readNBytes(buffer, 0, buffer.length);
      // Kicked while the file streams: the rest does not come (what the socket buffers held at the kick may).
      assertEquals(200, owner.post("/api/v1/rooms/" + room + "/kick", "{\"username\":\"" + reader.username + "\"}")
          .status());
      long more;
      try {
        while ((more = in.read(buffer)) > 0) {
          received += more;
        }
      } catch (IOException reset) {
        // the node cut the connection
      }
      assertTrue(received < size - 8L * 1024 * 1024, "after the kick the download stopped: " + received + " of "
          + size + " bytes arrived");
    }
  }
}
