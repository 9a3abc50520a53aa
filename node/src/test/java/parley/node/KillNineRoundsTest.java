package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.ApiClient;
import parley.node.testkit.NodeProcess;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.WsClient;

/**
 * Acknowledged means stored, where it is weakest: one node process on one database, killed with SIGKILL and started
 * again, round after round. Each round writes at once everything the node acknowledges as durable (sign-ups, logins,
 * new rooms and DMs, joins, leaves, messages by HTTP into several rooms and by WebSocket with sends in flight, read
 * markers), pauses, and kills the node. After each restart every write acknowledged in any round so far must be back
 * as it was: each (room, seq, text), each account and token, each membership, each read marker moved before the
 * pause (markers are the one write stored up to a second late, protocol.md section 5).
 *
 * <p>The rounds are what found H2 2.5.252 losing commits (docs/architecture.md, "What a crash keeps"): once the
 * database file was older than H2's chunk retention (45 s), every round's writes after a restart were gone. So the
 * test runs long enough for that (about two minutes; on H2 2.5.252 it failed in each of 5 runs, at the 4th to 8th
 * kill), on H2 and (in .ci/run) on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillNineRoundsTest {
  private static final int ROUNDS = 10;
  private static final int ROOMS = 4;
  private static final int POSTS_PER_ROOM = 3;
  private static final int WS_SENDS = 48;
  private static final String PASSWORD = "correct horse";

  private final ExecutorService pool = Executors.newFixedThreadPool(16);

  /** Everything acknowledged so far, checked after every restart. */
  private record Acked(String room, long seq, String text, String clientMsgId, String sender) {}

  private final List<Acked> messages = new ArrayList<>();
  private final Map<String, String> accounts = new ConcurrentHashMap<>(); // username -> token issued
  private final Map<String, Set<String>> memberships = new ConcurrentHashMap<>(); // username -> rooms it is in
  private final Map<String, Set<String>> departures = new ConcurrentHashMap<>(); // username -> rooms it left
  private final Map<String, Map<String, Long>> markers = new ConcurrentHashMap<>(); // username -> room -> seq

  @AfterAll
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void everyAcknowledgedWriteSurvivesKillNineRoundAfterRound() throws Exception {
    Path dir = Files.createTempDirectory("parley-kill9");
    Map<String, String> env = TestDatabase.nodeEnv(dir);
    int port = NodeProcess.freePort();
    String alice;
    String bob;
    List<String> rooms = new ArrayList<>();
    try (NodeProcess node = NodeProcess.start(env, port, dir.resolve("node-0.log"))) {
      ApiClient api = new ApiClient(node.http());
      ApiClient a = api.newUser("alice");
      ApiClient b = api.newUser("bob");
      alice = a.username;
      bob = b.username;
      accounts.put(alice, a.token);
      accounts.put(bob, b.token);
      for (int i = 0; i < ROOMS; i++) {
        String room = a.createRoom("{\"name\":\"r" + i + "\"}");
        assertEquals(200, b.post("/api/v1/rooms/" + room + "/join", null).status());
        rooms.add(room);
        joined(alice, room);
        joined(bob, room);
      }
    }

    int lostRound = -1;
    for (int round = 1; round <= ROUNDS; round++) {
      try (NodeProcess node = NodeProcess.start(env, port, dir.resolve("node-" + round + ".log"))) {
        List<String> lost = lostAfterRestart(node, alice);
        assertTrue(lost.isEmpty(), "after kill -9 number " + (round - 1) + ", acknowledged writes are gone ("
            + lost.size() + "): " + lost.subList(0, Math.min(10, lost.size())) + "; logs in " + dir);
        writeRound(node, round, alice, bob, rooms);
        node.kill();
      }
    }
    try (NodeProcess node = NodeProcess.start(env, port, dir.resolve("node-final.log"))) {
      List<String> lost = lostAfterRestart(node, alice);
      assertTrue(lost.isEmpty(), "after the last kill -9, acknowledged writes are gone (" + lost.size() + "): "
          + lost.subList(0, Math.min(10, lost.size())) + "; logs in " + dir);
      // Restarting after a kill is the node's everyday recovery, not an error.
      try (var logs = Files.list(dir)) {
        for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
          List<String> errors = Files.readAllLines(log).stream().filter(l -> l.contains(" ERROR ")).toList();
          assertTrue(errors.isEmpty(), log + " logs errors: " + errors);
        }
      }
      System.out.printf("kill -9 rounds: %d rounds, %d acknowledged messages, %d accounts, all back after every restart%n",
          ROUNDS, messages.size(), accounts.size());
    }
  }

  /** One round of concurrent writes, each recorded only once the node acknowledged it; then the pause. */
  private void writeRound(NodeProcess node, int round, String alice, String bob, List<String> rooms) throws Exception {
    ApiClient a = client(node, alice);
    ApiClient b = client(node, bob);
    List<Callable<Void>> work = new ArrayList<>();
    // A new account, logged in, with its own room, a DM with alice and a join of one of the shared rooms: the writes
    // of accounts and memberships.
    String newcomer = "n" + round + "-" + UUID.randomUUID().toString().substring(0, 6);
    work.add(() -> {
      ApiClient n = new ApiClient(node.http());
      ApiClient.Reply signup = n.post("/api/v1/auth/signup",
          "{\"username\":\"" + newcomer + "\",\"password\":\"" + PASSWORD + "\"}");
      assertEquals(201, signup.status(), signup.toString());
      assertEquals(200, n.login(newcomer, PASSWORD).status());
      accounts.put(newcomer, n.token);
      String own = n.createRoom("{\"name\":\"own " + round + "\"}");
      joined(newcomer, own);
      ApiClient.Reply dm = n.post("/api/v1/dms/" + alice, null);
      assertEquals(200, dm.status(), dm.toString());
      joined(newcomer, dm.body().get("id").asText());
      joined(alice, dm.body().get("id").asText());
      String shared = rooms.get(round % rooms.size());
      assertEquals(200, n.post("/api/v1/rooms/" + shared + "/join", null).status());
      joined(newcomer, shared);
      return null;
    });
    // Bob leaves a room he joined the round before (a room of his own, created then).
    work.add(() -> {
      Set<String> bobs = memberships.getOrDefault(bob, Set.of());
      for (String room : List.copyOf(bobs)) {
        if (!rooms.contains(room) && !room.startsWith("dm:")) {
          assertEquals(204, b.post("/api/v1/rooms/" + room + "/leave", null).status());
          left(bob, room);
        }
      }
      String next = b.createRoom("{\"name\":\"bob " + round + "\"}");
      joined(bob, next);
      return null;
    });
    // Messages over HTTP, three per room from two users at once.
    for (String room : rooms) {
      for (int k = 0; k < POSTS_PER_ROOM; k++) {
        ApiClient who = k % 2 == 0 ? a : b;
        String id = "h" + round + "-" + k;
        String text = "round " + round + " http " + k + " by " + who.username;
        work.add(() -> {
          ApiClient.Reply r = who.post("/api/v1/rooms/" + room + "/messages",
              "{\"clientMsgId\":\"" + id + "\",\"text\":\"" + text + "\"}");
          assertEquals(201, r.status(), r.toString());
          acked(room, r.body().get("seq").asLong(), text, id, who.username);
          return null;
        });
      }
    }
    // Messages over a WebSocket, sixteen sends in flight, spread over the rooms.
    work.add(() -> {
      try (WsClient ws = WsClient.connect(node.http(), a.token)) {
        ws.awaitType("hello");
        Map<String, String> texts = new HashMap<>();
        for (int i = 0; i < WS_SENDS; i++) {
          String id = "w" + round + "-" + i;
          String text = "round " + round + " ws " + i;
          texts.put(id, text);
          ws.send("{\"type\":\"send\",\"room\":\"" + rooms.get(i % rooms.size()) + "\",\"clientMsgId\":\"" + id
              + "\",\"text\":\"" + text + "\"}");
          if (i >= 16) {
            ws.awaitCount(f -> "ack".equals(f.path("type").asText()), i - 15);
          }
        }
        ws.awaitCount(f -> "ack".equals(f.path("type").asText()), WS_SENDS);
        for (JsonNode ack : ws.frames()) {
          if ("ack".equals(ack.path("type").asText())) {
            String id = ack.get("clientMsgId").asText();
            acked(ack.get("room").asText(), ack.get("seq").asLong(), texts.get(id), id, a.username);
          }
        }
      }
      return null;
    });
    for (Future<Void> f : pool.invokeAll(work)) {
      f.get();
    }
    // Read markers: bob reads every shared room to its end. Stored within a second, so the pause covers them.
    for (String room : rooms) {
      JsonNode page = b.get("/api/v1/rooms/" + room + "/messages?limit=1").body();
      long last = page.get("messages").get(0).get("seq").asLong();
      assertEquals(204, b.post("/api/v1/rooms/" + room + "/read", "{\"seq\":" + last + "}").status());
      markers.computeIfAbsent(bob, u -> new ConcurrentHashMap<>()).put(room, last);
    }
    // And a last message into each room, so the round ends on acknowledged messages.
    List<Callable<Void>> last = new ArrayList<>();
    for (String room : rooms) {
      last.add(() -> {
        String id = "l" + round;
        String text = "round " + round + " last words";
        ApiClient.Reply r = a.post("/api/v1/rooms/" + room + "/messages",
            "{\"clientMsgId\":\"" + id + "\",\"text\":\"" + text + "\"}");
        assertEquals(201, r.status(), r.toString());
        acked(room, r.body().get("seq").asLong(), text, id, a.username);
        return null;
      });
    }
    for (Future<Void> f : pool.invokeAll(last)) {
      f.get();
    }
    // The quiet period before the kill is part of the scenario (what was lost was lost after 1 s and 20 s of quiet
    // too), not a wait for a condition; 2 s also covers the read markers' flush (1 s).
    Thread.sleep(2000);
  }

  /** What was acknowledged and is not back as it was, one line each. */
  private List<String> lostAfterRestart(NodeProcess node, String alice) {
    List<String> lost = new ArrayList<>();
    // Accounts: each logs in with its password, and the token issued before the crash still works.
    for (Map.Entry<String, String> account : accounts.entrySet()) {
      ApiClient fresh = new ApiClient(node.http());
      if (fresh.login(account.getKey(), PASSWORD).status() != 200) {
        lost.add("account " + account.getKey());
      }
      if (client(node, account.getKey()).get("/api/v1/me").status() != 200) {
        lost.add("token of " + account.getKey());
      }
    }
    // Memberships and read markers, as the user's own list and the room's member list say.
    for (String user : accounts.keySet()) {
      ApiClient c = client(node, user);
      JsonNode me = c.get("/api/v1/me").body();
      Map<String, JsonNode> listed = new HashMap<>();
      me.path("rooms").forEach(r -> listed.put(r.get("id").asText(), r));
      for (String room : memberships.getOrDefault(user, Set.of())) {
        JsonNode summary = listed.get(room);
        if (summary == null) {
          lost.add(user + " in " + room);
          continue;
        }
        long marker = markers.getOrDefault(user, Map.of()).getOrDefault(room, 0L);
        if (summary.get("readSeq").asLong() < marker) {
          lost.add(user + "'s read marker in " + room + ": " + summary.get("readSeq") + " < " + marker);
        }
      }
      for (String room : departures.getOrDefault(user, Set.of())) {
        if (listed.containsKey(room)) {
          lost.add(user + " left " + room + " but is listed in it");
        }
      }
    }
    // Messages: each timeline is 1..n with no gap, and every acknowledged (seq, text) is in it.
    ApiClient reader = client(node, alice);
    Map<String, Map<Long, JsonNode>> timelines = new TreeMap<>();
    for (Acked m : messages) {
      Map<Long, JsonNode> timeline = timelines.computeIfAbsent(m.room(), room -> readTimeline(reader, room, lost));
      JsonNode stored = timeline.get(m.seq());
      if (stored == null || !m.text().equals(stored.path("text").asText()) || !m.clientMsgId().equals(stored.path("clientMsgId").asText())) {
        lost.add("message " + m + " (stored: " + stored + ")");
      }
    }
    // A resend of an acknowledged message after the crash is answered with its first seq, never stored again.
    for (Map.Entry<String, Map<Long, JsonNode>> e : timelines.entrySet()) {
      Acked first = messages.stream().filter(m -> m.room().equals(e.getKey())).findFirst().orElseThrow();
      ApiClient author = client(node, first.sender());
      ApiClient.Reply again = author.post("/api/v1/rooms/" + first.room() + "/messages",
          "{\"clientMsgId\":\"" + first.clientMsgId() + "\",\"text\":\"" + first.text() + "\"}");
      if (again.status() != 201 || again.body().get("seq").asLong() != first.seq()) {
        lost.add("dedupe of " + first + ": " + again);
      }
    }
    return lost;
  }

  private Map<Long, JsonNode> readTimeline(ApiClient reader, String room, List<String> lost) {
    Map<Long, JsonNode> timeline = new HashMap<>();
    long after = 0;
    boolean more = true;
    while (more) {
      ApiClient.Reply page = reader.get("/api/v1/rooms/" + room + "/messages?after=" + after + "&limit=200");
      if (page.status() != 200) {
        lost.add("history of " + room + ": " + page);
        return timeline;
      }
      for (JsonNode m : page.body().get("messages")) {
        long seq = m.get("seq").asLong();
        if (seq != after + 1) {
          lost.add("gap or repeat in " + room + " at seq " + seq + " after " + after);
        }
        after = seq;
        timeline.put(seq, m);
      }
      more = page.body().get("hasMore").asBoolean();
    }
    return timeline;
  }

  private ApiClient client(NodeProcess node, String user) {
    ApiClient c = new ApiClient(node.http()).withToken(accounts.get(user));
    c.username = user;
    return c;
  }

  private synchronized void acked(String room, long seq, String text, String clientMsgId, String sender) {
    messages.add(new Acked(room, seq, text, clientMsgId, sender));
  }

  private void joined(String user, String room) {
    memberships.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(room);
    departures.computeIfPresent(user, (u, rooms) -> {
      rooms.remove(room);
      return rooms;
    });
  }

  private void left(String user, String room) {
    memberships.computeIfPresent(user, (u, rooms) -> {
      rooms.remove(room);
      return rooms;
    });
    departures.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(room);
  }
}
