package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.typesafe.config.ConfigFactory;
import java.net.URLEncoder;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;
import parley.protocol.Limits;

/** The WebSocket half of protocol v1, with a plain WebSocket client against a started node. */
class WebSocketApiTest extends OnOneNode {
  private ApiClient anonymous;

  @BeforeAll
  void anonymousClient() {
    anonymous = node.client();
  }

  private static boolean isMessage(JsonNode n, String room, long seq) {
    return "message".equals(n.path("type").asText()) && room.equals(n.path("room").asText()) && n.path("seq").asLong() == seq;
  }

  /** The node keeps so few entries in memory that what a scenario reads back is older than them. */
  boolean beyondMemory() {
    return false;
  }

  @Test
  void handshakeNeedsCredentials() {
    assertEquals(401, WsClient.refusedStatus(node.http(), null));
    assertEquals(401, WsClient.refusedStatus(node.http(), "0".repeat(64) + ".nobody"));
  }

  @Test
  void helloSendAckAndDeliveryToOthers() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    String room = alice.createRoom("{\"name\":\"ws\"}");
    bob.post("/api/v1/rooms/" + room + "/join", null);
    try (WsClient a = WsClient.connect(node.http(), alice.token); WsClient b = WsClient.connect(node.http(), bob.token)) {
      JsonNode hello = a.awaitType("hello");
      assertEquals(alice.username, hello.get("username").asText());
      assertEquals(room, hello.get("rooms").get(0).get("id").asText());
      assertEquals(2, hello.get("rooms").get(0).get("lastSeq").asLong());
      b.awaitType("hello");

      a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"c-1\",\"text\":\"hi bob\"}");
      JsonNode ack = a.await(n -> "ack".equals(n.path("type").asText()));
      assertEquals("c-1", ack.get("clientMsgId").asText());
      assertEquals(room, ack.get("room").asText());
      assertEquals(3, ack.get("seq").asLong());
      JsonNode atBob = b.await(n -> isMessage(n, room, 3));
      assertEquals("hi bob", atBob.get("text").asText());
      assertEquals(alice.username, atBob.get("sender").asText());
      a.await(n -> isMessage(n, room, 3));

