package parley.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;

/**
 * What {@link KillNineRoundsTest}'s clients were told was stored, what they sent without an answer before the kill,
 * and the checks of both against a restarted node. A write counts as acknowledged only once its answer arrived (201
 * or 200 over HTTP, {@code ack} on a socket); a write still waiting when the node died is in doubt: it may or may not
 * be stored, and its resend with the same clientMsgId decides it.
 */
final class KillNineLedger {
  static final String PASSWORD = "correct horse";
  /**
   * Read and delivered markers are written up to a second after their answer (protocol.md section 5): a promise about
   * time, so it is held with a margin for a busy machine, scaled by the suite's time factor (8 s at its 2) like every
   * wait of the suite; a marker moved this long before the kill must be back.
   */
  static final long MARKER_GRACE_NANOS = Eventually.dilated(Duration.ofSeconds(4)).toNanos();

  /** A write to a room: a message, an edit of {@code target}, or a reaction ({@code text} its emoji) to it. */
  record Op(String kind, String room, String sender, String clientMsgId, String text, long target) {
    String key() {
      return room + "|" + sender + "|" + clientMsgId;
    }
  }

  record Stored(Op op, long seq) {}

  private record MarkerMove(String user, String room, long seq, long ackedAt) {}

  /** Guarded by this. */
  private final List<Stored> acked = new ArrayList<>();
  private final List<Stored> ackedThisRound = new ArrayList<>();
  private final Map<String, Op> inDoubt = new LinkedHashMap<>();
  private final Map<String, Op> everSent = new HashMap<>();
  private final List<MarkerMove> markerMoves = new ArrayList<>();

  final Map<String, String> accounts = new ConcurrentHashMap<>(); // username -> token issued
  /** Accounts whose password was tried after a kill already; later checks try their tokens (a login is slow on purpose). */
  private final Set<String> loggedInAfterAKill = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<String>> memberships = new ConcurrentHashMap<>(); // username -> rooms it is in
  private final Map<String, Set<String>> departures = new ConcurrentHashMap<>(); // username -> rooms it left
  private final Map<String, Map<String, Long>> markers = new ConcurrentHashMap<>(); // username -> room -> seq

  /** Where the last check found each write stored (by {@link Op#key}). */
  private final Map<String, Long> storedByKey = new HashMap<>();

  synchronized void sending(Op op) {
    inDoubt.put(op.key(), op);
    everSent.put(op.key(), op);
  }

  synchronized void stored(Op op, long seq) {
    inDoubt.remove(op.key());
    everSent.put(op.key(), op);
    Stored s = new Stored(op, seq);
    acked.add(s);
    ackedThisRound.add(s);
    notifyAll();
  }

  synchronized int ackedThisRound() {
    return ackedThisRound.size();
  }

  synchronized int ackedTotal() {
    return acked.size();
  }

  synchronized int inDoubtCount() {
    return inDoubt.size();
  }

  synchronized List<Stored> ackedThisRoundList() {
    return List.copyOf(ackedThisRound);
  }

  synchronized void newRound() {
    ackedThisRound.clear();
  }

