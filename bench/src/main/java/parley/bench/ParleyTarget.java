package parley.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Parley nodes started the way {@code ./parley node} and {@code ./parley cluster N} start them (same main class and
 * PARLEY_* variables; the JVM options are {@link Bench#serverJavaOpts}'s unless PARLEY_JAVA_OPTS is set), on bench
 * ports (HTTP 18081.., Artery 25601..) so a developer's own node is left alone. The database is a throwaway PostgreSQL database {@code parley_bench} on the local server, or an
 * embedded H2 file in the run's directory ({@code --db h2}, one node only).
 */
final class ParleyTarget implements Target {
  static final String PASSWORD = "bench-password";
  private static final String PG_DB = "parley_bench";

  private final Path root;
  private final int nodes;
  private final boolean postgres;
  private final List<String> javaOpts;
  private final Api api;
  private final List<Process> processes = new ArrayList<>();
  /** The abuse scenario: the node limits messages as it ships. */
  boolean messageLimitsAsShipped;
  private final List<Path> gcLogs = new ArrayList<>();
  private List<String> tokens = List.of();
  private Map<String, Integer> creators = Map.of();
  private Map<String, String> roomNode = Map.of();

  /** The target name of Parley with v1.1's awareness traffic (typing, delivered) from the generator. */
  static final String WITH_RECEIPTS = "parley-receipts";
  /** Half of it, to see what each half costs: typing before each send only, or delivered frames only. */
  static final String WITH_TYPING = "parley-typing";
  static final String WITH_DELIVERED = "parley-delivered";

  private final String name;
  /** Environment the nodes start with besides the target's own (the files' backend, say). */
  private final Map<String, String> extraEnv = new LinkedHashMap<>();

  void env(String name, String value) {
    extraEnv.put(name, value);
  }

  ParleyTarget(Path root, int nodes, boolean postgres, List<String> javaOpts, Api api, boolean receipts) {
    this(root, nodes, postgres, javaOpts, api, receipts ? WITH_RECEIPTS : "parley");
  }

  /** {@code name}: parley, or one of the awareness targets ({@link #WITH_RECEIPTS} and its halves). */
  ParleyTarget(Path root, int nodes, boolean postgres, List<String> javaOpts, Api api, String name) {
    this.name = name;
    if (!postgres && nodes > 1) {
      throw new IllegalArgumentException("a cluster needs PostgreSQL (--db postgres)");
    }
    this.root = root;
    this.nodes = nodes;
    this.postgres = postgres;
    this.javaOpts = javaOpts;
    this.api = api;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean typing() {
    return name.equals(WITH_RECEIPTS) || name.equals(WITH_TYPING);
  }

  @Override
  public boolean delivered() {
    return name.equals(WITH_RECEIPTS) || name.equals(WITH_DELIVERED);
  }

  /** The journal's newest ordering number (PostgreSQL only): every event of every entity takes the next one. */
  @Override
  public long journalWrites() {
    if (!postgres) {
      return -1;
    }
    try {
      List<String> rows = query("SELECT COALESCE(MAX(ordering), 0) FROM event_journal");
      return rows.isEmpty() ? -1 : Long.parseLong(rows.get(0).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public String describe() {
    String awareness = typing() && delivered() ? " with typing before every send and delivered once a second per room"
        : typing() ? " with typing before every send" : delivered() ? " with delivered once a second per room" : "";
    return "Parley" + awareness + ", "
        + (nodes == 1 ? "1 node" : nodes + "-node cluster") + " on "
        + (postgres ? "PostgreSQL (local server, throwaway database)" : "embedded H2 (file)")
        + ", JVM " + String.join(" ", javaOpts);
  }

  @Override
  public Proto proto() {
    return Proto.PARLEY;
  }

  @Override
  public boolean usesDatabase() {
    return postgres;
  }

  @Override
  public boolean jvm() {
    return true;
  }

  int httpPort(int node) {
    return 18081 + node;
  }

  String base(int node) {
    return "http://127.0.0.1:" + httpPort(node);
  }

  @Override
  public void start(Path logDir) throws Exception {
    if (postgres) {
      psql("DROP DATABASE IF EXISTS " + PG_DB + " WITH (FORCE)");
      psql("CREATE DATABASE " + PG_DB);
    }
    launch(logDir, "");
  }

  /** SIGKILL to every node, as a power cut would: no shard hand-off, no flush, nothing stopped in order. */
  void crash() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor();
    }
    processes.clear();
  }

  /** Starts the nodes again on the same database after {@link #crash}; their logs get {@code logSuffix}. */
  void restart(Path logDir, String logSuffix) throws Exception {
    launch(logDir, logSuffix);
  }

  /** One SQL query on the run's PostgreSQL database: rows of {@code |}-separated fields. */
  List<String> query(String sql) throws IOException {
    return psql(PG_DB, "-A", "-t", "-c", sql).lines().filter(l -> !l.isBlank()).toList();
  }

  private void launch(Path logDir, String logSuffix) throws Exception {
    String classpath = Procs.classpath(root, "node");
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < Math.min(2, nodes); i++) {
      seeds.add("127.0.0.1:" + (25601 + i));
    }
    for (int i = 0; i < nodes; i++) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Procs.java());
      cmd.addAll(javaOpts);
      // Setup signs up thousands of users: BCrypt's work factor is a login cost, not what is measured here.
      cmd.add("-Dparley.auth.bcrypt-cost=4");
      // The recovery run's one user creates all its rooms (30 in a full run): over a person's hourly default of 20.
      cmd.add("-Dparley.limits.rooms-per-window=10000");
      // So do all the generator's users, from one address.
      cmd.add("-Dparley.limits.signup.burst=1000000");
      // Each worker holds thousands of connections from its one address, and the setup's pool sends one user's calls
      // on up to 32 connections at once: the node's shares per address and per user would measure themselves.
      cmd.add("-Dparley.limits.connections-per-address=1000000");
      cmd.add("-Dparley.limits.http-connections-per-user=1000");
      // The search scenario's sampler and query rounds search far faster than a person: the node's per-user search
      // budget would measure itself.
      cmd.add("-Dparley.limits.search.burst=1000000");
      cmd.add("-Dparley.limits.search.per-second=1000000");
      cmd.add("-Dparley.limits.search.in-flight-per-user=1000");
      // Some scenarios send faster than one person types (hot-room: 10 users, thousands of msgs/s): the node's
      // message limit would measure itself. The abuse scenario is about that limit: it keeps parley.conf's.
      if (!messageLimitsAsShipped) {
        cmd.add("-Dparley.limits.messages.burst=1000000");
        cmd.add("-Dparley.limits.messages.per-second=1000000");
      }
      Path gcLog = logDir.resolve("parley-node-" + (i + 1) + logSuffix + "-gc.log");
      gcLogs.add(gcLog);
      cmd.add(GcLog.option(gcLog));
      cmd.add("-cp");
      cmd.add(classpath);
      cmd.add("parley.node.Main");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(logDir.resolve("node-" + (i + 1) + logSuffix + ".log").toFile());
      Map<String, String> env = pb.environment();
      env.put("PARLEY_HTTP_HOST", "127.0.0.1");
      env.put("PARLEY_HTTP_PORT", String.valueOf(httpPort(i)));
      env.put("PARLEY_CLUSTER_HOST", "127.0.0.1");
      env.put("PARLEY_CLUSTER_PORT", String.valueOf(25601 + i));
      env.put("PARLEY_SEED_NODES", nodes == 1 ? "" : String.join(",", seeds));
      env.put("PARLEY_LOG_LEVEL", "WARN");
      // Node 1's metrics on 9464, as a lone node's (curl 127.0.0.1:9464/metrics during a run).
      env.put("PARLEY_METRICS_PORT", String.valueOf(9464 + i));
      if (postgres) {
        env.put("PARLEY_DB_URL", "jdbc:postgresql://127.0.0.1:5432/" + PG_DB);
        env.put("PARLEY_DB_USER", "postgres");
        env.put("PARLEY_DB_PASSWORD", "");
      } else {
        env.remove("PARLEY_DB_URL");
        env.put("PARLEY_DATA_DIR", logDir.resolve("h2-data").toString());
      }
      env.putAll(extraEnv);
      processes.add(Procs.start(pb));
    }
    for (int i = 0; i < nodes; i++) {
      awaitReady(i);
    }
  }

  private void awaitReady(int node) {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!processes.get(node).isAlive()) {
        throw new IllegalStateException("node " + (node + 1) + " exited; see its log");
      }
      if (api.callNow("GET", base(node) + "/ready", null, null).status() == 200) {
        return;
      }
      LockSupport.parkNanos(300_000_000L);
    }
    throw new IllegalStateException("node " + (node + 1) + " not ready within 180 s");
  }

  @Override
  public List<Conn.Spec> setup(Layout layout, IntPredicate sender) {
    int users = layout.users();
    List<Integer> all = IntStream.range(0, users).boxed().toList();
    tokens = api.parallel(all, 32, i -> {
      String node = base(i % nodes);
      String credentials = "{\"username\":\"user" + i + "\",\"password\":\"" + PASSWORD + "\"}";
      return api.call("POST", node + "/api/v1/auth/signup", null, credentials)
          .thenCompose(r -> {
            Api.expect(r, 201, "signup user" + i);
            return api.call("POST", node + "/api/v1/auth/login", null, credentials);
          })
          .thenApply(r -> Frames.str(Api.expect(r, 200, "login user" + i).body(), "token"));
    });
    List<List<Integer>> members = layout.members();
    List<Integer> roomIndexes = IntStream.range(0, members.size()).boxed().toList();
    List<String> roomIds = api.parallel(roomIndexes, 16, j -> {
      int creator = members.get(j).get(0);
      return api.call("POST", base(creator % nodes) + "/api/v1/rooms", tokens.get(creator),
              "{\"name\":\"bench room " + j + "\",\"capacity\":" + Math.max(2, layout.roomSize()) + "}")
          .thenApply(r -> Frames.str(Api.expect(r, 201, "create room " + j).body(), "id"));
    });
    List<int[]> joins = new ArrayList<>();
    for (int j = 0; j < members.size(); j++) {
      for (int m = 1; m < members.get(j).size(); m++) {
        joins.add(new int[] {j, members.get(j).get(m)});
      }
    }
    api.parallel(joins, 32, jm -> api.call("POST",
            base(jm[1] % nodes) + "/api/v1/rooms/" + roomIds.get(jm[0]) + "/join", tokens.get(jm[1]), "{}")
        .thenApply(r -> Api.expect(r, 200, "join room " + jm[0] + " as user" + jm[1])));
    Map<String, Integer> creatorOf = new HashMap<>();
    Map<String, String> nodeOf = new HashMap<>();
    for (int j = 0; j < members.size(); j++) {
      creatorOf.put(roomIds.get(j), members.get(j).get(0));
      nodeOf.put(roomIds.get(j), base(members.get(j).get(0) % nodes));
    }
    creators = creatorOf;
    roomNode = nodeOf;
    List<List<Integer>> roomsOf = layout.roomsOfUsers();
    List<Conn.Spec> specs = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      int node = i % nodes;
      specs.add(new Conn.Spec(i, "user" + i, tokens.get(i), "ws://127.0.0.1:" + httpPort(node) + "/api/v1/ws",
          base(node), roomsOf.get(i).stream().map(roomIds::get).toList(), sender.test(i)));
    }
    return specs;
  }

  @Override
  public boolean keepsHistory() {
    return true;
  }

  @Override
  public Map<String, Long> postWhileAway(List<String> rooms) {
    List<Long> seqs = api.parallel(rooms, 32, room -> {
      String body = "{\"clientMsgId\":\"away-" + room + "-" + System.nanoTime() + "\",\"text\":\"while you were away\"}";
      return postRetrying(room, body, 10);
    });
    Map<String, Long> out = new HashMap<>();
    for (int i = 0; i < rooms.size(); i++) {
      out.put(rooms.get(i), seqs.get(i));
    }
    return out;
  }

  /**
   * Posts while every session is reconnecting at once. The node may answer 503 ("try again") then; like a real
   * client, resend the same body (same clientMsgId, so never a duplicate) after a second, a few times.
   */
  private CompletionStage<Long> postRetrying(String room, String body, int attemptsLeft) {
    int creator = creators.get(room);
    return api.call("POST", roomNode.get(room) + "/api/v1/rooms/" + room + "/messages", tokens.get(creator), body)
        .thenCompose(r -> {
          if (r.status() == 503 && attemptsLeft > 1) {
            return CompletableFuture
                .supplyAsync(() -> null, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS))
                .thenCompose(x -> postRetrying(room, body, attemptsLeft - 1));
          }
          return CompletableFuture.completedFuture(
              Frames.num(Api.expect(r, 201, "post to " + room).body(), "seq"));
        });
  }

  @Override
  public List<Long> serverPids() {
    return processes.stream().map(Process::pid).toList();
  }

  @Override
  public List<Path> gcLogs() {
    return List.copyOf(gcLogs);
  }

  @Override
  public void stop() {
    stop(true);
  }

  /** Stops the nodes as {@link #stop()} does; {@code dropDatabase} false keeps the database for {@link #restart}. */
  void stop(boolean dropDatabase) {
    // SIGTERM to all at once: each node hands its shards off and leaves, like Ctrl-C on ./parley cluster.
    processes.forEach(Process::destroy);
    CompletableFuture.allOf(processes.stream()
        .map(p -> CompletableFuture.runAsync(() -> Procs.stop(p, 30))).toArray(CompletableFuture[]::new)).join();
    processes.clear();
    if (postgres && dropDatabase) {
      try {
        psql("DROP DATABASE IF EXISTS " + PG_DB + " WITH (FORCE)");
      } catch (IOException e) {
        System.err.println("bench: could not drop database " + PG_DB + ": " + e.getMessage());
      }
    }
  }

  private static void psql(String sql) throws IOException {
    psql("postgres", "-c", sql);
  }

  private static String psql(String database, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-q"));
    command.addAll(List.of(args));
    return Procs.run(command);
  }
}
