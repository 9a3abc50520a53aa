package parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The delivery contract, checked after each fault with the writers stopped (so every send is either acknowledged or
 * listed unresolved): every acknowledged message is in its room's history exactly once, at the seq it was
 * acknowledged with; each timeline is 1..n with no gap; every reader saw every seq of every room once and in order;
 * and the journal shows no room written by two incarnations at once.
 */
final class ChaosCheck {
  /** What one check found: counts, and the first few violations in words. */
  record Result(long stored, long acked, long lost, long duplicated, long gaps, long readerDuplicates,
      long readerGaps, long readerBehind, long twoWriters, List<String> violations) {
    boolean ok() {
      return violations.isEmpty();
    }
  }

  private ChaosCheck() {}

  /** What a check has found so far. */
  static final class Tally {
    final List<String> violations = new ArrayList<>();
    long stored;
    long lost;
    long duplicated;
    long gaps;
    long twoWriters;

    void note(String what) {
      if (violations.size() < 30) {
        violations.add(what);
      }
    }
  }

  static Result check(ChaosHosts hosts, ChaosLoad load) throws Exception {
    Tally tally = new Tally();
    List<String> violations = tally.violations;
    Map<String, Long> lastSeqs = new HashMap<>();
    for (String room : load.rooms) {
      List<JsonNode> entries = new ArrayList<>();
      long after = 0;
      boolean more = true;
      while (more) {
        JsonNode page = read(load, "/api/v1/rooms/" + room + "/messages?after=" + after + "&limit=200");
        for (JsonNode m : page.get("messages")) {
          entries.add(m);
          after = m.get("seq").asLong();
        }
        more = page.get("hasMore").asBoolean();
      }
      lastSeqs.put(room, after);
      verifyRoom(room, entries, load.acked, load.unresolved, tally);
    }

    long readerBehind = 0;
    for (ChaosLoad.Reader reader : load.readers) {
      if (!caughtUp(reader, lastSeqs, Duration.ofSeconds(30))) {
        // A socket that went quiet on a node that is gone: a client reconnects, resuming by seq.
        reader.open = false;
        reader.watch();
        if (!caughtUp(reader, lastSeqs, Duration.ofSeconds(30))) {
          for (var e : lastSeqs.entrySet()) {
            long seen = reader.lastSeq.getOrDefault(e.getKey(), 0L);
            if (seen < e.getValue()) {
              readerBehind++;
              tally.note("reader " + reader.node + " has " + e.getKey() + " up to " + seen + " of " + e.getValue());
            }
          }
        }
      }
      if (reader.duplicates.get() > 0 || reader.gaps.get() > 0) {
        tally.note("reader saw " + reader.duplicates.get() + " repeats and " + reader.gaps.get() + " gaps: "
            + reader.firstProblems);
      }
    }

    auditJournal(hosts.query("SELECT sequence_number, writer, persistence_id FROM event_journal"
        + " WHERE persistence_id LIKE 'Room|%' ORDER BY persistence_id, sequence_number"), tally);
    return new Result(tally.stored, load.acked.size(), tally.lost, tally.duplicated, tally.gaps,
        load.readers.stream().mapToLong(r -> r.duplicates.get()).sum(),
        load.readers.stream().mapToLong(r -> r.gaps.get()).sum(), readerBehind, tally.twoWriters, violations);
  }

  /**
   * One room's whole history (its entries in seq order, as the API pages them): seqs 1..n, each clientMsgId once,
   * nothing stored that no client sent, every acknowledged message ("room|clientMsgId" to seq) at its seq.
   */
  static void verifyRoom(String room, List<JsonNode> entries, Map<String, Long> acked, Set<String> unresolved,
      Tally tally) {
    Map<String, Long> timeline = new HashMap<>();
    long previous = 0;
    for (JsonNode m : entries) {
      long seq = m.get("seq").asLong();
      if (seq != previous + 1) {
        tally.gaps++;
        tally.note("gap in " + room + ": seq " + seq + " after " + previous);
      }
      previous = seq;
      if ("message".equals(m.path("kind").asText())) {
        String id = m.path("clientMsgId").asText();
        Long before = timeline.put(id, seq);
        if (before != null) {
          tally.duplicated++;
          tally.note("stored twice in " + room + ": " + id + " at " + before + " and " + seq);
        }
        tally.stored++;
        if (!acked.containsKey(room + "|" + id) && !unresolved.contains(room + "|" + id)) {
          tally.note("stored but never sent: " + id + " in " + room);
        }
      }
    }
    for (var e : acked.entrySet()) {
      if (e.getKey().startsWith(room + "|")) {
        String id = e.getKey().substring(room.length() + 1);
        Long at = timeline.get(id);
        if (at == null) {
          tally.lost++;
          tally.note("acknowledged and lost: " + id + " in " + room + " (acknowledged at seq " + e.getValue() + ")");
        } else if (!at.equals(e.getValue())) {
          tally.lost++;
          tally.note("acknowledged at seq " + e.getValue() + " but stored at " + at + ": " + id + " in " + room);
        }
      }
    }
  }

  private static boolean caughtUp(ChaosLoad.Reader reader, Map<String, Long> lastSeqs, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (lastSeqs.entrySet().stream().allMatch(e -> reader.lastSeq.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /**
   * One writer at a time per room, from the journal's rows ("seq|writer|persistence id", ordered by persistence id
   * and seq): a room's rows run 1..n, and once another writer (an actor incarnation: a restart, a move) has written,
   * an earlier one never writes again.
   */
  static void auditJournal(List<String> rows, Tally tally) {
    String room = null;
    long expected = 0;
    List<String> writers = new ArrayList<>();
    boolean flagged = false;
    for (String row : rows) {
      String[] f = row.split("\\|", 3);
      if (!f[2].equals(room)) {
        room = f[2];
        expected = 1;
        writers.clear();
        flagged = false;
      }
      long seq = Long.parseLong(f[0]);
      if (seq != expected) {
        tally.note("journal of " + room + ": sequence number " + seq + " where " + expected + " was next");
      }
      expected = seq + 1;
      String writer = f[1];
      if (writers.isEmpty() || !writers.get(writers.size() - 1).equals(writer)) {
        if (writers.contains(writer) && !flagged) {
          tally.twoWriters++;
          flagged = true;
          tally.note("journal of " + room + ": writer " + writer + " wrote again at " + seq
              + " after another incarnation had written (two writers at once)");
        }
        writers.add(writer);
      }
    }
  }

  /** A read as a client makes it: through any node, again after a 503 or no answer, for up to two minutes. */
  private static JsonNode read(ChaosLoad load, String path) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    for (int attempt = 0; ; attempt++) {
      ChaosLoad.Reply reply = load.call(attempt % ChaosHosts.NODES, "GET", path, load.ownerToken, null,
          Duration.ofSeconds(12));
      if (reply.status() == 200) {
        return reply.body();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("GET " + path + " unanswered for 2 minutes: " + reply);
      }
      if (reply.status() < 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

}
