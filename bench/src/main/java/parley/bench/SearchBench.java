package parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.pekko.actor.ActorSystem;

/**
 * {@code ./parley bench search [--quick] [--db postgres|h2] [--messages N]}: what search costs and how fresh it is. One Parley node;
 * users each in a share of the rooms; messages of words drawn from a Zipf-distributed vocabulary posted over REST.
 *
 * <ol>
 *   <li>A third of the messages is posted with the indexer off ({@code parley.search.feed=off}), a third with it
 *       on (after it caught up with the first), and the last third with it off again: the rate with it against the
 *       mean of the two around it is the ingest cost of indexing, and the catch-up is the index's build rate from
 *       the journal. Each third after the first starts after a restart, with every room woken by a read first.
 *   <li>While the middle third is posted, a sampler posts a message with a word of its own every 250 ms and searches
 *       for it until found: the lag from the acknowledgement to the first hit.
 *   <li>Then, one at a time from random users over their own rooms: one-word, phrase and {@code from:}+word queries,
 *       timed at the client once the machine is at rest and every user has searched once since the restart. On PostgreSQL the same queries' SQL is timed by PostgreSQL itself
 *       ({@code EXPLAIN ANALYZE}'s execution time) beside them: the limit the database sets.
 *   <li>Last, {@code ./parley search reindex} rebuilds the index from the journal, timed.
 * </ol>
 * Exits 1 if a sampled message is never found, or any query fails.
 */
final class SearchBench {
  private static final int WORDS_PER_MESSAGE = 12;
  private static final int VOCABULARY = 5_000;

  private SearchBench() {}

  record Shape(int messages, int rooms, int users, int roomsPerUser, int queriesPerKind) {}