      // A resend with the same clientMsgId gets the same seq and is stored once.
      a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"c-1\",\"text\":\"hi bob\"}");
      assertEquals(3, a.await(n -> "ack".equals(n.path("type").asText())).get("seq").asLong());
      assertEquals(3, alice.get("/api/v1/rooms/" + room).body().get("lastSeq").asLong());

      a.send("{\"type\":\"ping\"}");
      a.awaitType("pong");
    }
  }

  private static boolean isTyping(JsonNode n, String room, String user, boolean stop) {
    return "typing".equals(n.path("type").asText()) && room.equals(n.path("room").asText())
        && user.equals(n.path("username").asText()) && n.path("stop").asBoolean(false) == stop;
  }

  @Test
  void typingReachesRoomMatesNotTheTypistAndEndsWithTheirMessage() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    String room = alice.createRoom("{\"name\":\"typing\"}");
    bob.post("/api/v1/rooms/" + room + "/join", null);
    String elsewhere = anonymous.newUser("carol").createRoom("{\"name\":\"not alice's\"}");
    try (WsClient a = WsClient.connect(node.http(), alice.token); WsClient a2 = WsClient.connect(node.http(), alice.token);
        WsClient b = WsClient.connect(node.http(), bob.token)) {
      a.awaitType("hello");
      a2.awaitType("hello");
      b.awaitType("hello");
      for (int i = 0; i < 20; i++) {
        a.send("{\"type\":\"typing\",\"room\":\"" + room + "\"}");
      }
      JsonNode typing = b.await(n -> isTyping(n, room, alice.username, false));
      assertTrue(typing.hasNonNull("expiresAt"), typing.toString());
      a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"t-1\",\"text\":\"there\"}");
      b.await(n -> isMessage(n, room, 3));
      b.await(n -> isTyping(n, room, alice.username, true));
      // Twenty frames in a burst were heard once; alice's own devices are not told she types.
      assertEquals(1, b.frames().stream().filter(n -> isTyping(n, room, alice.username, false)).count());
      a2.await(n -> isMessage(n, room, 3));
      assertTrue(a2.frames().stream().noneMatch(n -> "typing".equals(n.path("type").asText())));

      a.send("{\"type\":\"typing\",\"room\":\"" + elsewhere + "\"}");
      assertEquals("not_a_member", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"typing\"}");
      assertEquals("invalid_frame", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"typing\",\"room\":\"" + room + "\",\"stop\":\"yes\"}");
      assertEquals("invalid_frame", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"ping\"}");
      a.awaitType("pong");
      assertFalse(a.closed.isDone());
    }
  }

  private static boolean isReceipt(JsonNode n, String room, String user) {
    return "receipt".equals(n.path("type").asText()) && room.equals(n.path("room").asText())
        && user.equals(n.path("username").asText());
  }

  @Test
  void receiptsTellTheSenderWhatReachedAndWhatWasReadUnlessHidden() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    String room = alice.createRoom("{\"name\":\"receipts\"}");
    bob.post("/api/v1/rooms/" + room + "/join", null);
    try (WsClient a = WsClient.connect(node.http(), alice.token); WsClient b = WsClient.connect(node.http(), bob.token)) {
      a.awaitType("hello");
      b.awaitType("hello");
      a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"r-1\",\"text\":\"did you get it?\"}");
      b.await(n -> isMessage(n, room, 3));
      // Delivered past the end is lowered to what the connection has; the sender learns it from one frame.
      b.send("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":99}");
      JsonNode delivered = a.await(n -> isReceipt(n, room, bob.username) && n.path("deliveredSeq").asLong() == 3);
      assertEquals(2, delivered.get("readSeq").asLong(), delivered.toString());
      b.send("{\"type\":\"read\",\"room\":\"" + room + "\",\"seq\":3}");
      a.await(n -> isReceipt(n, room, bob.username) && n.path("readSeq").asLong() == 3);

      JsonNode all = alice.get("/api/v1/rooms/" + room + "/receipts").body();
      assertEquals(bob.username, all.get("members").get(1).get("username").asText(), all.toString());
      assertEquals(3, all.get("members").get(1).get("deliveredSeq").asLong());
      assertEquals(3, all.get("members").get(1).get("readSeq").asLong());

      // Bob hides his read marker: others see null; his own unread counts still work.
      assertEquals(200, bob.patch("/api/v1/me/settings", "{\"readReceipts\":false}").status());
      assertFalse(bob.get("/api/v1/me/settings").body().get("readReceipts").asBoolean());
      a.await(n -> isReceipt(n, room, bob.username) && n.get("readSeq").isNull());
      assertTrue(alice.get("/api/v1/rooms/" + room + "/receipts").body().get("members").get(1).get("readSeq").isNull());
      assertEquals(0, bob.get("/api/v1/me").body().get("rooms").get(0).get("unread").asLong());

      String elsewhere = anonymous.newUser("carol").createRoom("{\"name\":\"not bob's\"}");
      assertEquals(403, bob.get("/api/v1/rooms/" + elsewhere + "/receipts").status());
      assertEquals(404, bob.get("/api/v1/rooms/nosuchroom9/receipts").status());
      b.send("{\"type\":\"delivered\",\"room\":\"" + elsewhere + "\",\"seq\":1}");
      assertEquals("not_a_member", b.awaitType("error").get("code").asText());
      b.send("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":-1}");
      assertEquals("invalid_frame", b.awaitType("error").get("code").asText());
      b.send("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":1.5}");
      assertEquals("invalid_frame", b.awaitType("error").get("code").asText());
      b.send("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":\"latest\"}");
      JsonNode wrongKind = b.awaitType("error");
      assertEquals("invalid_frame", wrongKind.get("code").asText());
      assertTrue(wrongKind.get("message").asText().contains("\"seq\""), wrongKind.toString());
      assertFalse(b.closed.isDone());
    }
  }

  private static JsonNode receiptIn(JsonNode all, String user) {
    return receiptIn(all, user, false);
  }

  /** {@code user}'s entry in a receipts list or frame; if not there, a missing node if {@code mayLack}, else failed. */
  private static JsonNode receiptIn(JsonNode all, String user, boolean mayLack) {
    for (JsonNode m : all.path("members")) {
      if (m.path("username").asText().equals(user)) {
        return m;
      }
    }
    if (mayLack) {
      return MissingNode.getInstance();
    }
    throw new AssertionError(user + " not in " + all);
  }

  @Test
  void membersWhoOnlyJoinAndPostHaveReadUpToTheirOwnMessages() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    ApiClient carol = anonymous.newUser("carol");
    String room = alice.createRoom("{\"name\":\"own messages\"}");
    bob.post("/api/v1/rooms/" + room + "/join", null); // 2
    carol.post("/api/v1/rooms/" + room + "/join", null); // 3
    assertEquals(200, carol.patch("/api/v1/me/settings", "{\"readReceipts\":false}").status());
    try (WsClient a = WsClient.connect(node.http(), alice.token); WsClient b = WsClient.connect(node.http(), bob.token)) {
      a.awaitType("hello");
      b.awaitType("hello");
      a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"o-1\",\"text\":\"who's in?\"}");
      b.await(n -> isMessage(n, room, 4));
      b.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"o-2\",\"text\":\"me\"}");
      a.await(n -> isMessage(n, room, 5));
      assertEquals(201, carol.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"o-3\",\"text\":\"me too\"}")
          .status()); // 6

      // No read frame from anyone: what each wrote, each has and has read, as their unread counts say.
      JsonNode all = alice.get("/api/v1/rooms/" + room + "/receipts").body();
      assertEquals(4, receiptIn(all, alice.username).get("readSeq").asLong(), all.toString());
      assertEquals(4, receiptIn(all, alice.username).get("deliveredSeq").asLong(), all.toString());
      assertEquals(5, receiptIn(all, bob.username).get("readSeq").asLong(), all.toString());
      assertEquals(6, receiptIn(all, carol.username).get("deliveredSeq").asLong(), all.toString());
      assertTrue(receiptIn(all, carol.username).get("readSeq").isNull(), "carol hides hers: " + all);
      assertEquals(5, bob.get("/api/v1/me").body().get("rooms").get(0).get("readSeq").asLong());

      // The next receipt of bob's carries his read marker at his own message, not at his join. Sent once his
      // connection has carol's message: a connection's delivered marker is clamped to what it was given.
      b.await(n -> isMessage(n, room, 6));
      b.send("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":6}");
      // (It may share its frame with carol's hiding hers: the members list, not the flat fields, is read.)
      JsonNode receipt = a.await(n -> "receipt".equals(n.path("type").asText()) && room.equals(n.path("room").asText())
          && receiptIn(n, bob.username, true).path("deliveredSeq").asLong() == 6);
      assertEquals(5, receiptIn(receipt, bob.username, true).get("readSeq").asLong(), receipt.toString());
    }
  }

  @Test
  void inARoomOfMoreThanTwentyAReceiptReachesTheAuthorsOfTheMessagesItPassed() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    ApiClient carol = anonymous.newUser("carol");
    String room = alice.createRoom("{\"name\":\"big receipts\",\"capacity\":50}");
    bob.post("/api/v1/rooms/" + room + "/join", null);
    carol.post("/api/v1/rooms/" + room + "/join", null);
    for (int i = 0; i < 19; i++) {
      assertEquals(200, anonymous.newUser("m" + i).post("/api/v1/rooms/" + room + "/join", null).status());
    }
    long joined = alice.get("/api/v1/rooms/" + room).body().get("lastSeq").asLong(); // 22 members
    try (WsClient a = WsClient.connect(node.http(), alice.token); WsClient b = WsClient.connect(node.http(), bob.token);
        WsClient c = WsClient.connect(node.http(), carol.token)) {
      a.awaitType("hello");
      b.awaitType("hello");
      c.awaitType("hello");
      b.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"big-1\",\"text\":\"bob's\"}");
      long seq = joined + 1;
      c.await(n -> isMessage(n, room, seq));
      a.await(n -> isMessage(n, room, seq));
      c.send("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":" + seq + "}");
      b.await(n -> isReceipt(n, room, carol.username) && n.path("deliveredSeq").asLong() == seq);
      // alice wrote nothing carol's marker passed: not told (her socket would have had it before this pong). A room
      // finds the authors in the entries it holds in memory; past those it cannot tell, and tells every member.
      a.send("{\"type\":\"ping\"}");
      a.awaitType("pong");
      if (!beyondMemory()) {
        assertTrue(a.frames().stream().noneMatch(n -> isReceipt(n, room, carol.username)
            && n.path("deliveredSeq").asLong() == seq), a.frames().toString());
      }
      // What she reads of the room's receipts is whole.
      JsonNode all = alice.get("/api/v1/rooms/" + room + "/receipts").body();
      assertEquals(seq, receiptIn(all, carol.username).get("deliveredSeq").asLong(), all.toString());
      // Her read passes bob's message too: bob is told.
      c.send("{\"type\":\"read\",\"room\":\"" + room + "\",\"seq\":" + seq + "}");
      b.await(n -> isReceipt(n, room, carol.username) && n.path("readSeq").asLong() == seq);
    }
  }

  @Test
  void mentionsAndDmsNotifyTheConnectionsNotLookingAndWaitInTheInbox() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    ApiClient carol = anonymous.newUser("carol");
    String room = alice.createRoom("{\"name\":\"mentions\"}");
    bob.post("/api/v1/rooms/" + room + "/join", null);
    carol.post("/api/v1/rooms/" + room + "/join", null);
    try (WsClient looking = WsClient.connect(node.http(), bob.token);
        WsClient elsewhere = WsClient.connect(node.http(), bob.token)) {
      looking.awaitType("hello");
      elsewhere.awaitType("hello");
      looking.send("{\"type\":\"focus\",\"room\":\"" + room + "\"}");
      looking.send("{\"type\":\"ping\"}");
      looking.awaitType("pong");
      alice.post("/api/v1/rooms/" + room + "/messages",
          "{\"clientMsgId\":\"m1\",\"text\":\"@" + bob.username.toUpperCase(Locale.ROOT) + " and @"
              + carol.username + ", the release is out\"}");
      JsonNode message = elsewhere.await(n -> isMessage(n, room, 4));
      assertEquals(List.of(bob.username, carol.username),
          List.of(message.get("mentions").get(0).asText(), message.get("mentions").get(1).asText()));
      JsonNode notification = elsewhere.awaitType("notification");
      assertEquals(room, notification.get("room").asText());
      assertEquals(4, notification.get("seq").asLong());
      assertEquals("mention", notification.get("kind").asText());
      assertEquals(alice.username, notification.get("sender").asText());
      assertTrue(notification.get("excerpt").asText().contains("the release is out"));
      // The connection showing the room is not told: it shows the message itself.
      looking.await(n -> isMessage(n, room, 4));
      looking.send("{\"type\":\"ping\"}");
      looking.awaitType("pong");
      assertTrue(looking.frames().stream().noneMatch(n -> "notification".equals(n.path("type").asText())));

      looking.send("{\"type\":\"focus\",\"room\":\"nosuchroom9\"}");
      assertEquals("not_a_member", looking.awaitType("error").get("code").asText());
      looking.send("{\"type\":\"focus\",\"room\":null}");
      looking.send("{\"type\":\"ping\"}");
      looking.awaitType("pong");
    }
    // Carol was offline: a DM and the mention wait in her inbox, newest first, counted in hello and in /me.
    alice.post("/api/v1/dms/" + carol.username, null);
    String dm = "dm:" + (alice.username.compareTo(carol.username) < 0
        ? alice.username + ":" + carol.username : carol.username + ":" + alice.username);
    alice.post("/api/v1/rooms/" + dm + "/messages", "{\"clientMsgId\":\"d1\",\"text\":\"got a minute?\"}");
    TestProbe<Object> wait =
        TestProbe.create(node.system);
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(2, carol.get("/api/v1/me/notifications").body().get("notifications").size());
      return null;
    });
    JsonNode inbox = carol.get("/api/v1/me/notifications").body().get("notifications");
    assertEquals("dm", inbox.get(0).get("kind").asText());
    assertEquals(dm, inbox.get(0).get("room").asText());
    assertEquals("mention", inbox.get(1).get("kind").asText());
    assertFalse(inbox.get(1).get("read").asBoolean());
    JsonNode summary = null;
    for (JsonNode r : carol.get("/api/v1/me").body().get("rooms")) {
      if (room.equals(r.get("id").asText())) {
        summary = r;
      }
    }
    assertEquals(1, summary.get("mentions").asLong(), summary.toString());
    try (WsClient c = WsClient.connect(node.http(), carol.token)) {
      assertEquals(2, c.awaitType("hello").get("notifications").asLong());
    }
    carol.post("/api/v1/rooms/" + room + "/read", "{\"seq\":4}");
    JsonNode page = carol.get("/api/v1/me/notifications?limit=1&before=" + inbox.get(0).get("id").asText()).body();
    assertTrue(page.get("notifications").get(0).get("read").asBoolean(), page.toString());
    assertEquals(400, carol.get("/api/v1/me/notifications?limit=0").status());
  }

  @Test
  void badFramesGetErrorsAndTheConnectionStays() {
    ApiClient alice = anonymous.newUser("alice");
    String room = alice.createRoom("{\"name\":\"errors\"}");
    try (WsClient a = WsClient.connect(node.http(), alice.token)) {
      a.awaitType("hello");
      a.send("not json");
      assertEquals("invalid_json", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"shout\"}");
      assertEquals("unknown_type", a.awaitType("error").get("code").asText());
      String elsewhere = anonymous.newUser("bob").createRoom("{\"name\":\"not alice's\"}");
      a.send("{\"type\":\"send\",\"room\":\"" + elsewhere + "\",\"clientMsgId\":\"x1\",\"text\":\"hi\"}");
      JsonNode notMember = a.awaitType("error");
      assertEquals("not_a_member", notMember.get("code").asText());
      assertEquals("x1", notMember.get("ref").asText());
      a.send("{\"type\":\"send\",\"room\":\"nosuchroom9\",\"clientMsgId\":\"x0\",\"text\":\"hi\"}");
      assertEquals("no_such_room", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"read\",\"room\":\"" + elsewhere + "\",\"seq\":1}");
      assertEquals("not_a_member", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"x2\",\"text\":\"\"}");
      assertEquals("invalid_message", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"x3\",\"text\":\"" + "y".repeat(4001) + "\"}");
      assertEquals("invalid_message", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"x4\",\"text\":\"\\ud800\"}");
      assertEquals("invalid_message", a.awaitType("error").get("code").asText());
      // Wrong types and repeated keys are refused, never coerced; a send names its room.
      a.send("{\"type\":\"ping\",\"type\":\"send\"}");
      assertEquals("invalid_json", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"x5\",\"text\":5}");
      assertEquals("invalid_frame", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"read\",\"room\":\"" + room + "\",\"seq\":1.5}");
      assertEquals("invalid_frame", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"send\"}");
      assertEquals("invalid_frame", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"send\",\"room\":\"!!\",\"clientMsgId\":\"x6\",\"text\":\"hi\"}");
      assertEquals("no_such_room", a.awaitType("error").get("code").asText());
      // One frame is one JSON object: anything after it makes the frame invalid, never half read.
      a.send("{\"type\":\"ping\"} garbage");
      assertEquals("invalid_json", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"ping\"}{\"type\":\"ping\"}");
      assertEquals("invalid_json", a.awaitType("error").get("code").asText());
      a.send("{\"type\":\"ping\"}");
      a.awaitType("pong");
      assertEquals(1, a.frames().stream().filter(f -> "pong".equals(f.path("type").asText())).count(),
          "only the well-formed ping was answered");
      assertFalse(a.closed.isDone());
    }
  }

  @Test
  void oversizedFrameClosesWith1009() {
    ApiClient alice = anonymous.newUser("alice");
    try (WsClient a = WsClient.connect(node.http(), alice.token)) {
      a.awaitType("hello");
      a.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}");
      assertEquals(1009, a.awaitClose().code());
    }
  }

  @Test
  void logoutClosesSocketsOpenedWithThatTokenWith4001() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient other = node.client();
    other.login(alice.username, "correct horse");
    try (WsClient a = WsClient.connect(node.http(), alice.token); WsClient o = WsClient.connect(node.http(), other.token)) {
      a.awaitType("hello");
      o.awaitType("hello");
      assertEquals(204, alice.post("/api/v1/auth/logout", null).status());
      WsClient.Closed closed = a.awaitClose();
      assertEquals(4001, closed.code());
      o.send("{\"type\":\"ping\"}");
      o.awaitType("pong");
      assertFalse(o.closed.isDone());
    }
  }

  @Test
  void ticketIsSingleUse() {
    ApiClient alice = anonymous.newUser("alice");
    String ticket = alice.post("/api/v1/auth/ws-ticket", null).body().get("ticket").asText();
    try (WsClient a = WsClient.connectWithTicket(node.http(), ticket)) {
      assertEquals(alice.username, a.awaitType("hello").get("username").asText());
    }
    assertThrowsHandshake(ticket);
  }

  @Test
  void aClientThatSaysWhereItIsGetsWhatItMissedOnTheSocketAndNothingTwice() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    ApiClient carol = anonymous.newUser("carol");
    String room = alice.createRoom("{\"name\":\"resume\"}");
    String quiet = alice.createRoom("{\"name\":\"quiet\"}");
    String carols = carol.createRoom("{\"name\":\"not alice's\"}");
    bob.post("/api/v1/rooms/" + room + "/join", null);
    for (int i = 0; i < 5; i++) {
      bob.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"m" + i + "\",\"text\":\"missed " + i + "\"}");
    }
    carol.post("/api/v1/rooms/" + carols + "/messages", "{\"clientMsgId\":\"c\",\"text\":\"private\"}");
    // Alice saw up to seq 3 of room (of 7); a seq quiet never reached (state the server lost); a room she is not in.
    try (WsClient a = WsClient.connectAfter(node.http(), alice.token, room + ":3," + quiet + ":999," + carols + ":0")) {
      a.awaitType("hello");
      JsonNode reset = a.awaitType("reset");
      assertEquals(quiet, reset.get("room").asText());
      assertEquals(1, reset.get("lastSeq").asLong());
      assertEquals("cursor_ahead", reset.get("code").asText());
      bob.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"live\",\"text\":\"live\"}");
      alice.post("/api/v1/rooms/" + quiet + "/messages", "{\"clientMsgId\":\"q\",\"text\":\"quiet\"}");
      a.await(n -> "message".equals(n.path("type").asText()) && "live".equals(n.path("text").asText()));
      a.await(n -> "message".equals(n.path("type").asText()) && "quiet".equals(n.path("text").asText()));
      List<JsonNode> messages = a.frames().stream().filter(n -> "message".equals(n.path("type").asText())).toList();
      assertEquals(List.of(4L, 5L, 6L, 7L, 8L), messages.stream()
          .filter(n -> room.equals(n.path("room").asText())).map(n -> n.get("seq").asLong()).toList());
      assertEquals(List.of(2L), messages.stream()
          .filter(n -> quiet.equals(n.path("room").asText())).map(n -> n.get("seq").asLong()).toList());
      assertTrue(messages.stream().noneMatch(n -> carols.equals(n.path("room").asText())), messages.toString());
    }
  }

  @Test
  void aMalformedAfterIsRefusedWith400BeforeTheTicketIsUsed() {
    ApiClient alice = anonymous.newUser("alice");
    String ticket = alice.post("/api/v1/auth/ws-ticket", null).body().get("ticket").asText();
    List<String> bad = new ArrayList<>(List.of(
        "r1", "r1:", ":5", "r1:-1", "r1:x", "r1:5,r1:6", "R1:5", "r1:5,", "r1:1234567890123456789"));
    bad.add(IntStream.rangeClosed(0, Limits.RESUME_ROOMS_MAX)
        .mapToObj(i -> "r" + i + ":1").collect(Collectors.joining(",")));
    for (String after : bad) {
      String query = "?ticket=" + ticket + "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8);
      assertEquals(400, WsClient.refusedStatus(node.http(), null, query), after);
    }
    try (WsClient a = WsClient.connectWithTicket(node.http(), ticket)) {
      assertEquals(alice.username, a.awaitType("hello").get("username").asText());
    }
  }

  private void assertThrowsHandshake(String ticket) {
    try {
      WsClient.connectWithTicket(node.http(), ticket).close();
      throw new AssertionError("a used ticket was accepted");
    } catch (CompletionException e) {
      assertTrue(e.getCause() instanceof WebSocketHandshakeException, e.toString());
    }
  }

  @Test
  void presenceComesAndGoesForRoomMates() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    String room = alice.createRoom("{\"name\":\"presence\"}");
    bob.post("/api/v1/rooms/" + room + "/join", null);
    try (WsClient a = WsClient.connect(node.http(), alice.token)) {
      a.awaitType("hello");
      WsClient b = WsClient.connect(node.http(), bob.token);
      b.awaitType("hello");
      a.awaitPresence(bob.username, true);
      assertTrue(alice.get("/api/v1/users/" + bob.username).body().get("online").asBoolean());
      // The room list and the room count both of them online.
      TestProbe.create(node.system).awaitAssert(Duration.ofSeconds(10), () -> {
        JsonNode listed = null;
        for (JsonNode r : alice.get("/api/v1/rooms").body().get("rooms")) {
          if (r.get("id").asText().equals(room)) {
            listed = r;
          }
        }
        assertEquals(2, listed.get("online").asInt(), listed.toString());
        for (JsonNode m : alice.get("/api/v1/rooms/" + room).body().get("members")) {
          assertTrue(m.get("online").asBoolean(), m.toString());
        }
        return null;
      });
      b.close();
      JsonNode offline = a.awaitPresence(bob.username, false);
      assertFalse(offline.get("lastSeen").isNull());
      JsonNode user = alice.get("/api/v1/users/" + bob.username).body();
      assertFalse(user.get("online").asBoolean());
      assertEquals(offline.get("lastSeen").asText(), user.get("lastSeen").asText());
    }
  }

  @Test
  void aRoomMateInTwoSharedRoomsComesOnlineOnceForTheClient() {
    // Each room tells the node's hub, which hands the change to its sessions (at once, or in the session's next
    // batch); the session still tells its client once, however many rooms the two share.
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    ApiClient carol = anonymous.newUser("carol");
    String first = alice.createRoom("{\"name\":\"one\"}");
    String second = alice.createRoom("{\"name\":\"two\"}");
    bob.post("/api/v1/rooms/" + first + "/join", null);
    bob.post("/api/v1/rooms/" + second + "/join", null);
    carol.post("/api/v1/rooms/" + first + "/join", null);
    try (WsClient a = WsClient.connect(node.http(), alice.token)) {
      a.awaitType("hello");
      try (WsClient b = WsClient.connect(node.http(), bob.token)) {
        b.awaitType("hello");
        // Each room handles bob's presence before his later message, so once both messages are here both rooms'
        // reports of his coming online have been through the hub.
        bob.post("/api/v1/rooms/" + first + "/messages", "{\"clientMsgId\":\"p1\",\"text\":\"in one\"}");
        bob.post("/api/v1/rooms/" + second + "/messages", "{\"clientMsgId\":\"p2\",\"text\":\"in two\"}");
        a.await(n -> "message".equals(n.path("type").asText()) && "in one".equals(n.path("text").asText()));
        a.await(n -> "message".equals(n.path("type").asText()) && "in two".equals(n.path("text").asText()));
        // Carol's coming online reaches alice's session after both rooms' reports of bob (sent to alice at once,
        // or waiting in the same batch as hers), so once alice has it, a second report of bob would be here too.
        try (WsClient c = WsClient.connect(node.http(), carol.token)) {
          c.awaitType("hello");
          a.awaitPresence(carol.username, true);
        }
        List<JsonNode> online = a.frames().stream()
            .map(n -> WsClient.presenceOf(n, bob.username))
            .filter(Objects::nonNull)
            .toList();
        assertEquals(1, online.size(), online.toString());
        assertTrue(online.get(0).path("online").asBoolean(), online.toString());
      }
    }
  }

  @Test
  void reconnectAndResumeByAfterSeqMissesNothingAndRepeatsNothing() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    String room = alice.createRoom("{\"name\":\"resume\"}");
    bob.post("/api/v1/rooms/" + room + "/join", null);
    long lastSeen;
    try (WsClient b = WsClient.connect(node.http(), bob.token)) {
      b.awaitType("hello");
      for (int i = 0; i < 5; i++) {
        alice.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"a" + i + "\",\"text\":\"m" + i + "\"}");
      }
      lastSeen = b.await(n -> isMessage(n, room, 7)).get("seq").asLong();
    }
    for (int i = 5; i < 12; i++) {
      alice.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"a" + i + "\",\"text\":\"m" + i + "\"}");
    }
    try (WsClient b = WsClient.connect(node.http(), bob.token)) {
      JsonNode hello = b.awaitType("hello");
      assertEquals(14, hello.get("rooms").get(0).get("lastSeq").asLong());
      var missed = bob.get("/api/v1/rooms/" + room + "/messages?after=" + lastSeen).body().get("messages");
      List<Long> seqs = new ArrayList<>();
      missed.forEach(m -> seqs.add(m.get("seq").asLong()));
      assertEquals(List.of(8L, 9L, 10L, 11L, 12L, 13L, 14L), seqs);
      // Live delivery continues right after what hello said.
      alice.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"late\",\"text\":\"late\"}");
      b.await(n -> isMessage(n, room, 15));
      assertEquals(1, b.frames().stream().filter(n -> "message".equals(n.path("type").asText())).count());
    }
  }

  @Test
  void aNewcomerWhoIsOnlineIsSeenOnlineByThoseAlreadyThere() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    String room = alice.createRoom("{\"name\":\"newcomers\"}");
    try (WsClient a = WsClient.connect(node.http(), alice.token); WsClient b = WsClient.connect(node.http(), bob.token)) {
      a.awaitType("hello");
      b.awaitType("hello");
      // Bob is online before he joins: his presence never changes, yet alice is told he is there and online.
      assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", null).status());
      assertTrue(a.awaitPresence(bob.username, true).get("online").asBoolean());
    }
  }

  @Test
  void whatOneDeviceJoinsOrLeavesEveryConnectionOfTheUserHearsAtOnce() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    String room = alice.createRoom("{\"name\":\"one list\"}");
    alice.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"m1\",\"text\":\"hello\"}");
    // A room they share makes them contacts: alice's DM then puts bob in it at once (a stranger's is an invitation).
    String shared = alice.createRoom("{\"name\":\"shared\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + shared + "/join", null).status());
    try (WsClient laptop = WsClient.connect(node.http(), bob.token); WsClient phone = WsClient.connect(node.http(), bob.token)) {
      laptop.awaitType("hello");
      phone.awaitType("hello");
      // Joined from a third device (the terminal, say): both connections get the room, before any of its entries.
      assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", null).status());
      for (WsClient device : List.of(laptop, phone)) {
        JsonNode added = device.awaitType("room_added");
        assertEquals(room, added.get("room").get("id").asText());
        assertEquals("one list", added.get("room").get("name").asText());
        device.await(n -> isMessage(n, room, 3));
        List<String> order = device.frames().stream().map(f -> f.path("type").asText())
            .filter(t -> t.equals("room_added") || t.equals("message")).toList();
        assertEquals("room_added", order.get(0), "the room before its entries: " + order);
      }
      assertEquals(204, bob.post("/api/v1/rooms/" + room + "/leave", null).status());
      for (WsClient device : List.of(laptop, phone)) {
        assertEquals(room, device.awaitType("room_left").get("room").asText());
      }
      // A DM opened by someone else is a room added too.
      alice.post("/api/v1/dms/" + bob.username, null);
      for (WsClient device : List.of(laptop, phone)) {
        assertEquals("dm", device.await(f -> "room_added".equals(f.path("type").asText())
            && "dm".equals(f.path("room").path("kind").asText())).get("room").get("kind").asText());
      }
    }
  }

  @Test
  void joiningARoomWhileConnectedStartsItsDeliveryAtTheJoin() {
    ApiClient alice = anonymous.newUser("alice");
    ApiClient bob = anonymous.newUser("bob");
    String room = alice.createRoom("{\"name\":\"late joiner\"}");
    alice.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"before\",\"text\":\"before bob\"}");
    try (WsClient b = WsClient.connect(node.http(), bob.token)) {
      b.awaitType("hello");
      bob.post("/api/v1/rooms/" + room + "/join", null);
      JsonNode joined = b.await(n -> isMessage(n, room, 3));
      assertEquals("joined", joined.get("kind").asText());
      alice.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"after\",\"text\":\"after bob\"}");
      assertEquals("after bob", b.await(n -> isMessage(n, room, 4)).get("text").asText());
      List<Long> seqs = b.frames().stream().filter(n -> "message".equals(n.path("type").asText())).map(n -> n.get("seq").asLong()).toList();
      assertEquals(List.of(3L, 4L), seqs);
    }
  }

  @Test
  void aSocketIsClosedWith4001WhenItsTokenExpires() {
    // Long enough that sign-up, login and the socket's hello come well before it on a loaded host; the close then
    // comes at the expiry, which the socket's wait (15 s, dilated) covers.
    TestNode shortTokens = TestNode.start(ConfigFactory.parseString("parley.auth.token-ttl = 10 s"));
    try {
      ApiClient alice = shortTokens.client().newUser("alice");
      try (WsClient a = WsClient.connect(shortTokens.http(), alice.token)) {
        a.awaitType("hello");
        // Nothing is sent on the socket: the session closes it itself at the token's expiry.
        assertEquals(new WsClient.Closed(4001, "token expired"), a.awaitClose());
      }
      assertEquals(401, alice.get("/api/v1/users/" + alice.username).status());
    } finally {
      shortTokens.close();
    }
  }
}
