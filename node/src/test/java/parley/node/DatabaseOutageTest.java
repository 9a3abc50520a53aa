package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.Needs;
import parley.node.testkit.NodeProcess;
import parley.node.testkit.OwnPostgres;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.WsClient;

/**
 * The database gone for 30 s while a user writes: every send is answered (an ack, or unavailable within the ask
 * timeout, never a hang), the node rides it out without a restart, takes writes again within 15 s of the database's
 * return (a write refused once more just after it costs its sender the ask timeout), and nothing acknowledged is lost
 * or doubled. On a PostgreSQL server of the test's own.
 */
class DatabaseOutageTest {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  /**
   * parley.ask-timeout (10 s) and a margin for a busy machine: how long a send waits for its answer, and how soon
   * after the database's return a post is stored (one refused once more just after it waits that timeout).
   */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);
  /** The outage, the database's restart and the answer a node owes then, with a margin: a socket comes by then. */
  private static final Duration CONNECT_WITHIN = OUTAGE.plus(ANSWER_WITHIN).plus(Duration.ofSeconds(45));

  /** One user's socket that sends one message at a time and reconnects when the node closes it, as a client does. */
  private static final class Writer {
    final ApiClient user;
    final String room;
    final String http;
    WsClient socket;
    final Map<String, Long> acked = new LinkedHashMap<>();
    int unavailable;
    int reconnects;
    long longestWaitMs;

    Writer(String http, ApiClient user, String room) {
      this.http = http;
      this.user = user;
      this.room = room;
    }

    /** Connects, backing off and trying again while refused, until {@link #CONNECT_WITHIN}; fails then. */
    void connect() {
      long deadline = System.nanoTime() + CONNECT_WITHIN.toNanos();
      while (true) {
        try {
          socket = WsClient.connect(http, user.token);
          socket.awaitType("hello");
          return;
        } catch (RuntimeException | AssertionError e) {
          if (System.nanoTime() - deadline > 0) {
            throw new AssertionError("no socket within " + CONNECT_WITHIN.toSeconds() + " s", e);
          }
          reconnects++;
          // The handshake needs the user's entity, which needs the database: a client backs off and tries again.
          LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
      }
    }

    /** Sends {@code id} until one answer comes: true if acknowledged, false if told unavailable (or cut off). */
    boolean send(String id) {
      long before = socket.frames().stream().filter(n -> about(n, id)).count();
      long start = System.nanoTime();
      socket.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + id + "\",\"text\":\"" + id + "\"}");
      long got;
      try {
        got = socket.awaitCountOrClose(n -> about(n, id), before + 1);
      } catch (AssertionError e) {
        throw new AssertionError("no answer to " + id + " within 30 s", e);
      }
      long waited = (System.nanoTime() - start) / 1_000_000;
      longestWaitMs = Math.max(longestWaitMs, waited);
      if (got <= before) {
        reconnects++;
        connect(); // the node closed the socket: reconnect, the caller resends
        return false;
      }
      JsonNode answer = socket.frames().stream().filter(n -> about(n, id)).reduce((a, b) -> b).orElseThrow();
      if ("ack".equals(answer.path("type").asText())) {
        acked.put(id, answer.get("seq").asLong());
        return true;
      }
      assertEquals("unavailable", answer.path("code").asText(), answer.toString());
      unavailable++;
      return false;
    }

    private static boolean about(JsonNode n, String id) {
      return ("ack".equals(n.path("type").asText()) && id.equals(n.path("clientMsgId").asText()))
          || ("error".equals(n.path("type").asText()) && id.equals(n.path("ref").asText()));
    }
  }

  @Test
  // Thirty seconds without the database, two starts of a PostgreSQL server and of a node: over the suite's default.
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void theNodeRidesOutThirtySecondsWithoutItsDatabase() throws Exception {
    Needs.present(OwnPostgres.binaries() != null, "PostgreSQL's server binaries");
    // It brings its own PostgreSQL whatever the run's database: once per build is enough (the H2 pass).
    Assumptions.assumeFalse(TestDatabase.postgres(), "runs in the default pass");
    Path dir = Files.createTempDirectory("parley-db-outage");
    try (OwnPostgres pg = OwnPostgres.start()) {
      Map<String, String> env = new HashMap<>();
      env.put("PARLEY_DB_URL", pg.jdbcUrl());
      env.put("PARLEY_DB_USER", "postgres");
      try (NodeProcess node = NodeProcess.start(env, dir.resolve("node.log"))) {
        long pid = node.process.pid();
        ApiClient alice = new ApiClient(node.http()).newUser("alice");
        String room = alice.createRoom("{\"name\":\"through the outage\"}");
        // Another user who posts once the database is back: how soon a send made then is stored.
        ApiClient bob = new ApiClient(node.http()).newUser("bob");
        String bobsRoom = bob.createRoom("{\"name\":\"after the outage\"}");
        Writer w = new Writer(node.http(), alice, room);
        w.connect();
        int next = 0;
        for (; next < 20; next++) {
          assertTrue(w.send("m" + next), "the database is up");
        }

        pg.stopServer();
        long down = System.nanoTime();
        String pending = "m" + next++;
        while (System.nanoTime() - down < OUTAGE.toNanos()) {
          if (w.send(pending)) {
            pending = "m" + next++;
          }
        }
        assertTrue(w.unavailable + w.reconnects > 0, "the outage was noticed");
        assertTrue(w.longestWaitMs <= Eventually.dilated(ANSWER_WITHIN).toMillis(),
            "every send answered in time: " + w.longestWaitMs + " ms");

        pg.startServer();
        long back = System.nanoTime();
        int tries = 0;
        while (bob.post("/api/v1/rooms/" + bobsRoom + "/messages",
            "{\"clientMsgId\":\"back\",\"text\":\"are we back?\"}").status() != 201) {
          tries++;
          assertTrue(System.nanoTime() - back < Duration.ofSeconds(60).toNanos(), "not writable 60 s after the return");
        }
        long writableMs = (System.nanoTime() - back) / 1_000_000;
        // Alice's send made during the outage is answered (unavailable) within the ask timeout, then stored.
        while (!w.send(pending)) {
          assertTrue(System.nanoTime() - back < Duration.ofSeconds(60).toNanos(), "alice's resend not stored in 60 s");
        }
        System.out.printf("database outage: %d unavailable, %d reconnects, longest wait %d ms; a post made after the "
            + "database returned stored %d ms after it (%d refused before)%n", w.unavailable, w.reconnects,
            w.longestWaitMs, writableMs, tries);
        // A write made in the first seconds after the return can still fail (the pool has no connection yet: it
        // tried while the server was starting and waits before it tries again); the room then stops, and its sender
        // is told unavailable by the ask timeout (10 s), and the resend is stored. So: within that timeout and a
        // margin, 15 s.
        assertTrue(writableMs <= Eventually.dilated(ANSWER_WITHIN).toMillis(),
            "writable " + writableMs + " ms after the database returned");
        for (int i = 0; i < 20; i++) {
          assertTrue(w.send("m" + next++));
        }
        assertTrue(node.process.isAlive() && node.process.pid() == pid, "the same node process throughout");

        // Every acknowledged message once, at its seq; the timeline gap-free.
        List<JsonNode> entries = new ArrayList<>();
        long after = 0;
        while (true) {
          JsonNode page = alice.get("/api/v1/rooms/" + room + "/messages?after=" + after + "&limit=200").body();
          page.get("messages").forEach(entries::add);
          if (page.get("messages").size() < 200) {
            break;
          }
          after = entries.get(entries.size() - 1).get("seq").asLong();
        }
        for (int i = 0; i < entries.size(); i++) {
          assertEquals(i + 1, entries.get(i).get("seq").asLong(), "gap-free");
        }
        Map<String, Long> stored = new HashMap<>();
        for (JsonNode e : entries) {
          if (e.hasNonNull("clientMsgId")) {
            assertEquals(null, stored.put(e.get("clientMsgId").asText(), e.get("seq").asLong()), "stored once: " + e);
          }
        }
        w.acked.forEach((id, seq) -> assertEquals(seq, stored.get(id), id + " acknowledged at " + seq));
        w.socket.close();
      }
    }
  }
}