  /**
   * Waits, woken by each acknowledgement, until {@code done} holds; false at the deadline or as soon as {@code failed}
   * holds (a writer stopped: its failure is the news, not the wait).
   */
  synchronized boolean await(BooleanSupplier done, long deadline, BooleanSupplier failed) throws InterruptedException {
    while (!done.getAsBoolean()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0 || failed.getAsBoolean()) {
        return false;
      }
      wait(Math.min(left, 200));
    }
    return true;
  }

  /** The writes in doubt since the last kill, now to be resent; each is acknowledged anew by the resend. */
  synchronized List<Op> takeInDoubt() {
    List<Op> taken = List.copyOf(inDoubt.values());
    inDoubt.clear();
    return taken;
  }

  void joined(String user, String room) {
    memberships.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(room);
    departures.computeIfPresent(user, (u, rooms) -> {
      rooms.remove(room);
      return rooms;
    });
  }

  /** A join is about to be asked for: until it is answered, either outcome is right. */
  void joining(String user, String room) {
    departures.computeIfPresent(user, (u, rooms) -> {
      rooms.remove(room);
      return rooms;
    });
  }

  /** A leave is about to be asked for: until it is answered, either outcome is right. */
  void leaving(String user, String room) {
    memberships.computeIfPresent(user, (u, rooms) -> {
      rooms.remove(room);
      return rooms;
    });
  }

  void left(String user, String room) {
    departures.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(room);
  }

  Set<String> roomsOf(String user) {
    return Set.copyOf(memberships.getOrDefault(user, Set.of()));
  }

  synchronized void markerMoved(String user, String room, long seq) {
    markerMoves.add(new MarkerMove(user, room, seq, System.nanoTime()));
  }

  /** The node was killed at {@code killedAt}: markers moved long enough before it must be back, the rest may not. */
  synchronized void killed(long killedAt) {
    for (MarkerMove m : markerMoves) {
      if (killedAt - m.ackedAt() >= MARKER_GRACE_NANOS) {
        markers.computeIfAbsent(m.user(), u -> new ConcurrentHashMap<>()).merge(m.room(), m.seq(), Math::max);
      }
    }
    markerMoves.clear();
  }

  int markersRequired() {
    return markers.values().stream().mapToInt(Map::size).sum();
  }

  /** The seq at which the last check found this write stored, or null if it found it nowhere. */
  synchronized Long storedAt(Op op) {
    return storedByKey.get(op.key());
  }

  /** What was acknowledged and is not back as it was, or is there twice, one line each. */
  synchronized List<String> lostAfterRestart(String http, String reader) {
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, String> account : accounts.entrySet()) {
      if (loggedInAfterAKill.add(account.getKey()) && patient(new ApiClient(http)).login(account.getKey(), PASSWORD).status() != 200) {
        lost.add("account " + account.getKey());
      }
      if (client(http, account.getKey()).get("/api/v1/me").status() != 200) {
        lost.add("token of " + account.getKey());
      }
    }
    for (String user : accounts.keySet()) {
      JsonNode me = client(http, user).get("/api/v1/me").body();
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
    storedByKey.clear();
    ApiClient client = client(http, reader);
    Map<String, List<Stored>> byRoom = new TreeMap<>();
    acked.forEach(s -> byRoom.computeIfAbsent(s.op().room(), r -> new ArrayList<>()).add(s));
    inDoubt.values().forEach(op -> byRoom.computeIfAbsent(op.room(), r -> new ArrayList<>()));
    for (Map.Entry<String, List<Stored>> room : byRoom.entrySet()) {
      Map<Long, JsonNode> timeline = readTimeline(client, room.getKey(), lost);
      checkRoom(room.getKey(), timeline, room.getValue(), lost);
    }
    return lost;
  }

  /** Every acknowledged write at its seq, none stored twice, and each message as its stored edits and reactions make it. */
  private void checkRoom(String room, Map<Long, JsonNode> timeline, List<Stored> ackedHere, List<String> lost) {
    Map<Long, JsonNode> lastEdit = new HashMap<>();
    Map<Long, Map<String, Set<String>>> reactions = new HashMap<>();
    for (JsonNode e : timeline.values()) {
      long seq = e.get("seq").asLong();
      if (e.hasNonNull("clientMsgId")) {
        Long before = storedByKey.putIfAbsent(room + "|" + e.path("sender").asText() + "|" + e.get("clientMsgId").asText(), seq);
        if (before != null) {
          lost.add("stored twice in " + room + ": seq " + before + " and " + e);
        }
      }
      String kind = e.path("kind").asText();
      if ("edit".equals(kind)) {
        lastEdit.put(e.get("target").asLong(), e);
      } else if ("reaction".equals(kind)) {
        Set<String> who = reactions.computeIfAbsent(e.get("target").asLong(), t -> new TreeMap<>())
            .computeIfAbsent(e.get("emoji").asText(), x -> new TreeSet<>());
        if (e.get("on").asBoolean()) {
          who.add(e.get("sender").asText());
        } else {
          who.remove(e.get("sender").asText());
        }
      }
    }
    for (Stored s : ackedHere) {
      Op op = s.op();
      JsonNode e = timeline.get(s.seq());
      boolean same = e != null && op.kind().equals(e.path("kind").asText()) && op.sender().equals(e.path("sender").asText())
          && op.clientMsgId().equals(e.path("clientMsgId").asText());
      if (same && "edit".equals(op.kind())) {
        same = op.text().equals(e.path("text").asText()) && op.target() == e.path("target").asLong();
      } else if (same && "reaction".equals(op.kind())) {
        same = op.text().equals(e.path("emoji").asText()) && op.target() == e.path("target").asLong();
      }
      if (!same) {
        lost.add("acknowledged " + s + ", stored there: " + e);
      }
    }
    for (JsonNode e : timeline.values()) {
      if (!"message".equals(e.path("kind").asText())) {
        continue;
      }
      long seq = e.get("seq").asLong();
      Op sent = everSent.get(room + "|" + e.path("sender").asText() + "|" + e.path("clientMsgId").asText());
      JsonNode edit = lastEdit.get(seq);
      String text = edit != null ? edit.path("text").asText() : sent == null ? null : sent.text();
      if (text != null && !text.equals(e.path("text").asText())) {
        lost.add("message " + e + " reads otherwise than its last stored edit says: " + text);
      }
      if ((edit != null) != e.hasNonNull("editedAt")) {
        lost.add("message " + e + ": editedAt does not match its edits (last: " + edit + ")");
      }
      Map<String, Set<String>> expected = new TreeMap<>();
      reactions.getOrDefault(seq, Map.of()).forEach((emoji, who) -> {
        if (!who.isEmpty()) {
          expected.put(emoji, who);
        }
      });
      Map<String, Set<String>> shown = new TreeMap<>();
      e.path("reactions").fields().forEachRemaining(f -> {
        Set<String> who = new TreeSet<>();
        f.getValue().forEach(u -> who.add(u.asText()));
        shown.put(f.getKey(), who);
      });
      if (!expected.equals(shown)) {
        lost.add("message " + room + "@" + seq + " shows reactions " + shown + ", its stored reactions make " + expected);
      }
    }
  }

  /** The whole timeline, checked to be 1..n with no gap or repeat. */
  private static Map<Long, JsonNode> readTimeline(ApiClient reader, String room, List<String> lost) {
    Map<Long, JsonNode> timeline = new TreeMap<>();
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

  ApiClient client(String http, String user) {
    ApiClient c = patient(new ApiClient(http)).withToken(accounts.get(user));
    c.username = user;
    return c;
  }

  /**
   * The first calls after a restart meet a cold JVM and entities still recovering, on a machine that may be busy: a
   * minute for an answer (a login once took more than the usual 20 s under a load of 25 on 2 cores), still finite.
   */
  private static ApiClient patient(ApiClient c) {
    c.timeout = Duration.ofSeconds(60);
    return c;
  }
}