  static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean postgres = true;
    int messages = 0;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--db" -> {
          String db = i + 1 < args.length ? args[++i] : "";
          if (!db.equals("postgres") && !db.equals("h2")) {
            usage("--db takes postgres or h2");
          }
          postgres = db.equals("postgres");
        }
        case "--messages" -> {
          try {
            messages = Integer.parseInt(i + 1 < args.length ? args[++i] : "");
          } catch (NumberFormatException e) {
            usage("--messages takes a number");
          }
          if (messages < 1_000 || messages > 10_000_000) {
            usage("--messages takes 1000-10000000");
          }
        }
        default -> usage("unknown option " + args[i]);
      }
    }
    Shape shape = quick ? new Shape(20_000, 100, 40, 10, 60) : new Shape(1_000_000, 1_000, 200, 50, 300);
    if (messages > 0) {
      shape = new Shape(messages, shape.rooms(), shape.users(), shape.roomsPerUser(), shape.queriesPerKind());
    }
    Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
    String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    String label = "search" + (quick ? "-quick" : "") + (postgres ? "" : "-h2");
    Path runDir = root.resolve("bench/target/runs/" + label + "-" + stamp);
    Files.createDirectories(runDir);
    Procs.pidFile(root.resolve("bench/target/bench.pids"));
    ActorSystem system = ActorSystem.create("bench", ConfigFactory.load("coordinator"));
    Api api = new Api(system);
    List<String> javaOpts = Arrays.asList(System.getenv()
        .getOrDefault("PARLEY_JAVA_OPTS", Bench.serverJavaOpts(1)).trim().split("\\s+"));
    ParleyTarget target = new ParleyTarget(root, 1, postgres, javaOpts, api, false);

    ObjectNode result = Bench.JSON.createObjectNode();
    result.put("scenario", "search").put("quick", quick).put("db", postgres ? "postgres" : "h2")
        .put("startedAt", stamp + "Z").put("command", "./parley bench " + String.join(" ", args));
    result.set("machine", Bench.machine());
    result.set("source", Bench.source(root));
    result.put("messages", shape.messages()).put("rooms", shape.rooms()).put("users", shape.users())
        .put("roomsPerUser", shape.roomsPerUser());
    boolean ok = false;
    try {
      ok = new Run(target, api, shape, postgres, root, runDir, result).run();
    } catch (Exception e) {
      result.put("error", String.valueOf(e));
      Bench.failed("search", String.valueOf(e));
      e.printStackTrace();
    } finally {
      result.put("describe", target.describe());
      target.stop();
    }
    result.put("ok", ok);
    Bench.finish(root, label, stamp, runDir, result, SearchReport.markdown(result), ok, system);
  }

  private static void usage(String why) {
    System.err.println("bench: " + why);
    System.err.println("usage: ./parley bench search [--quick] [--db postgres|h2] [--messages N]");
    System.exit(2);
  }

  /** Words that the analyser keeps as they are (no English suffix to stem), so the SQL limit can name them. */
  static String[] vocabulary(Random random) {
    String consonants = "bdfgkmptvz";
    String vowels = "aou";
    String[] words = new String[VOCABULARY];
    var seen = new java.util.HashSet<String>();
    for (int i = 0; i < words.length; ) {
      StringBuilder w = new StringBuilder();
      int syllables = 2 + random.nextInt(2);
      for (int s = 0; s < syllables; s++) {
        w.append(consonants.charAt(random.nextInt(consonants.length())));
        w.append(vowels.charAt(random.nextInt(vowels.length())));
      }
      w.append(consonants.charAt(random.nextInt(consonants.length())));
      if (seen.add(w.toString())) {
        words[i++] = w.toString();
      }
    }
    return words;
  }

  /** Zipf (s = 1) over the vocabulary's ranks: a few words in most messages, most words in few. */
  static final class Zipf {
    private final double[] cumulative;

    Zipf(int n) {
      cumulative = new double[n];
      double sum = 0;
      for (int k = 0; k < n; k++) {
        sum += 1.0 / (k + 1);
        cumulative[k] = sum;
      }
      for (int k = 0; k < n; k++) {
        cumulative[k] /= sum;
      }
    }

    int rank(Random random) {
      int i = Arrays.binarySearch(cumulative, random.nextDouble());
      return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }
  }

  /** One run's state: users, rooms, what each room holds. */
  static final class Run {
    final ParleyTarget target;
    final Api api;
    final Shape shape;
    final boolean postgres;
    final Path root;
    final Path runDir;
    final ObjectNode result;
    final Random random = new Random(60);
    final String[] words = vocabulary(random);
    final Zipf zipf = new Zipf(VOCABULARY);
    final List<String> tokens = new ArrayList<>();
    final List<String> rooms = new ArrayList<>();
    final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    /** A sample of what was posted, for phrase queries: two adjacent words of a real message. */
    final List<String[]> samples = new ArrayList<>();
    String node;

    Run(ParleyTarget target, Api api, Shape shape, boolean postgres, Path root, Path runDir, ObjectNode result) {
      this.target = target;
      this.api = api;
      this.shape = shape;
      this.postgres = postgres;
      this.root = root;
      this.runDir = runDir;
      this.result = result;
    }

    /** The groups of users sharing the same rooms: user u's rooms are (u * K + j) mod R, j < K. */
    int roomOf(int user, int j) {
      return (user * shape.roomsPerUser() + j) % shape.rooms();
    }

    List<Integer> membersOf(int room) {
      List<Integer> members = new ArrayList<>();
      for (int u = 0; u < shape.users(); u++) {
        int first = roomOf(u, 0);
        int offset = Math.floorMod(room - first, shape.rooms());
        if (offset < shape.roomsPerUser()) {
          members.add(u);
        }
      }
      return members;
    }

    /**
     * Posts a third of the messages with the feed off, a third with it on, and the last third with it off again: the
     * rate without is the mean of the two thirds around the one with, so what drifts as the journal grows is on both
     * sides of the ratio.
     */
    boolean run() throws Exception {
      target.env("JAVA_TOOL_OPTIONS", "-Dparley.search.feed=off");
      target.start(runDir);
      node = target.base(0);
      setUp();
      int third = shape.messages() / 3;
      int last = shape.messages() - 2 * third;
      ObjectNode ingest = result.putObject("ingest");
      double before = third / fill(third, 0);
      ingest.put("withoutIndexerBeforeAckedPerSec", Math.round(before));

      Bench.log("search: restarting the node with the indexer on; it catches up with " + third + " messages");
      long restarted = restart(true, "-indexing");
      double catchUp = awaitIndexed(1800);
      ingest.put("catchUpMessages", third).put("catchUpSeconds", Bench.round1(Bench.secondsSince(restarted)))
          .put("catchUpIndexedPerSec", Math.round(third / catchUp));

      wake();
      SearchProbes.Lag lag = new SearchProbes.Lag(this);
      Thread sampler = new Thread(lag, "lag-sampler");
      sampler.start();
      double with = third / fill(third, third);
      lag.stop.set(true);
      sampler.join();
      ingest.put("withIndexerAckedPerSec", Math.round(with));
      result.set("lag", lag.summary());
      awaitIndexed(1800);

      Bench.log("search: restarting the node with the indexer off again");
      restart(false, "-after");
      wake();
      double after = last / fill(last, 2 * third);
      ingest.put("withoutIndexerAfterAckedPerSec", Math.round(after));
      double without = (before + after) / 2;
      ingest.put("withoutIndexerAckedPerSec", Math.round(without)).put("ratio", Bench.round2(with / without));

      Bench.log("search: restarting the node with the indexer on for the queries");
      restart(true, "-queries");
      awaitIndexed(1800);
      result.put("quietAfterSeconds", Bench.round1(awaitQuiet(300)));
      boolean ok = lag.missed == 0;
      ok &= new SearchProbes.Queries(this).run(result.putObject("queries"));
      result.set("reindex", SearchProbes.reindex(this));
      return ok && result.path("reindex").path("ok").asBoolean(false);
    }

    /** Stops the node and starts it again on its data, with the feed on or off; when it was asked to start. */
    private long restart(boolean feed, String logSuffix) throws Exception {
      target.stop(false);
      target.env("JAVA_TOOL_OPTIONS", feed ? "" : "-Dparley.search.feed=off");
      long restarted = System.nanoTime();
      target.restart(runDir, logSuffix);
      return restarted;
    }

    private void setUp() {
      Bench.log("search: " + shape.users() + " users, " + shape.rooms() + " rooms");
      List<Integer> users = IntStream.range(0, shape.users()).boxed().toList();
      tokens.addAll(api.parallel(users, 16, u -> {
        String credentials = "{\"username\":\"user" + u + "\",\"password\":\"" + ParleyTarget.PASSWORD + "\"}";
        return api.call("POST", node + "/api/v1/auth/signup", null, credentials)
            .thenCompose(r -> api.call("POST", node + "/api/v1/auth/login", null, credentials))
            .thenApply(r -> Frames.str(Api.expect(r, 200, "login user" + u).body(), "token"));
      }));
      List<Integer> roomIndexes = IntStream.range(0, shape.rooms()).boxed().toList();
      rooms.addAll(api.parallel(roomIndexes, 16, r -> {
        int owner = membersOf(r).get(0);
        return api.call("POST", node + "/api/v1/rooms", tokens.get(owner),
                "{\"name\":\"search " + r + "\",\"capacity\":1000}")
            .thenApply(reply -> Frames.str(Api.expect(reply, 201, "create room " + r).body(), "id"));
      }));
      List<int[]> joins = new ArrayList<>();
      for (int r = 0; r < shape.rooms(); r++) {
        List<Integer> members = membersOf(r);
        for (int m = 1; m < members.size(); m++) {
          joins.add(new int[] {r, members.get(m)});
        }
      }
      api.parallel(joins, 32, j -> api.call("POST", node + "/api/v1/rooms/" + rooms.get(j[0]) + "/join",
          tokens.get(j[1]), null).thenApply(r -> Api.expect(r, 200, "join")));
    }

    String text(Random random) {
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < WORDS_PER_MESSAGE; w++) {
        if (w > 0) {
          text.append(' ');
        }
        text.append(words[zipf.rank(random)]);
      }
      return text.toString();
    }

    /**
     * Reads one message of every room, so that each third is timed on rooms already recovered: after a restart the
     * first write to a room waits for its recovery, which the third before the restart never paid.
     */
    void wake() {
      Bench.log("search: waking " + rooms.size() + " rooms");
      List<Integer> indexes = IntStream.range(0, rooms.size()).boxed().toList();
      api.parallel(indexes, 32, r -> api.call("GET", node + "/api/v1/rooms/" + rooms.get(r) + "/messages?limit=1",
          tokens.get(membersOf(r).get(0)), null).thenApply(reply -> Api.expect(reply, 200, "read " + rooms.get(r))));
    }

    /** Posts {@code count} messages to random rooms from random members; the seconds it took. */
    double fill(int count, int seed) {
      Random r = new Random(seed + 1);
      List<String[]> posts = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int room = r.nextInt(shape.rooms());
        List<Integer> members = membersOf(room);
        int sender = members.get(r.nextInt(members.size()));
        String text = text(r);
        if (samples.size() < 2_000 && r.nextInt(50) == 0) {
          String[] w = text.split(" ");
          int at = r.nextInt(w.length - 1);
          samples.add(new String[] {w[at], w[at + 1], String.valueOf(sender)});
        }
        posts.add(new String[] {rooms.get(room), tokens.get(sender), text});
      }
      Bench.log("search: posting " + count + " messages");
      long start = System.nanoTime();
      api.parallel(posts, 64, p -> api.call("POST", node + "/api/v1/rooms/" + p[0] + "/messages", p[1],
              "{\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"text\":\"" + p[2] + "\"}")
          .thenApply(reply -> {
            long seq = Frames.num(Api.expect(reply, 201, "post to " + p[0]).body(), "seq");
            lastSeq.merge(p[0], seq, Math::max);
            return seq;
          }));
      return Bench.secondsSince(start);
    }

    /**
     * Waits until the machine (node, database, this generator) has used under a fifth of a core for a whole second;
     * the seconds it took. The queries are timed on an index at rest: after a catch-up Lucene merges its small
     * segments and PostgreSQL vacuums and analyses the rows just written, and the first kind of query timed paid for it
     * alone.
     */
    double awaitQuiet(int maxSeconds) {
      long start = System.nanoTime();
      long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
      int cpus = Procs.machineCpus();
      long[] before = Procs.machineTicks();
      long at = System.nanoTime();
      while (System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000_000L);
        long[] now = Procs.machineTicks();
        long t = System.nanoTime();
        // Ticks are hundredths of a second per CPU: busy is what was neither idle nor stolen.
        double busyCores = cpus - (now[0] - before[0] + now[1] - before[1]) / 100.0 / ((t - at) / 1e9);
        if (busyCores < 0.2) {
          return Bench.secondsSince(start);
        }
        before = now;
        at = t;
      }
      throw new IllegalStateException("the machine did not come to rest within " + maxSeconds + " s");
    }

    /** Waits until every room's indexedThrough reaches its last acknowledged seq; the seconds it took. */
    double awaitIndexed(int maxSeconds) {
      long start = System.nanoTime();
      long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
      int groups = shape.rooms() / shape.roomsPerUser();
      while (System.nanoTime() < deadline) {
        Map<String, Long> through = new HashMap<>();
        for (int u = 0; u < Math.min(groups, shape.users()); u++) {
          // A word no message has: the answer's indexedThrough is all that is read, and the search itself costs the
          // database one empty index lookup, not a page of the commonest word taken from the feed's share of it.
          JsonNode body = search(u, "zqnowhere", 1);
          body.path("indexedThrough").fields().forEachRemaining(e -> through.put(e.getKey(), e.getValue().asLong()));
        }
        boolean all = lastSeq.entrySet().stream().allMatch(e -> through.getOrDefault(e.getKey(), 0L) >= e.getValue());
        if (all) {
          return Bench.secondsSince(start);
        }
        LockSupport.parkNanos(200_000_000L);
      }
      throw new IllegalStateException("the index did not reach every room's last seq within " + maxSeconds + " s");
    }

    JsonNode search(int user, String query, int limit) {
      Api.Reply reply = api.callNow("GET", node + "/api/v1/search?limit=" + limit + "&q="
          + URLEncoder.encode(query, StandardCharsets.UTF_8), tokens.get(user), null);
      try {
        return Bench.JSON.readTree(Api.expect(reply, 200, "search " + query).body());
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
