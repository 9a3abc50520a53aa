package parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/** What {@link SearchBench} measures once the data is in: index lag, query latency, the database's own limit. */
final class SearchProbes {
  private SearchProbes() {}

  static ObjectNode percentiles(Histogram h) {
    ObjectNode n = Bench.JSON.createObjectNode();
    n.put("count", h.getTotalCount())
        .put("p50Ms", Bench.round2(h.getValueAtPercentile(50) / 1000.0))
        .put("p99Ms", Bench.round2(h.getValueAtPercentile(99) / 1000.0))
        .put("maxMs", Bench.round2(h.getMaxValue() / 1000.0));
    return n;
  }

  /**
   * Every 250 ms while the middle third is posted: a message with a word no other message has, then a search for it
   * by its sender every {@link #POLL} until it is found. The lag is from the acknowledgement to the first answer with
   * it: what a user would see, overstated by at most one poll.
   */
  static final class Lag implements Runnable {
    /**
     * Between a probe's searches. At 5 ms the probe searched about 50 times a second in the third with the feed only,
     * which could have been put down to the feed; at 25 ms the ratio stayed within its runs' spread (H2 70%,
     * PostgreSQL 83%), so it was not, and the lag is overstated by at most one poll.
     */
    static final long POLL = TimeUnit.MILLISECONDS.toNanos(25);
    final AtomicBoolean stop = new AtomicBoolean();
    final Histogram micros = new Histogram(600_000_000L, 3);
    private final SearchBench.Run run;
    int missed;

    Lag(SearchBench.Run run) {
      this.run = run;
    }

    @Override
    public void run() {
      Random random = new Random(7);
      int n = 0;
      while (!stop.get()) {
        int user = random.nextInt(run.shape.users());
        String room = run.rooms.get(run.roomOf(user, random.nextInt(run.shape.roomsPerUser())));
        String word = "zqlag" + (n++) + "k";
        Api.Reply ack = run.api.callNow("POST", run.node + "/api/v1/rooms/" + room + "/messages",
            run.tokens.get(user), "{\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"text\":\"" + word + " "
                + run.text(random) + "\"}");
        long acked = System.nanoTime();
        if (ack.status() != 201) {
          Bench.log("search: lag probe's post answered " + ack.status() + " " + ack.body());
          missed++;
          continue;
        }
        run.lastSeq.merge(room, Frames.num(ack.body(), "seq"), Math::max);
        long deadline = acked + TimeUnit.SECONDS.toNanos(120);
        boolean found = false;
        while (!found && System.nanoTime() < deadline) {
          found = run.search(user, word, 1).path("hits").size() > 0;
          if (!found) {
            LockSupport.parkNanos(POLL);
          }
        }
        if (found) {
          micros.recordValue(Math.min(micros.getHighestTrackableValue(), (System.nanoTime() - acked) / 1000));
        } else {
          Bench.log("search: " + word + " in " + room + " not found 120 s after its acknowledgement");
          missed++;
        }
        LockSupport.parkNanos(250_000_000L);
      }
    }

    ObjectNode summary() {
      return percentiles(micros).put("missed", missed);
    }
  }

  /**
   * The SQL a query comes to on PostgreSQL, written out by hand over the node's own table: the tsquery of the run's
   * words (which the analyser keeps as they are), the caller's rooms, the sender, the newest 20. The run's words and
   * room ids are letters and digits only, so they are written into the text.
   */
  static String limitQuery(String tsquery, List<String> rooms, String sender) {
    return "SELECT room, seq FROM search_entries WHERE terms @@ '" + tsquery.replaceAll("([a-z0-9]+)", "'$1'")
        .replace("'", "''") + "'::tsquery AND room = ANY('{" + String.join(",", rooms) + "}'::varchar[])"
        + (sender == null ? "" : " AND sender = '" + sender + "'")
        + " ORDER BY sent_at DESC, room COLLATE \"C\", seq DESC LIMIT 20";
  }

  /** One query of the run: its text, who asks, and the SQL limit's tsquery (PostgreSQL only). */
  record Query(String kind, int user, String text, String tsquery, String sender) {}

  /** One-word, phrase and from:+word queries, one at a time, from random users over their own rooms. */
  static final class Queries {
    private final SearchBench.Run run;

    Queries(SearchBench.Run run) {
      this.run = run;
    }

