package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.Props;
import org.junit.jupiter.api.Test;
import parley.node.room.ChatRoom;
import parley.node.testkit.ApiClient;
import parley.node.testkit.ManualClock;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.WsClient;
import parley.protocol.Retention;

/** Rooms people can run: the owner and admins change the room and remove members; everyone sees it as entries. */
class ModerationTest extends OnOneNode {
  private static String roleOf(JsonNode room, String username) {
    for (JsonNode m : room.get("members")) {
      if (m.get("username").asText().equals(username)) {
        return m.get("role").asText();
      }
    }
    return null;
  }

  @Test
  void theOwnerSetsATopicAndNamesAnAdminWhoKicksAndBansATrollWhoseSocketStopsAtOnce() throws Exception {
    ApiClient owner = node.client().newUser("owner");
    ApiClient admin = node.client().newUser("admin");
    ApiClient troll = node.client().newUser("troll");
    ApiClient carol = node.client().newUser("carol");
    String room = owner.createRoom("{\"name\":\"lobby\",\"capacity\":10}");
    for (ApiClient u : List.of(admin, troll, carol)) {
      assertEquals(200, u.post("/api/v1/rooms/" + room + "/join", "{}").status());
    }
    ApiClient.Reply topic = owner.patch("/api/v1/rooms/" + room, "{\"topic\":\"be kind\",\"name\":\"Lobby\"}");
    assertEquals(200, topic.status(), topic.toString());
    assertEquals("be kind", topic.body().get("topic").asText());
    assertEquals("Lobby", topic.body().get("name").asText());
    assertEquals("owner", roleOf(topic.body(), owner.username));
    assertEquals("member", roleOf(topic.body(), admin.username));

    // Only the owner and admins change the room; only the owner names admins.
    assertEquals("forbidden", admin.patch("/api/v1/rooms/" + room, "{\"topic\":\"mine now\"}").code());
    assertEquals("forbidden", admin.post("/api/v1/rooms/" + room + "/kick", "{\"username\":\"" + troll.username + "\"}").code());
    JsonNode named = owner.post("/api/v1/rooms/" + room + "/roles",
        "{\"username\":\"" + admin.username + "\",\"role\":\"admin\"}").body();
    assertEquals("admin", roleOf(named, admin.username));
    assertEquals("forbidden", admin.post("/api/v1/rooms/" + room + "/roles",
        "{\"username\":\"" + carol.username + "\",\"role\":\"admin\"}").code());
    assertEquals("forbidden", admin.post("/api/v1/rooms/" + room + "/kick",
        "{\"username\":\"" + owner.username + "\"}").code(), "an admin cannot act on the owner");
    assertEquals(409, admin.patch("/api/v1/rooms/" + room, "{\"capacity\":3}").status(), "4 members: capacity_below_members");
    assertEquals("capacity_below_members", admin.patch("/api/v1/rooms/" + room, "{\"capacity\":3}").code());

    try (WsClient trollSocket = WsClient.connect(node.http(), troll.token);
        WsClient carolSocket = WsClient.connect(node.http(), carol.token)) {
      trollSocket.awaitType("hello");
      carolSocket.awaitType("hello");
      JsonNode kicked = admin.post("/api/v1/rooms/" + room + "/kick",
          "{\"username\":\"" + troll.username + "\",\"reason\":\"spam\"}").body();
      assertNull(roleOf(kicked, troll.username), "no member any more");
      JsonNode entry = carolSocket.await(f -> "kicked".equals(f.path("kind").asText()));
      assertEquals(admin.username, entry.get("sender").asText());
      assertEquals(troll.username, entry.get("user").asText());
      assertEquals("spam", entry.get("text").asText());
      // The troll's own socket is told by whom and why, once, then gets nothing more of the room.
      JsonNode removed = trollSocket.await(f -> "removed".equals(f.path("type").asText()));
      assertEquals(room, removed.get("room").asText());
      assertEquals("kicked", removed.get("reason").asText());
      assertEquals(admin.username, removed.get("by").asText());
      assertEquals("spam", removed.get("text").asText());
      assertEquals(403, troll.get("/api/v1/rooms/" + room + "/messages").status());
      assertFalse(troll.get("/api/v1/me").body().toString().contains(room), "the room left their /me");

      // A kicked user may come back; a banned one may not.
      assertEquals(200, troll.post("/api/v1/rooms/" + room + "/join", "{}").status());
      admin.post("/api/v1/rooms/" + room + "/ban", "{\"username\":\"" + troll.username + "\",\"reason\":\"again\"}");
      assertEquals("banned", troll.post("/api/v1/rooms/" + room + "/join", "{}").code());
      assertEquals(403, troll.post("/api/v1/rooms/" + room + "/join", "{}").status());
      owner.patch("/api/v1/rooms/" + room, "{\"topic\":\"after the storm\",\"passcode\":\"letmein\"}");
      carolSocket.await(f -> "settings".equals(f.path("kind").asText()));
      assertEquals(201, carol.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"c1\",\"text\":\"calm now\"}").status());
      carolSocket.await(f -> "calm now".equals(f.path("text").asText()));
      List<String> trollSaw = new ArrayList<>();
      for (JsonNode f : trollSocket.frames()) {
        trollSaw.add(f.path("kind").asText(f.path("type").asText()));
      }
      assertFalse(trollSocket.frames().toString().contains("calm now"), "nothing after the removal: " + trollSaw);
      List<String> reasons = trollSocket.frames().stream().filter(f -> "removed".equals(f.path("type").asText()))
          .map(f -> f.get("reason").asText()).toList();
      assertEquals(List.of("kicked", "banned"), reasons, "told once each time: " + trollSaw);
      assertFalse(trollSocket.frames().toString().contains("after the storm"), trollSaw.toString());

      assertEquals(200, admin.post("/api/v1/rooms/" + room + "/unban", "{\"username\":\"" + troll.username + "\"}").status());
      assertEquals("wrong_passcode", troll.post("/api/v1/rooms/" + room + "/join", "{\"passcode\":\"nope\"}").code());
      assertEquals(200, troll.post("/api/v1/rooms/" + room + "/join", "{\"passcode\":\"letmein\"}").status());
    }

