package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import parley.node.KillNineLedger.Op;
import parley.node.testkit.ApiClient;
import parley.node.testkit.NodeProcess;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.WsClient;

/**
 * Acknowledged means stored, where it is weakest: one node process on one database (an H2 file, or PostgreSQL in CI's
 * second run), killed with SIGKILL in the middle of its writes and started again, round after round. In each round
 * three WebSockets keep many sends, edits and reactions in flight, two HTTP clients post and edit, and a user joins and
 * leaves rooms; the kill comes after a random number of acknowledgements and a random delay, so it lands anywhere in
 * that stream. Before the writers, each round also signs up a newcomer who opens a room and a DM, lets another user
 * leave a room and create one, and moves read markers. After each restart:
 * <ul>
 *   <li>every write acknowledged in any round so far is back at its seq (accounts, tokens, memberships and leaves
 *       too, and read markers moved long enough before the kill: they are written up to a second late);
 *   <li>every timeline is 1..n, nothing is stored twice, and every message reads as its stored edits and reactions
 *       make it;
 *   <li>each write left unanswered by the kill is resent with its clientMsgId and is answered with the seq it was
 *       stored at, if it was; a sample of the acknowledged ones, the last before the kill among them, too.
 * </ul>
 *
 * <p>The kill points and each writer's choices come from one seed, printed at the start and in every failure:
 * {@code -Dparley.kill9.seed=S} runs the same rounds again (the threads' timing is the machine's).
 *
 * <p>The rounds are what found H2 2.5.252 losing commits (docs/architecture.md, "What a crash keeps"): once the
 * database file was older than H2's chunk retention (45 s), every round's writes after a restart were gone. So the
 * run lasts past that (ten kills over a minute or two).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillNineRoundsTest {
  private static final int ROUNDS = 10;
  private static final int ROOMS = 4;
  /** Sends, edits and reactions one socket keeps waiting for their ack. */
  private static final int IN_FLIGHT = 24;
  /** What each writer may write in a round: more than it can before the kill, so the kill always finds it writing. */
  private static final int WS_BUDGET = 1500;
  private static final int HTTP_BUDGET = 400;
  /** The kill comes after this many acknowledgements in the round (uniform), then up to this many ms more. */
  private static final int KILL_AFTER_MIN = 30;
  private static final int KILL_AFTER_MAX = 300;
  private static final int KILL_JITTER_MS = 250;
  private static final List<String> EMOJI = List.of("\ud83d\udc4d", "\ud83c\udf89", "\ud83d\udd25", "\ud83d\udc40");

  private final long seed = Long.getLong("parley.kill9.seed", new SecureRandom().nextLong());
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final KillNineLedger ledger = new KillNineLedger();
  /** Set just before the SIGKILL: a connection failing after it is the kill, before it a failure. */
  private final AtomicBoolean killed = new AtomicBoolean();

  @AfterAll
  void stopPool() {
    pool.shutdownNow();
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  private String seedNote() {
    return " [seed " + seed + ": -Dparley.kill9.seed=" + seed + " replays these rounds]";
  }

  @Test
  // Ten restarts of a JVM: about two minutes on a quiet machine, five on one as loaded as CI's can be.
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void everyAcknowledgedWriteSurvivesAKillInTheMiddleOfWritingRoundAfterRound() throws Exception {
    System.out.println("KillNineRoundsTest: seed " + seed + " (-Dparley.kill9.seed=" + seed + " replays it), database "
        + (TestDatabase.postgres() ? "PostgreSQL" : "H2 file"));
    Random random = new Random(seed);
    Path dir = Files.createTempDirectory("parley-kill9");
    Map<String, String> env = TestDatabase.nodeEnv(dir);
    String alice;
    String bob;
    List<String> rooms = new ArrayList<>();
    try (NodeProcess node = NodeProcess.start(env, dir.resolve("node-0.log"))) {
      ApiClient api = new ApiClient(node.http());
      ApiClient a = api.newUser("alice");
      ApiClient b = api.newUser("bob");
      alice = a.username;
      bob = b.username;
      ledger.accounts.put(alice, a.token);
      ledger.accounts.put(bob, b.token);
      for (int i = 0; i < ROOMS; i++) {
        String room = a.createRoom("{\"name\":\"r" + i + "\"}");
        assertEquals(200, b.post("/api/v1/rooms/" + room + "/join", null).status());
        rooms.add(room);
        ledger.joined(alice, room);
        ledger.joined(bob, room);
      }
    }

    for (int r = 1; r <= ROUNDS; r++) {
      long t0 = System.nanoTime();
      int round = r;
      // Drawn first, so that a replay gets the same rounds however many writes the kills left in doubt.
      long roundSeed = random.nextLong();
      int killAfter = KILL_AFTER_MIN + random.nextInt(KILL_AFTER_MAX - KILL_AFTER_MIN + 1);
      int jitter = random.nextInt(KILL_JITTER_MS + 1);
      try (NodeProcess node = NodeProcess.start(env, dir.resolve("node-" + round + ".log"))) {
        long t1 = System.nanoTime();
        check(node, alice, "after kill -9 number " + (round - 1), dir);
        long t2 = System.nanoTime();
        // Bob reads every room to its end: markers, the one write stored up to a second after its answer. Moved
        // after the check (a move would hide a marker the kill lost), and long enough before the next kill.
        long markersMoved = moveMarkers(node, bob, rooms);
        // Meanwhile a newcomer signs up and opens rooms, and bob leaves his last room and creates another.
        Future<String> newcomer = pool.submit(() -> newcomer(node, round, alice, bob, rooms));
        resend(node, new Random(roundSeed - 1), "after kill -9 number " + (round - 1));
        long t3 = System.nanoTime();
        String joiner = newcomer.get(120, TimeUnit.SECONDS);
        System.out.printf("round %d: restart %d ms, check %d ms, resends %d ms, newcomer %d ms more%n", round,
            ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(System.nanoTime() - t3));
        writeAndKill(node, round, List.of(alice, bob, joiner), rooms, roundSeed, markersMoved, killAfter, jitter);
      }
    }
    try (NodeProcess node = NodeProcess.start(env, dir.resolve("node-final.log"))) {
      check(node, alice, "after the last kill -9", dir);
      resend(node, new Random(random.nextLong()), "after the last kill -9");
      // The resends above stored what the kill left in doubt: once each, at the seq they were answered with.
      List<String> lost = ledger.lostAfterRestart(node.http(), alice);
      assertTrue(lost.isEmpty(), "after the last resends (" + lost.size() + "): " + lost.subList(0, Math.min(10, lost.size()))
          + "; logs in " + dir + seedNote());
      // Restarting after a kill is the node's everyday recovery, not an error.
      try (var logs = Files.list(dir)) {
        for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
          List<String> errors = Files.readAllLines(log).stream().filter(l -> l.contains(" ERROR ")).toList();
          assertTrue(errors.isEmpty(), log + " logs errors: " + errors);
        }
      }
      System.out.printf("kill -9 rounds: %d kills mid-write, %d acknowledged writes, %d accounts, %d read markers"
          + " required, all back after every restart%s%n", ROUNDS, ledger.ackedTotal(), ledger.accounts.size(),
          ledger.markersRequired(), seedNote());
    }
  }

  /** After a restart: everything acknowledged is back, once. */
  private void check(NodeProcess node, String reader, String when, Path dir) {
    List<String> lost = ledger.lostAfterRestart(node.http(), reader);
    assertTrue(lost.isEmpty(), when + ", acknowledged writes are gone or doubled (" + lost.size() + "): "
        + lost.subList(0, Math.min(10, lost.size())) + "; logs in " + dir + seedNote());
  }

  /** Resends are answered with their first seq; what was in doubt is stored now. */
  private void resend(NodeProcess node, Random random, String when) {
    List<String> wrong = new KillNineResends(ledger, node.http()).resend(random);
    assertTrue(wrong.isEmpty(), when + ", resends were not answered with their first seq (" + wrong.size() + "): "
        + wrong.subList(0, Math.min(10, wrong.size())) + seedNote());
  }

  /** Bob's read markers, each moved to its room's last seq; returns when they were answered. */
  private long moveMarkers(NodeProcess node, String bob, List<String> rooms) {
    ApiClient b = ledger.client(node.http(), bob);
    for (String room : rooms) {
      JsonNode page = b.get("/api/v1/rooms/" + room + "/messages?limit=1").body();
      long last = page.get("messages").get(0).get("seq").asLong();
      assertEquals(204, b.post("/api/v1/rooms/" + room + "/read", "{\"seq\":" + last + "}").status());
      ledger.markerMoved(bob, room, last);
    }
    return System.nanoTime();
  }

  /**
   * A newcomer signs up, logs in, creates a room and opens a DM with alice; bob leaves the room he created the round
   * before and creates another. Returns the newcomer, who joins and leaves rooms while the kill comes.
   */
  private String newcomer(NodeProcess node, int round, String alice, String bob, List<String> rooms) {
    String newcomer = "n" + round + "-" + UUID.randomUUID().toString().substring(0, 6);
    ApiClient n = new ApiClient(node.http());
    ApiClient.Reply signup = n.post("/api/v1/auth/signup",
        "{\"username\":\"" + newcomer + "\",\"password\":\"" + KillNineLedger.PASSWORD + "\"}");
    assertEquals(201, signup.status(), signup.toString());
    assertEquals(200, n.login(newcomer, KillNineLedger.PASSWORD).status());
    ledger.accounts.put(newcomer, n.token);
    String own = n.createRoom("{\"name\":\"own " + round + "\"}");
    ledger.joined(newcomer, own);
    ApiClient.Reply dm = n.post("/api/v1/dms/" + alice, null);
    assertEquals(200, dm.status(), dm.toString());
    // A stranger's DM is an invitation: alice takes it by opening the DM too.
    ApiClient.Reply taken = ledger.client(node.http(), alice).post("/api/v1/dms/" + newcomer, null);
    assertEquals(200, taken.status(), taken.toString());
    ledger.joined(newcomer, dm.body().get("id").asText());
    ledger.joined(alice, dm.body().get("id").asText());
    ApiClient b = ledger.client(node.http(), bob);
    for (String room : ledger.roomsOf(bob)) {
      if (!rooms.contains(room) && !room.startsWith("dm:")) {
        assertEquals(204, b.post("/api/v1/rooms/" + room + "/leave", null).status());
        ledger.leaving(bob, room);
        ledger.left(bob, room);
      }
    }
    String next = b.createRoom("{\"name\":\"bob " + round + "\"}");
    ledger.joined(bob, next);
    return newcomer;
  }

  /**
   * One round: three sockets (alice twice, bob) and two HTTP clients (alice, bob) write into the shared rooms, the
   * newcomer joins and leaves them, and the node is killed while they do.
   */
  private void writeAndKill(NodeProcess node, int round, List<String> users, List<String> rooms, long roundSeed,
      long markersMoved, int killAfter, int jitterMs) throws Exception {
    ledger.newRound();
    killed.set(false);
    String alice = users.get(0);
    String bob = users.get(1);
    List<Writer> writers = List.of(
        new Writer("ws-a1", round, alice, Via.SOCKET, WS_BUDGET), new Writer("ws-a2", round, alice, Via.SOCKET, WS_BUDGET),
        new Writer("ws-b", round, bob, Via.SOCKET, WS_BUDGET), new Writer("http-a", round, alice, Via.HTTP, HTTP_BUDGET),
        new Writer("http-b", round, bob, Via.HTTP, HTTP_BUDGET),
        new Writer("joins", round, users.get(2), Via.MEMBERSHIP, HTTP_BUDGET));
    CountDownLatch ready = new CountDownLatch(writers.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Void>> running = new ArrayList<>();
    for (int i = 0; i < writers.size(); i++) {
      Writer w = writers.get(i);
      Random r = new Random(roundSeed + i);
      running.add(pool.submit(() -> w.write(node, rooms, r, ready, go)));
    }

    // The writers start together once each is ready (its socket open) and bob's markers had their second to be
    // written, so that they must be back; the count starts once every writer is writing (its first write answered),
    // so that the kill finds them all at it. Writers stop only at the kill (or at the end of their budget, which the
    // assertion below rules out).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    BooleanSupplier stopped = () -> running.stream().anyMatch(Future::isDone);
    boolean reached = ledger.await(() -> ready.getCount() == 0
        && System.nanoTime() - markersMoved >= KillNineLedger.MARKER_GRACE_NANOS, deadline, stopped);
    go.countDown();
    reached = reached && ledger.await(() -> writers.stream().allMatch(w -> w.started), deadline, stopped);
    int base = ledger.ackedThisRound();
    reached = reached && ledger.await(() -> ledger.ackedThisRound() >= base + killAfter, deadline, stopped);
    if (!reached) {
      killed.set(true);
      go.countDown();
      node.kill();
      for (Future<Void> f : running) {
        if (f.isDone()) {
          f.get(); // a writer's failure, passed up
        }
      }
      throw new AssertionError("round " + round + ": the writers did not all start, or got only "
          + ledger.ackedThisRound() + " of " + (base + killAfter) + " writes acknowledged, within 120 s" + seedNote());
    }
    // The random moment: a little after the round's n-th acknowledgement, with sends in flight on every socket.
    Thread.sleep(jitterMs);
    int inDoubtAtKill = ledger.inDoubtCount();
    List<String> finished = writers.stream().filter(w -> w.finished).map(w -> w.name).toList();
    killed.set(true);
    long killedAt = System.nanoTime();
    node.kill();
    ledger.killed(killedAt);
    for (Future<Void> f : running) {
      f.get(90, TimeUnit.SECONDS); // a writer's own failure fails the test; the kill ends each writer cleanly
    }
    assertTrue(finished.isEmpty(), "round " + round + ": " + finished + " had written their whole budget before the "
        + "kill, which must come while they write; raise the budgets" + seedNote());
    System.out.printf("round %d: killed after %d acknowledged writes (%d + %d, then %d ms), %d in flight%n", round,
        ledger.ackedThisRound(), base, killAfter, jitterMs, inDoubtAtKill);
  }

  /** A connection that failed after the kill is the kill; one that failed before it fails the test. */
  private void endedByKill(RuntimeException e) {
    Throwable cause = e.getCause();
    if (!killed.get() || !(cause instanceof IOException)) {
      throw e;
    }
  }

  private enum Via { SOCKET, HTTP, MEMBERSHIP }

  /**
   * One client writing into the shared rooms until the kill: a socket with sends, edits and reactions in flight, HTTP
   * posts and edits one at a time, or joins and leaves one at a time.
   */
  private final class Writer {
    final String name;
    final int round;
    final String user;
    final Via via;
    final int budget;
    volatile boolean started;
    volatile boolean finished;
    CountDownLatch ready;
    CountDownLatch go;
    /** This writer's acknowledged messages of the round, room -> seqs: what it edits and reacts to. */
    final Map<String, List<Long>> mine = new HashMap<>();
    int count;

    Writer(String name, int round, String user, Via via, int budget) {
      this.name = name;
      this.round = round;
      this.user = user;
      this.via = via;
      this.budget = budget;
    }

    Void write(NodeProcess node, List<String> rooms, Random r, CountDownLatch ready, CountDownLatch go)
        throws InterruptedException {
      this.ready = ready;
      this.go = go;
      switch (via) {
        case SOCKET -> overWebSocket(node, rooms, r);
        case HTTP -> overHttp(node, rooms, r);
        case MEMBERSHIP -> joinsAndLeaves(node, rooms);
        default -> throw new IllegalStateException();
      }
      return null;
    }

    /** Ready: waits for the others. */
    private void startTogether() throws InterruptedException {
      ready.countDown();
      assertTrue(go.await(150, TimeUnit.SECONDS), name + ": no start within 150 s");
    }

    /** The next write: mostly messages, else an edit of one of its own or a reaction to one. */
    Op next(List<String> rooms, Random r) {
      String room = rooms.get(r.nextInt(rooms.size()));
      String id = name + "/" + round + "/" + count++;
      List<Long> targets = mine.getOrDefault(room, List.of());
      int dice = r.nextInt(10);
      if (!targets.isEmpty() && dice < 2) {
        return new Op("edit", room, user, id, "edited as " + id, targets.get(r.nextInt(targets.size())));
      }
      if (via == Via.SOCKET && !targets.isEmpty() && dice < 4) {
        return new Op("reaction", room, user, id, EMOJI.get(r.nextInt(EMOJI.size())), targets.get(r.nextInt(targets.size())));
      }
      return new Op("message", room, user, id, "said as " + id, 0);
    }

    void stored(Op op, long seq) {
      started = true;
      ledger.stored(op, seq);
      if ("message".equals(op.kind())) {
        mine.computeIfAbsent(op.room(), x -> new ArrayList<>()).add(seq);
      }
    }

    Void overWebSocket(NodeProcess node, List<String> rooms, Random r) throws InterruptedException {
      Map<String, Op> waiting = new LinkedHashMap<>();
      int sent = 0;
      int read = 0;
      long answered = 0;
      try (WsClient socket = WsClient.connect(node.http(), ledger.accounts.get(user))) {
        socket.awaitType("hello");
        startTogether();
        while (sent < budget || !waiting.isEmpty()) {
          if (sent < budget && waiting.size() < IN_FLIGHT) {
            Op op = next(rooms, r);
            ledger.sending(op);
            waiting.put(op.clientMsgId(), op);
            sent++;
            try {
              socket.send(KillNineResends.frame(op));
            } catch (CompletionException e) {
              endedByKill(e);
              return null;
            }
            continue;
          }
          long want = answered + 1;
          long got;
          try {
            got = socket.awaitCountOrClose(KillNineRoundsTest::isAnswer, want);
          } catch (AssertionError e) {
            if (killed.get() && socket.closed.isDone()) {
              return null; // the wait ended by the socket's close, which the kill brought
            }
            throw e;
          }
          List<JsonNode> frames = socket.frames();
          for (; read < frames.size(); read++) {
            JsonNode f = frames.get(read);
            if ("ack".equals(f.path("type").asText())) {
              Op op = waiting.remove(f.get("clientMsgId").asText());
              assertTrue(op != null, name + ": an ack for nothing waiting: " + f);
              assertEquals(op.room(), f.get("room").asText(), f.toString());
              stored(op, f.get("seq").asLong());
              answered++;
            } else if ("error".equals(f.path("type").asText())) {
              throw new AssertionError(name + ": a write refused: " + f);
            }
          }
          if (got < want) {
            // awaitCountOrClose came back short: the socket closed.
            if (killed.get()) {
              return null;
            }
            throw new AssertionError(name + ": the socket closed before the kill: " + socket.closed.getNow(null));
          }
        }
      }
      finished = true;
      return null;
    }

    Void overHttp(NodeProcess node, List<String> rooms, Random r) throws InterruptedException {
      ApiClient me = ledger.client(node.http(), user);
      startTogether();
      try {
        for (int i = 0; i < budget; i++) {
          Op op = next(rooms, r);
          ledger.sending(op);
          ApiClient.Reply reply = KillNineResends.overHttp(me, op);
          assertEquals("edit".equals(op.kind()) ? 200 : 201, reply.status(), name + ": " + op + " -> " + reply);
          stored(op, reply.body().get("seq").asLong());
        }
      } catch (IllegalStateException e) {
        endedByKill(e);
        return null;
      }
      finished = true;
      return null;
    }

    /** Joins a shared room and leaves it, room after room; each recorded once answered, the last one in doubt. */
    Void joinsAndLeaves(NodeProcess node, List<String> rooms) throws InterruptedException {
      ApiClient me = ledger.client(node.http(), user);
      startTogether();
      try {
        for (int i = 0; i < budget; i++) {
          String room = rooms.get(i % rooms.size());
          ledger.joining(user, room);
          assertEquals(200, me.post("/api/v1/rooms/" + room + "/join", null).status(), name + " joins " + room);
          ledger.joined(user, room);
          started = true;
          ledger.leaving(user, room);
          assertEquals(204, me.post("/api/v1/rooms/" + room + "/leave", null).status(), name + " leaves " + room);
          ledger.left(user, room);
        }
      } catch (IllegalStateException e) {
        endedByKill(e);
        return null;
      }
      finished = true;
      return null;
    }
  }

  static boolean isAnswer(JsonNode frame) {
    String type = frame.path("type").asText();
    return "ack".equals(type) || "error".equals(type);
  }
}