    List<Query> make(String kind, int count, Random random) {
      List<Query> queries = new ArrayList<>();
      int groups = Math.max(1, run.shape.rooms() / run.shape.roomsPerUser());
      for (int i = 0; i < count; i++) {
        int user = random.nextInt(run.shape.users());
        // Words of middle frequency: ranks 20-400 of 5,000 are in about 0.3-6% of messages each.
        String word = run.words[20 + random.nextInt(380)];
        queries.add(switch (kind) {
          case "word" -> new Query(kind, user, word, word, null);
          case "phrase" -> {
            String[] s = run.samples.get(random.nextInt(run.samples.size()));
            yield new Query(kind, Integer.parseInt(s[2]), "\"" + s[0] + " " + s[1] + "\"", s[0] + " <-> " + s[1],
                null);
          }
          default -> {
            int mate = (user + groups * (1 + random.nextInt(Math.max(1, run.shape.users() / groups - 1))))
                % run.shape.users();
            yield new Query(kind, user, "from:user" + mate + " " + word, word, "user" + mate);
          }
        });
      }
      return queries;
    }

    boolean run(ObjectNode out) throws Exception {
      Random random = new Random(11);
      boolean ok = true;
      // After the restart every user's entity and every room is asleep, and the first search of each user woke theirs
      // (p50 34 ms, up to 200, where the next took 6): what a user pays once after a restart, not what a search costs.
      run.wake();
      for (int u = 0; u < run.shape.users(); u++) {
        run.search(u, run.words[20], 20);
      }
      for (String kind : List.of("word", "phrase", "from")) {
        List<Query> queries = make(kind, run.shape.queriesPerKind(), random);
        for (Query q : queries.subList(0, Math.min(20, queries.size()))) {
          run.search(q.user(), q.text(), 20); // warm-up: the JIT and the caches, not measured
        }
        Histogram micros = new Histogram(60_000_000L, 3);
        long hits = 0;
        for (Query q : queries) {
          long t0 = System.nanoTime();
          JsonNode body = run.search(q.user(), q.text(), 20);
          micros.recordValue(Math.min(micros.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
          hits += body.path("hits").size();
        }
        ObjectNode k = out.putObject(kind);
        k.set("parley", percentiles(micros));
        k.put("meanHits", Bench.round1((double) hits / queries.size()));
        if (run.postgres) {
          k.set("postgres", limit(queries.subList(0, Math.min(60, queries.size()))));
        }
      }
      return ok;
    }

    /**
     * PostgreSQL's own execution time for each query's SQL over the same table: the caller's rooms, the tsquery, the
     * newest 20. Run through psql with EXPLAIN ANALYZE, which times the execution inside the server.
     */
    private ObjectNode limit(List<Query> queries) throws Exception {
      Histogram micros = new Histogram(60_000_000L, 3);
      for (Query q : queries) {
        List<String> mine = new ArrayList<>();
        for (int j = 0; j < run.shape.roomsPerUser(); j++) {
          mine.add(run.rooms.get(run.roomOf(q.user(), j)));
        }
        String sql = limitQuery(q.tsquery(), mine, q.sender());
        for (String line : run.target.query("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql)) {
          if (line.contains("Execution Time:")) {
            double ms = Double.parseDouble(line.replaceAll(".*Execution Time: ([0-9.]+) ms.*", "$1"));
            micros.recordValue(Math.max(1, Math.round(ms * 1000)));
          }
        }
      }
      return percentiles(micros);
    }
  }

  /**
   * {@code ./parley search reindex}, as an operator runs it, with the node stopped (the embedded database and its
   * index are held by a running node): the whole index again from the journal, timed. Then the node is started and
   * asked for the lag probe's first word, which must be found again.
   */
  static ObjectNode reindex(SearchBench.Run run) throws Exception {
    ObjectNode out = Bench.JSON.createObjectNode();
    out.put("command", "./parley search reindex");
    run.target.stop(false);
    ProcessBuilder pb = new ProcessBuilder("./parley", "search", "reindex").directory(run.root.toFile())
        .redirectErrorStream(true).redirectOutput(run.runDir.resolve("reindex.log").toFile());
    if (run.postgres) {
      pb.environment().put("PARLEY_DB_URL", "jdbc:postgresql://127.0.0.1:5432/parley_bench");
      pb.environment().put("PARLEY_DB_USER", "postgres");
      pb.environment().put("PARLEY_DB_PASSWORD", "");
    } else {
      pb.environment().remove("PARLEY_DB_URL");
      pb.environment().put("PARLEY_DATA_DIR", run.runDir.resolve("h2-data").toString());
    }
    long t0 = System.nanoTime();
    Process p = Procs.start(pb);
    boolean ended = p.waitFor(60, TimeUnit.MINUTES);
    double seconds = Bench.secondsSince(t0);
    out.put("seconds", Bench.round1(seconds)).put("exit", ended ? p.exitValue() : -1)
        .put("indexed", run.shape.messages());
    if (!ended || p.exitValue() != 0) {
      Bench.log("search: the reindex failed; see " + run.root.relativize(run.runDir.resolve("reindex.log")));
      return out.put("ok", false);
    }
    run.target.restart(run.runDir, "-after-reindex");
    boolean found = run.search(0, run.words[0], 1).path("hits").size() > 0;
    return out.put("ok", found);
  }
}