    // Every change is an entry, in the one timeline; the passcode itself is in none of them.
    JsonNode history = carol.get("/api/v1/rooms/" + room + "/messages?limit=200").body().get("messages");
    List<String> kinds = new ArrayList<>();
    for (JsonNode m : history) {
      kinds.add(m.get("kind").asText());
    }
    assertTrue(String.join(",", kinds).contains("renamed,topic"), kinds.toString());
    assertTrue(kinds.containsAll(List.of("role", "kicked", "banned", "settings", "unbanned")), kinds.toString());
    assertFalse(history.toString().contains("letmein"), "the passcode is never in an entry");
    JsonNode settings = null;
    for (JsonNode m : history) {
      if ("settings".equals(m.get("kind").asText())) {
        settings = m;
      }
    }
    assertTrue(settings.path("passcode").asBoolean(), settings.toString());
  }

  @Test
  void theOwnerHandsTheRoomOverBeforeLeavingIt() {
    ApiClient owner = node.client().newUser("owner");
    ApiClient heir = node.client().newUser("heir");
    String room = owner.createRoom("{\"name\":\"estate\"}");
    assertEquals(200, heir.post("/api/v1/rooms/" + room + "/join", "{}").status());
    assertEquals("owner_must_transfer", owner.post("/api/v1/rooms/" + room + "/leave", null).code());
    assertEquals(409, owner.post("/api/v1/rooms/" + room + "/leave", null).status());
    JsonNode handed = owner.post("/api/v1/rooms/" + room + "/roles",
        "{\"username\":\"" + heir.username + "\",\"role\":\"owner\"}").body();
    assertEquals(heir.username, handed.get("owner").asText());
    assertEquals("admin", roleOf(handed, owner.username), "the old owner stays on as an admin");
    assertEquals("forbidden", owner.post("/api/v1/rooms/" + room + "/kick",
        "{\"username\":\"" + heir.username + "\"}").code());
    assertEquals(204, owner.post("/api/v1/rooms/" + room + "/leave", null).status());
    // The last member may leave even as its owner.
    assertEquals(204, heir.post("/api/v1/rooms/" + room + "/leave", null).status());
  }

  @Test
  void badRequestsGetTheirOwnCodes() {
    ApiClient owner = node.client().newUser("owner");
    String room = owner.createRoom("{\"name\":\"strict\"}");
    assertEquals("invalid_request", owner.patch("/api/v1/rooms/" + room, "{}").code());
    assertEquals("invalid_room", owner.patch("/api/v1/rooms/" + room, "{\"topic\":\"two\\nlines\"}").code());
    assertEquals("invalid_room", owner.patch("/api/v1/rooms/" + room, "{\"capacity\":1}").code());
    assertEquals("no_such_member", owner.post("/api/v1/rooms/" + room + "/kick", "{\"username\":\"nobody-here\"}").code());
    assertEquals("invalid_request", owner.post("/api/v1/rooms/" + room + "/roles", "{\"username\":\"x\",\"role\":\"god\"}").code());
    assertEquals("forbidden", owner.post("/api/v1/rooms/" + room + "/kick", "{\"username\":\"" + owner.username + "\"}").code());
    ApiClient stranger = node.client().newUser("stranger");
    assertEquals("not_a_member", stranger.patch("/api/v1/rooms/" + room, "{\"topic\":\"hi\"}").code());
  }

  /** Rows of the room's persistence id in the journal and the snapshot store, read with SQL. */
  private long[] rowsOf(String room) throws SQLException {
    Config db = node.system.settings().config()
        .getConfig("pekko-persistence-jdbc.shared-databases.slick.db");
    try (Connection c = DriverManager.getConnection(db.getString("url"), db.getString("user"),
        db.getString("password"))) {
      long[] n = new long[2];
      String[] tables = {"event_journal", "snapshot"};
      for (int i = 0; i < 2; i++) {
        try (var q = c.prepareStatement("SELECT COUNT(*) FROM \"" + tables[i] + "\" WHERE \"persistence_id\" = ?")) {
          q.setString(1, "Room|" + room);
          try (var r = q.executeQuery()) {
            r.next();
            n[i] = r.getLong(1);
          }
        }
      }
      return n;
    }
  }

  @Test
  void theOwnerDeletesTheRoomAndItsHistoryLeavesTheDatabase() throws Exception {
    ApiClient owner = node.client().newUser("owner");
    ApiClient bob = node.client().newUser("bob");
    String room = owner.createRoom("{\"name\":\"ephemeral " + owner.username + "\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", "{}").status());
    for (int i = 0; i < 30; i++) {
      owner.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"m" + i + "\",\"text\":\"secret " + i + "\"}");
    }
    assertTrue(rowsOf(room)[0] >= 32, "stored: " + rowsOf(room)[0]);
    owner.post("/api/v1/rooms/" + room + "/roles", "{\"username\":\"" + bob.username + "\",\"role\":\"admin\"}");
    assertEquals("forbidden", bob.method("DELETE", "/api/v1/rooms/" + room).code(), "an admin may not delete it");
    try (WsClient bobs = WsClient.connect(node.http(), bob.token)) {
      bobs.awaitType("hello");
      assertEquals(204, owner.method("DELETE", "/api/v1/rooms/" + room).status());
      JsonNode gone = bobs.await(f -> "room_deleted".equals(f.path("type").asText()));
      assertEquals(room, gone.get("room").asText());
    }
    assertEquals("no_such_room", bob.get("/api/v1/rooms/" + room).code());
    assertEquals(404, bob.get("/api/v1/rooms/" + room + "/messages").status());
    assertEquals("no_such_room", bob.post("/api/v1/rooms/" + room + "/join", "{}").code());
    assertEquals("no_such_room", owner.method("DELETE", "/api/v1/rooms/" + room).code());
    assertFalse(bob.get("/api/v1/me").body().toString().contains(room));
    assertFalse(owner.get("/api/v1/me").body().toString().contains(room));
    TestProbe<Object> wait =
        TestProbe.create(node.system);
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertFalse(owner.get("/api/v1/rooms?q=" + owner.username).body().toString().contains(room), "unlisted");
      try {
        long[] rows = rowsOf(room);
        assertEquals(1, rows[0], "journal rows left: the tombstone alone, which tells the search index");
        assertEquals(0, rows[1], "snapshots left");
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
      return null;
    });
  }

  /** The lowest seq of the room's journal rows, read with SQL (0 when it has none). */
  private long lowestRowOf(String room) throws SQLException {
    Config db = node.system.settings().config()
        .getConfig("pekko-persistence-jdbc.shared-databases.slick.db");
    try (Connection c = DriverManager.getConnection(db.getString("url"), db.getString("user"),
        db.getString("password"));
        var q = c.prepareStatement(
            "SELECT MIN(\"sequence_number\") FROM \"event_journal\" WHERE \"persistence_id\" = ?")) {
      q.setString(1, "Room|" + room);
      try (var r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  @Test
  void aRoomWithRetentionOfAHundredSaysTrimmedBelowItsFloorAndItsOldRowsLeaveTheDatabase() throws Exception {
    ApiClient owner = node.client().newUser("owner");
    ApiClient bob = node.client().newUser("bob");
    String room = owner.createRoom("{\"name\":\"short memory " + owner.username + "\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", "{}").status());
    owner.post("/api/v1/rooms/" + room + "/roles", "{\"username\":\"" + bob.username + "\",\"role\":\"admin\"}");
    assertEquals("forbidden", bob.patch("/api/v1/rooms/" + room, "{\"retention\":{\"maxMessages\":100}}").code(),
        "the owner alone sets retention");
    ApiClient.Reply tooFew = owner.patch("/api/v1/rooms/" + room, "{\"retention\":{\"maxMessages\":3}}");
    assertEquals("invalid_retention", tooFew.code());
    assertTrue(tooFew.toString().contains("10"), "the limit's number is in the message: " + tooFew);
    ApiClient.Reply set = owner.patch("/api/v1/rooms/" + room, "{\"retention\":{\"maxMessages\":100}}");
    assertEquals(200, set.status(), set.toString());
    assertEquals(100, set.body().get("retention").get("maxMessages").asInt());
    for (int i = 1; i <= 250; i++) {
      assertEquals(201, owner.post("/api/v1/rooms/" + room + "/messages",
          "{\"clientMsgId\":\"m" + i + "\",\"text\":\"old " + i + "\"}").status());
    }
    TestProbe<Object> wait =
        TestProbe.create(node.system);
    long floor = wait.awaitAssert(Duration.ofSeconds(10), () -> {
      JsonNode r = owner.get("/api/v1/rooms/" + room).body();
      long f = r.path("floorSeq").asLong(1);
      assertTrue(f > 150, "trimmed to keep about 100: " + r);
      return f;
    });

    // Reading from the start: told where history starts now, and given every seq from there, once, in order.
    JsonNode page = bob.get("/api/v1/rooms/" + room + "/messages?after=0&limit=200").body();
    assertTrue(page.path("trimmed").asBoolean(), page.toString());
    long pageFloor = page.get("floorSeq").asLong();
    assertTrue(pageFloor >= floor, pageFloor + " < " + floor);
    JsonNode messages = page.get("messages");
    long lastSeq = owner.get("/api/v1/rooms/" + room).body().get("lastSeq").asLong();
    assertEquals(pageFloor, messages.get(0).get("seq").asLong());
    assertEquals(lastSeq - pageFloor + 1, messages.size(), "every seq from the floor to the last");
    for (int i = 1; i < messages.size(); i++) {
      assertEquals(messages.get(i - 1).get("seq").asLong() + 1, messages.get(i).get("seq").asLong());
    }
    assertTrue(lastSeq - pageFloor + 1 <= 111, "about 100 kept: " + (lastSeq - pageFloor + 1));
    assertTrue(messages.toString().contains("\"kind\":\"trimmed\""), "the trims are entries of the timeline");
    assertFalse(messages.toString().contains("\"old 1\""));
    // Scrolling up below the floor says so too; the latest page, within it, does not.
    JsonNode below = bob.get("/api/v1/rooms/" + room + "/messages?before=" + (pageFloor + 2) + "&limit=50").body();
    assertTrue(below.path("trimmed").asBoolean(), below.toString());
    assertEquals(2, below.get("messages").size());
    JsonNode latest = bob.get("/api/v1/rooms/" + room + "/messages?limit=20").body();
    assertTrue(latest.path("trimmed").isMissingNode(), latest.toString());
    // An edit of a trimmed message names why it cannot be.
    ApiClient.Reply edit = owner.patch("/api/v1/rooms/" + room + "/messages/5", "{\"text\":\"too late\"}");
    assertEquals("no_such_message", edit.code());
    assertTrue(edit.toString().contains("retention"), edit.toString());

    // A socket resuming below the floor is told, then gets the floor's entry next: never a silent gap.
    try (WsClient resumed = WsClient.connectAfter(node.http(), bob.token, room + ":3")) {
      JsonNode trimmed = resumed.await(f -> "trimmed".equals(f.path("type").asText()));
      assertEquals(room, trimmed.get("room").asText());
      long told = trimmed.get("floorSeq").asLong();
      assertTrue(told >= floor, told + " < " + floor);
      resumed.await(f -> "message".equals(f.path("type").asText()) && f.get("seq").asLong() == lastSeq);
      List<Long> seqs = resumed.frames().stream().filter(f -> "message".equals(f.path("type").asText())
          && room.equals(f.path("room").asText())).map(f -> f.get("seq").asLong()).toList();
      assertEquals(told, seqs.get(0));
      for (int i = 1; i < seqs.size(); i++) {
        assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "gap-free from the floor: " + seqs);
      }
    }

    // The rows below the floor are gone from the database (snapshot first, then the rows).
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      try {
        long lowest = lowestRowOf(room);
        assertTrue(lowest >= floor, "lowest journal row " + lowest + " below the floor " + floor);
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
      return null;
    });
    // Keeping everything again stops trimming; what is gone stays gone.
    assertEquals(200, owner.patch("/api/v1/rooms/" + room, "{\"retention\":{}}").status());
    assertTrue(owner.get("/api/v1/rooms/" + room).body().path("retention").isMissingNode());
    assertTrue(bob.get("/api/v1/rooms/" + room + "/messages?after=0").body().path("trimmed").asBoolean());
  }

  @Test
  void anAgeLimitReadsTheTimesOfEntriesOlderThanMemoryFromTheJournal() throws Exception {
    // A room of its own on the node's journal (H2 or PostgreSQL), 5 entries in memory, on a clock the test moves.
    String id = "age" + UUID.randomUUID().toString().substring(0, 8);
    ManualClock clock = new ManualClock(Instant.parse("2026-11-01T12:00:00Z"));
    var room = node.system.systemActorOf(ChatRoom.create(id,
        new ChatRoom.Settings(5, 50, 1000), clock), id, Props.empty());
    var probe = TestProbe.<Object>create(node.system);
    room.tell(new ChatRoom.Create("aging", "room", "alice", null, 10, List.of(), probe.ref().narrow()));
    probe.expectMessageClass(ChatRoom.Created.class);
    room.tell(new ChatRoom.Change("alice", null, null, false, null, null, probe.ref().narrow(),
        new Retention(null, 1)));
    probe.expectMessageClass(ChatRoom.RoomView.class);
    for (int i = 0; i < 16; i++) {
      if (i == 10) {
        clock.now = clock.now.plus(Duration.ofDays(2));
      }
      room.tell(new ChatRoom.Send("alice", "m" + i, "message " + i, probe.ref().narrow()));
      probe.expectMessageClass(ChatRoom.SendStored.class);
    }
    // Seqs 3..12 are two days old, 13..18 new; memory holds 14..18, so where the old ones end is read from the journal.
    room.tell(new ChatRoom.CheckRetention(false));
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      room.tell(new ChatRoom.GetHistory("alice", null, 0L, 50, probe.ref().narrow()));
      var page = probe.expectMessageClass(ChatRoom.HistoryResult.class);
      Long floor = page instanceof ChatRoom.InJournal j ? j.floorSeq()
          : ((ChatRoom.Page) page).floorSeq();
      assertEquals(Long.valueOf(13), floor);
      return null;
    });
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      try {
        assertEquals(13, lowestRowOf(id), "the rows of the aged-out entries are gone");
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
      return null;
    });
  }
}
