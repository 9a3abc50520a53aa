package parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.ActorSystem;

/**
 * {@code ./parley bench <scenario> [--nodes N] [--quick] [--targets parley,limit,socketio] [--db postgres|h2]
 * [--receipts]}:
 * runs one scenario against each target in turn (never two at once: they share two cores), checks the delivery
 * contract, and writes a JSON result and a Markdown table to {@code bench/results/}. Exits 1 on any loss,
 * duplicate, error or failed target; 2 on bad arguments.
 */
public final class Bench {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  record Options(
      String scenario,
      int nodes,
      boolean quick,
      List<String> targets,
      boolean postgres,
      String client,
      Path root,
      List<Double> rates,
      Integer stepSeconds,
      int repeat) {

    /**
     * Whether a run looks for each target's edge: holds a step that fell behind once more before the steps stop, and
     * then narrows the edge (see {@link Report#refinement}). A full run of the scenario's own steps, once. Not with
     * {@code --rates} (the steps asked for are the steps run), {@code --quick} (seconds, not figures) or
     * {@code --repeat} (whose medians are taken step by step, and edges differ by run).
     */
    boolean findsEdge() {
      return !quick && rates == null && repeat == 1;
    }
  }

  public static void main(String[] args) throws Exception {
    Procs.useCommonPool();
    if (args.length > 0 && args[0].equals("recovery")) {
      Recovery.main(args);
      return;
    }
    if (args.length > 0 && args[0].equals("files")) {
      FilesBench.main(args);
      return;
    }
    if (args.length > 0 && args[0].equals("search")) {
      SearchBench.main(args);
      return;
    }
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println("usage: ./parley bench <smoke|idle|fanout|ingest|hot-room|storm|recovery|files|search> [--nodes N] [--quick]"
          + " [--targets parley,limit,socketio] [--db postgres|h2] [--client nio|pekko] [--rates 500,1000] [--step-seconds 120]"
          + " [--repeat 3]");
      System.exit(2);
      return;
    }
    Scenario scenario = Scenario.of(o.scenario(), o.quick());
    if (o.rates() != null) {
      scenario = scenario.withRates(o.rates());
    }
    if (o.stepSeconds() != null) {
      scenario = scenario.withStepSeconds(o.stepSeconds());
    }
    String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    String label = o.scenario() + (o.nodes() > 1 ? "-" + o.nodes() + "nodes" : "") + (o.quick() ? "-quick" : "");
    Path runDir = o.root().resolve("bench/target/runs/" + label + "-" + stamp);
    Files.createDirectories(runDir);
    Procs.pidFile(o.root().resolve("bench/target/bench.pids"));
    ActorSystem system = ActorSystem.create("bench", ConfigFactory.load("coordinator"));
    Api api = new Api(system);

    ObjectNode result = JSON.createObjectNode();
    result.put("scenario", o.scenario()).put("what", scenario.what()).put("nodes", o.nodes()).put("quick", o.quick())
        .put("startedAt", stamp + "Z").put("command", "./parley bench " + String.join(" ", args))
        .put("client", o.client().equals("nio") ? "java.nio WebSocket client (bench/NioWs)"
            : "Pekko HTTP singleWebSocketRequest");
    result.set("machine", machine());
    result.set("source", source(o.root()));
    ObjectNode layout = result.putObject("layout");
    layout.put("users", scenario.layout().users()).put("roomSize", scenario.layout().roomSize())
        .put("roomsPerUser", scenario.layout().roomsPerUser()).put("rooms", scenario.layout().rooms())
        .put("everyoneSends", scenario.everyoneSends()).put("stepSeconds", scenario.stepSeconds())
        .put("repeat", o.repeat());
    ArrayNode targets = result.putArray("targets");
    boolean failed = false;
    for (String name : o.targets()) {
      List<ObjectNode> runs = new ArrayList<>();
      for (int r = 1; r <= o.repeat(); r++) {
        Target target = target(name, o, api);
        log(name + ": starting" + (o.repeat() > 1 ? " (run " + r + " of " + o.repeat() + ")" : ""));
        ObjectNode tr = JSON.createObjectNode();
        tr.put("target", name);
        Path dir = o.repeat() > 1 ? runDir.resolve("run-" + r) : runDir;
        try {
          Files.createDirectories(dir);
          new TargetRun(scenario, target, api, o, dir, tr).run();
        } catch (Exception e) {
          tr.put("error", String.valueOf(e));
          failed(name, String.valueOf(e));
          e.printStackTrace();
        } finally {
          tr.put("describe", target.describe());
          target.stop();
          log(name + ": stopped");
        }
        runs.add(tr);
      }
      ObjectNode tr = runs.size() == 1 ? runs.get(0) : Repeats.merge(runs);
      targets.add(tr);
      if (!tr.path("ok").asBoolean(false)) {
        failed = true;
        if (!tr.has("error")) {
          JsonNode c = tr.path("contract");
          failed(name + " delivery contract", c.path("violations").asLong() + " violations, "
              + c.path("unexpectedCloses").asLong() + " unexpected closes, " + c.path("errorFrames").asLong()
              + " error frames, " + c.path("openAtEnd").asLong() + " sockets open at the end"
              + (c.path("described").size() > 0 ? "; e.g. " + c.path("described").get(0).asText() : "")
              + (c.path("problems").size() > 0 ? "; " + c.path("problems").get(0).asText() : ""));
        }
      }
    }
    result.set("summary", Report.summary(scenario, result, o.root()));
    result.put("ok", !failed);
    Path results = o.root().resolve("bench/results");
    Files.createDirectories(results);
    String md = Report.markdown(scenario, result);
    Files.writeString(results.resolve(label + "-" + stamp + ".json"), JSON.writeValueAsString(result));
    Files.writeString(results.resolve(label + "-" + stamp + ".md"), md);
    // The reference a cluster run compares itself with: the scenario's own steps only (not --quick, --rates, --step-seconds).
    if (!o.quick() && o.rates() == null && o.stepSeconds() == null) {
      Files.writeString(results.resolve(label + "-latest.json"), JSON.writeValueAsString(result));
    }
    System.out.println(md);
    log("results: bench/results/" + label + "-" + stamp + ".{json,md}; logs: " + o.root().relativize(runDir));
    system.terminate();
    Procs.stopAll();
    sayFailures(!failed);
    System.exit(failed ? 1 : 0);
  }

  private static Options parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("which scenario?");
    }
    String scenario = args[0];
    int nodes = 1;
    boolean quick = false;
    String db = null;
    String client = "nio";
    List<String> targets = null;
    List<Double> rates = null;
    Integer stepSeconds = null;
    int repeat = 1;
    boolean receipts = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(value(args, ++i));
        case "--quick" -> quick = true;
        case "--targets" -> targets = Arrays.asList(value(args, ++i).split(","));
        case "--db" -> db = value(args, ++i);
        case "--client" -> client = value(args, ++i);
        case "--rates" -> rates = Arrays.stream(value(args, ++i).split(",")).map(Double::valueOf).toList();
        case "--step-seconds" -> stepSeconds = Integer.valueOf(value(args, ++i));
        case "--repeat" -> repeat = Integer.parseInt(value(args, ++i));
        case "--receipts" -> receipts = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Scenario s = Scenario.of(scenario, quick);
    if (targets == null) {
      targets = nodes > 1 ? List.of("parley") : s.defaultTargets();
    }
    if (receipts) {
      // Side by side in the same run: Parley without v1.1's awareness traffic, then with it.
      List<String> with = new ArrayList<>();
      for (String t : targets) {
        with.add(t);
        if (t.equals("parley")) {
          with.add(ParleyTarget.WITH_RECEIPTS);
        }
      }
      if (!with.contains(ParleyTarget.WITH_RECEIPTS)) {
        throw new IllegalArgumentException("--receipts compares parley with and without: the targets need parley");
      }
      targets = with;
    }
    for (String t : targets) {
      if (!Scenario.ALL.contains(t) && !List.of(ParleyTarget.WITH_RECEIPTS, ParleyTarget.WITH_TYPING,
          ParleyTarget.WITH_DELIVERED).contains(t)) {
        throw new IllegalArgumentException("unknown target " + t);
      }
    }
    if (nodes > 1 && targets.contains("socketio")) {
      throw new IllegalArgumentException("--nodes runs parley and limit as clusters; socketio runs as one server");
    }
    if (db == null) {
      db = scenario.equals("smoke") && nodes == 1 ? "h2" : "postgres";
    }
    if (!db.equals("h2") && !db.equals("postgres")) {
      throw new IllegalArgumentException("--db is postgres or h2");
    }
    if (nodes < 1 || nodes > 9) {
      throw new IllegalArgumentException("--nodes is 1-9");
    }
    Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
    if (!client.equals("nio") && !client.equals("pekko")) {
      throw new IllegalArgumentException("--client is nio or pekko");
    }
    if (rates != null && (s.rates().isEmpty() || rates.isEmpty() || rates.stream().anyMatch(r -> !(r > 0)))) {
      throw new IllegalArgumentException("--rates takes msgs/s above 0, for a scenario with steps");
    }
    if (stepSeconds != null && (s.rates().isEmpty() || stepSeconds < 5 || stepSeconds > 3600)) {
      throw new IllegalArgumentException("--step-seconds takes 5-3600, for a scenario with steps");
    }
    if (repeat != 1 && (s.rates().isEmpty() || repeat < 1 || repeat > 9)) {
      throw new IllegalArgumentException("--repeat takes 1-9, for a scenario with steps");
    }
    return new Options(scenario, nodes, quick, targets, db.equals("postgres"), client, root, rates, stepSeconds,
        repeat);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  /**
   * The JVM servers' options (Parley's nodes and the limit), unless PARLEY_JAVA_OPTS says otherwise. Every young
   * collection scans the old objects written since the last one, and under fan-out that is nearly every session's state
   * (a 10,000-session node: 80-150 ms per pause with G1 or Parallel alike, see docs/benchmarks.md). A large young
   * generation makes those pauses rare; the parallel collector spends less CPU between them than G1. 6 GiB of young
   * generation instead of 3 halves how often they come: with two or three pauses of ~100 ms in a 20 s step from 200,000
   * deliveries/s the p99 landed on a pause (54-69 ms at 250,000/s over three runs), with one or two it stays under it
   * (27-31 ms; run 131631Z). The heap's 4 GiB of old generation hold 19,000 sessions with room.
   *
   * <p>Cluster nodes (a third of the sessions and a third of the memory each) run the parallel collector too, with one
   * pause thread each and a 1 GiB young generation. On G1, its refinement and pause threads took 0.15 of the 0.35 cores
   * three nodes added to one node's CPU at 250,000/s (remoting 0.19), and once the cluster fell behind, 0.47-0.51
   * cores, taken from the dispatchers: on one Intel Xeon host three nodes kept up 325,000 deliveries/s with G1 and
   * 475,000 in three runs with this, against the node's 625,000 (runs 225408Z, 231118Z, 232237Z and 233306Z,
   * docs/benchmarks-rounds.md, the round of 22:33 UTC on 11-24). Earlier tries of this collector on the nodes stopped
   * them for 1-3.3 s (runs 021246Z and 023556Z; up to 1.6 s with a 3.5 GiB young generation and one thread a node,
   * 063206Z). A young pause scans the old objects written since the last one and copies what survives: with 1 GiB the
   * pauses come every few seconds under load, 60-200 ms each. Its cost is a pause of up to about 1 s per node while the
   * state of the sessions that just connected is copied to the old generation (0.61-1.14 s in those runs), within the
   * 2.5 s the failure detector forgives. Their actor dispatchers share the cores ({@link #sharedCoresDispatcher}).
   */
  static String serverJavaOpts(int nodes) {
    return nodes > 1
        ? "-Xms3g -Xmx3g -Xmn1g -XX:+UseParallelGC -XX:ParallelGCThreads=1 " + sharedCoresDispatcher(nodes)
        : "-Xms10g -Xmx10g -Xmn6g -XX:+UseParallelGC";
  }

  /**
   * Nodes on one machine split its cores between their default dispatchers, at least 2 threads each, instead of Pekko's
   * floor of 8 each: 24 threads of three nodes on two cores hand each other the work. With 2 each the cluster delivered
   * 392,678 and 397,296 of 400,000 deliveries/s offered (257,000-381,000 with 8) and acknowledged 7,271 of 7,500 msgs/s
   * in a short ingest run (2,814); docs/benchmarks-rounds.md, the round of 07:42 UTC. The same rule as ./parley
   * cluster.
   */
  static String sharedCoresDispatcher(int nodes) {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors() / nodes);
    return "-Dpekko.actor.default-dispatcher.fork-join-executor.parallelism-max=" + threads;
  }

  private static Target target(String name, Options o, Api api) {
    List<String> javaOpts = Arrays.asList(
        System.getenv().getOrDefault("PARLEY_JAVA_OPTS", serverJavaOpts(o.nodes())).trim().split("\\s+"));
    return switch (name) {
      case "parley" -> {
        ParleyTarget t = new ParleyTarget(o.root(), o.nodes(), o.postgres(), javaOpts, api, false);
        t.messageLimitsAsShipped = o.scenario().equals("abuse");
        yield t;
      }
      case ParleyTarget.WITH_RECEIPTS, ParleyTarget.WITH_TYPING, ParleyTarget.WITH_DELIVERED ->
          new ParleyTarget(o.root(), o.nodes(), o.postgres(), javaOpts, api, name);
      case "limit" -> new LimitTarget(o.root(), o.nodes(), javaOpts);
      case "socketio" -> new SocketIoTarget(o.root());
      default -> throw new IllegalArgumentException(name);
    };
  }

  static ObjectNode machine() {
    ObjectNode m = JSON.createObjectNode();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          m.put("memGiB", Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0 * 10) / 10.0);
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
          break;
        }
      }
      m.put("kernel", Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
    } catch (Exception e) {
      // figures we cannot read are left out
    }
    m.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    m.put("note", "generator, database and server(s) share this machine");
    return m;
  }

  /** Which code ran: the commit, and whether node/ or bench/ had uncommitted changes. */
  static ObjectNode source(Path root) {
    ObjectNode s = JSON.createObjectNode();
    try {
      s.put("commit", Procs.run(List.of("git", "-C", root.toString(), "rev-parse", "--short", "HEAD")).trim());
      String dirty = Procs.run(List.of("git", "-C", root.toString(), "status", "--porcelain", "--", "node",
          "protocol", "bench", "pom.xml", "cluster.conf"));
      // Porcelain lines are "XY path": trimming the whole output first ate the first path's first letter.
      List<String> paths = dirty.lines().filter(l -> l.length() > 3).map(l -> l.substring(3)).toList();
      s.put("uncommittedChanges", paths.isEmpty() ? "none" : String.join(", ", paths));
    } catch (Exception e) {
      s.put("commit", "unknown");
    }
    return s;
  }

  static void log(String line) {
    System.err.println("bench: " + line);
  }

  /** The checks that failed in this run, each with what it saw: said again as the run's last lines. */
  private static final List<String> FAILED = java.util.Collections.synchronizedList(new ArrayList<>());

  /** A check of the run failed: said now, and again when the run ends ({@link #sayFailures}). */
  static void failed(String check, String detail) {
    log(check + ": FAILED: " + detail);
    FAILED.add(check + ": " + detail);
  }

  /** The run's last lines when it failed: every check that did, one line each (CI shows the last lines). */
  static void sayFailures(boolean ok) {
    if (ok) {
      return;
    }
    synchronized (FAILED) {
      if (FAILED.isEmpty()) {
        log("FAILED: no check named itself; the lines above say what went wrong");
      }
      for (String f : FAILED) {
        log("FAILED " + (f.length() > 400 ? f.substring(0, 400) + "..." : f));
      }
    }
  }

  /**
   * How a one-off scenario (recovery, files, search) ends: its result as {@code bench/results/<label>-<stamp>.json}
   * and {@code .md}, the summary printed, the coordinator stopped, and the exit code {@code ok} says.
   */
  static void finish(Path root, String label, String stamp, Path runDir, ObjectNode result, String md, boolean ok,
      org.apache.pekko.actor.ActorSystem system) throws Exception {
    Path results = Files.createDirectories(root.resolve("bench/results"));
    Files.writeString(results.resolve(label + "-" + stamp + ".json"), JSON.writeValueAsString(result));
    Files.writeString(results.resolve(label + "-" + stamp + ".md"), md);
    System.out.println(md);
    log("results: bench/results/" + label + "-" + stamp + ".{json,md}; logs: " + root.relativize(runDir));
    // The pool to the stopped node is shut first, or terminating the system logs its end as an error.
    org.apache.pekko.http.javadsl.Http.get(system).shutdownAllConnectionPools().toCompletableFuture()
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
    system.terminate();
    Procs.stopAll();
    sayFailures(ok);
    System.exit(ok ? 0 : 1);
  }

  /** One target through one scenario. */
  static final class TargetRun {
    private static final int PER_WORKER = 9_500;
    /** The warm-up ends at the first slice in which the JIT compilers of the run's JVMs took less than this. */
    private static final double JIT_SETTLED_CORES = 0.05;
    private static final int WARM_UP_MAX_SLICES = 12;
    private static final int LEAD_IN_MAX_SLICES = 6;
    /** Handshakes in flight per generator process (connect and reconnect). */
    private static final int PARALLELISM = Integer.parseInt(System.getenv().getOrDefault("PARLEY_BENCH_PARALLELISM", "200"));

    /** At most this many steps narrow the edge after the ladder: 100,000-150,000 deliveries/s to within 12,500. */
    private static final int REFINING_STEPS = 2;

    private final Scenario scenario;
    private final Target target;
    private final Api api;
    private final Path root;
    private final String client;
    private final boolean findsEdge;
    private final Path runDir;
    private final ObjectNode out;
    private final List<WorkerHandle> workers = new ArrayList<>();
    private List<Conn.Spec> specs;

    TargetRun(Scenario scenario, Target target, Api api, Options options, Path runDir, ObjectNode out) {
      this.scenario = scenario;
      this.target = target;
      this.api = api;
      this.root = options.root();
      this.client = options.client();
      this.findsEdge = options.findsEdge();
      this.runDir = runDir;
      this.out = out;
    }

    void run() throws Exception {
      try {
        runSteps();
      } finally {
        workers.forEach(WorkerHandle::stop);
      }
    }

    private void runSteps() throws Exception {
      String name = target.name();
      target.start(runDir);
      long t = System.nanoTime();
      Layout layout = scenario.layout();
      log(name + ": setting up " + layout.users() + " users in " + layout.rooms() + " rooms");
      specs = target.setup(layout, i -> scenario.everyoneSends());
      out.put("setupSeconds", secondsSince(t));
      out.put("connections", specs.size());
      startWorkers();

      ObjectNode memory = out.putObject("memory");
      memory.set("before", memory(false));
      log(name + ": connecting " + specs.size() + " sessions over " + workers.size() + " generator process(es)");
      out.set("connect", connect("connect", "connected"));
      if (out.path("connect").path("failed").asInt() > 0) {
        throw new IllegalStateException(out.path("connect").path("failed").asInt() + " sessions failed to connect: "
            + out.path("connect").path("problems"));
      }
      // Every session connected and silent: what holding them costs (keep-alive, heartbeats, timers).
      Cpu holding = new Cpu(target, workers);
      park(scenario.holdSeconds());
      out.set("holdCpuCores", holding.done());
      memory.set("after", memory(scenario.name().equals("idle")));
      perConnection(memory);

      ArrayNode steps = out.putArray("steps");
      if (scenario.warmupSeconds() > 0) {
        out.set("warmUp", warmUp());
      }
      // A step that falls behind is held once more before the steps stop: one young pause of 500 ms or a stall of
      // the host in a 20 s step can put its p99 over 1 s. One node stopped at 100,000 deliveries/s that way
      // (150,000 read p99 1.79 s, run 002449Z), and kept up 237,500 in the next run (003742Z).
      if (scenario.floods()) {
        out.set("abuse", abuseSteps(steps));
      }
      for (double rate : scenario.floods() ? List.<Double>of() : scenario.rates()) {
        ObjectNode s = runStep(steps, rate, null);
        if (s.path("saturated").asBoolean() && findsEdge && s.path("allAcked").asBoolean()) {
          s = runStep(steps, rate, "heldAgain");
        }
        if (s.path("saturated").asBoolean()) {
          break;
        }
      }
      // The step that fell behind has drained (Bench.step waits for every ack): the steps between it and the last
      // one that kept up run on the same warm node. Not after one that left sends unacknowledged for 60 s.
      for (int i = 0; findsEdge && i < REFINING_STEPS; i++) {
        double rate = Report.refinement(steps);
        if (Double.isNaN(rate)) {
          break;
        }
        if (!steps.get(steps.size() - 1).path("allAcked").asBoolean()) {
          log(name + ": not narrowing the edge: the last step still had sends unacknowledged after 60 s");
          break;
        }
        runStep(steps, rate, "refines");
      }
      if (scenario.storm()) {
        out.set("storm", storm());
      }
      out.set("contract", contract());
      out.put("ok", out.path("contract").path("ok").asBoolean());
    }

    /**
     * The abuse scenario: its steps (all at the same rate) in turn, every other one with a {@link Flooder} pushing
     * sends as fast as its socket takes them (steps alternate so that a young collection or a host stall, which falls
     * in one step or another, shows as such). What the others saw with the flood against without it, side by side:
     * the mean of each kind's p99s.
     */
    private ObjectNode abuseSteps(ArrayNode steps) throws Exception {
      List<Double> rates = scenario.rates();
      ObjectNode abuse = JSON.createObjectNode();
      for (int k = 0; k < rates.size(); k++) {
        boolean flooded = k % 2 == 1;
        Flooder flooder = flooded ? Flooder.start(api, specs.get(0).http(), specs.get(0).url()) : null;
        ObjectNode s;
        try {
          s = runStep(steps, rates.get(k), flooded ? "flooded" : null);
        } finally {
          if (flooder != null) {
            flooder.close();
          }
        }
        if (flooder != null) {
          Flooder.Tally f = flooder.tally();
          s.putObject("flood").put("framesPushed", f.pushed()).put("framesPerSec", Math.round(f.framesPerSecond()))
              .put("stored", f.stored()).put("refused", f.refused()).put("otherErrors", f.otherErrors())
              .put("seconds", f.seconds());
          log(String.format(Locale.ROOT, "%s: in %.1f s the flooder pushed %d frames (%.0f/s): %d stored, %d refused "
                  + "rate_limited (the rest unread when it stopped)", target.name(), f.seconds(), f.pushed(),
              f.framesPerSecond(), f.stored(), f.refused()));
        }
      }
      double[] sum = new double[2];
      double[] ackSum = new double[2];
      int[] n = new int[2];
      for (int k = 0; k < steps.size(); k++) {
        sum[k % 2] += steps.get(k).path("delivery").path("p99_ms").asDouble();
        ackSum[k % 2] += steps.get(k).path("ack").path("p99_ms").asDouble();
        n[k % 2]++;
      }
      double before = sum[0] / n[0];
      double during = sum[1] / n[1];
      abuse.put("othersP99WithoutMs", before).put("othersP99WithFloodMs", during)
          .put("ratio", during / before).put("withinTwentyPercent", during <= 1.2 * before)
          .put("othersAckP99WithoutMs", ackSum[0] / n[0]).put("othersAckP99WithFloodMs", ackSum[1] / n[1]);
      log(String.format(Locale.ROOT, "%s: others' delivery p99 %.1f ms without the flood, %.1f ms with it (x%.2f), "
          + "mean of %d and %d steps", target.name(), before, during, during / before, n[0], n[1]));
      return abuse;
    }

    /** One step of the run at {@code rate}, marked with {@code kind} (heldAgain, refines) unless null, kept, logged. */
    private ObjectNode runStep(ArrayNode steps, double rate, String kind) {
      ObjectNode s = step(rate, scenario.stepSeconds());
      if (kind != null) {
        s.put(kind, true);
      }
      steps.add(s);
      logStep(rate, s);
      return s;
    }

    private void logStep(double rate, JsonNode s) {
      log(String.format("%s: %.0f msgs/s offered%s: %.0f deliveries/s, %.0f acks/s, delivery p99 %.1f ms, ack p99 %.1f"
              + " ms%s%s", target.name(), rate, s.path("refines").asBoolean() ? " (refining step)"
              : s.path("heldAgain").asBoolean() ? " (held again)" : "",
          s.path("deliveriesPerSec").asDouble(), s.path("acksPerSec").asDouble(),
          s.path("delivery").path("p99_ms").asDouble(), s.path("ack").path("p99_ms").asDouble(),
          s.has("journalWritesPerSec") ? ", journal " + s.path("journalWritesPerSec").asLong() + " events/s" : "",
          s.path("saturated").asBoolean() ? " (saturated: " + s.path("why").asText() + ")" : ""));
    }

    /**
     * Load at the warm-up rate, in slices, until the JIT compilers of every JVM of the run (server, generator) took
     * under {@link #JIT_SETTLED_CORES} in a slice, or for at most {@link #WARM_UP_MAX_SLICES} slices. Until then
     * the compilers take cores the load needs: three nodes compiling the same code on two cores took 0.7 of the
     * 1.6 cores they had in a first step held 20 s, and a fixed warm-up left that to the steps.
     *
     * <p>Then, when the first step is well above the warm-up rate (a run with {@code --rates}), the same at the
     * first step's rate, at most {@link #LEAD_IN_MAX_SLICES} slices. Code that only runs under load (writes that
     * find one in flight, batches) is compiled only once the load comes: the limit's first step at 100,000
     * deliveries/s straight after the warm-up read p99 60.7 ms with 0.09 cores of JIT, the same step held again
     * right after 33.3 and 11.6 ms (run 172320Z). A lead-in slice that cannot keep up ends it: the first step will
     * say so. A warm-up slice that falls behind goes on: at the lowest rate that is the compilers' doing (three nodes
     * on a slow host read p99 1.46 s in the second slice with 1.05 cores of JIT, and ending the warm-up there left
     * 0.25-0.29 cores of compiling to every step up to 75,000 deliveries/s, run 212207Z).
     */
    private ObjectNode warmUp() {
      ObjectNode w = JSON.createObjectNode();
      long started = System.nanoTime();
      boolean settled =
          settle(scenario.warmupRate(), WARM_UP_MAX_SLICES, w.putArray("jitCoresPerSlice"), null, false);
      w.put("settled", settled);
      double first = scenario.leadInRate();
      if (first > 0) {
        ObjectNode lead = w.putObject("leadIn");
        lead.put("rate", first);
        lead.put("settled",
            settle(first, LEAD_IN_MAX_SLICES, lead.putArray("jitCoresPerSlice"), lead.putArray("p99DeliveryMsPerSlice"),
                true));
      }
      w.put("seconds", secondsSince(started));
      return w;
    }

    /** Slices at {@code rate} until the JIT settles, {@code max} slices ran, or (if asked) a slice falls behind. */
    private boolean settle(double rate, int max, ArrayNode jitPerSlice, ArrayNode p99PerSlice, boolean endIfBehind) {
      for (int i = 0; i < max; i++) {
        Cpu cpu = new Cpu(target, workers);
        ObjectNode slice = step(rate, scenario.warmupSeconds());
        double jit = cpu.jitCores();
        jitPerSlice.add(jit);
        double p99 = slice.path("delivery").path("p99_ms").asDouble();
        if (p99PerSlice != null) {
          p99PerSlice.add(p99);
        }
        boolean settled = jit < JIT_SETTLED_CORES;
        boolean behind = slice.path("saturated").asBoolean();
        log(String.format(Locale.ROOT, "%s: %s %d s at %.0f msgs/s: the JIT took %.2f cores, p99 delivery %.1f ms%s",
            target.name(), p99PerSlice == null ? "warm-up" : "lead-in", scenario.warmupSeconds(), rate, jit, p99,
            settled ? ", settled" : behind ? ", fell behind (" + slice.path("why").asText() + ")" : ""));
        if (settled) {
          return true;
        }
        if (behind && endIfBehind) {
          return false;
        }
      }
      return false;
    }

    private void startWorkers() throws Exception {
      int n = Math.max(1, (specs.size() + PER_WORKER - 1) / PER_WORKER);
      String classpath = Procs.classpath(root, "bench");
      // The generator keeps little alive (a few KiB per socket) and makes short-lived strings: a small young
      // generation collected by one thread gives pauses of a few ms that do not stretch on two busy cores.
      List<String> java = new ArrayList<>(List.of(Procs.java(), "-Xms1g", "-Xmx1g", "-Xmn64m", "-XX:+UseSerialGC",
          "-XX:CICompilerCount=2"));
      String extra = System.getenv("PARLEY_BENCH_WORKER_OPTS"); // e.g. a profiler, for looking at the generator
      if (extra != null && !extra.isBlank()) {
        java.addAll(Arrays.asList(extra.trim().split("\\s+")));
      }
      java.addAll(List.of("-cp", classpath));
      for (int w = 0; w < n; w++) {
        WorkerHandle h = WorkerHandle.start(w, "127.0.0." + (2 + w), java, runDir, target.name() + "-");
        workers.add(h);
        ObjectNode init = JSON.createObjectNode().put("cmd", "init").put("proto", target.proto().name())
            .put("text", "x".repeat(48)).put("outCapacity", 4096).put("local", h.local)
            .put("client", client).put("typing", target.typing()).put("delivered", target.delivered());
        ArrayNode conns = init.putArray("conns");
        for (int i = w; i < specs.size(); i += n) {
          Conn.Spec s = specs.get(i);
          ObjectNode c = conns.addObject().put("id", s.id()).put("user", s.user()).put("token", s.token())
              .put("url", s.url()).put("http", s.http()).put("sender", s.sender());
          ArrayNode rooms = c.putArray("rooms");
          s.rooms().forEach(rooms::add);
        }
        h.send(init);
      }
      for (WorkerHandle h : workers) {
        h.await("ready", 120);
      }
    }

    private ObjectNode connect(String cmd, String ev) {
      Cpu cpu = new Cpu(target, workers);
      long started = System.nanoTime();
      for (WorkerHandle h : workers) {
        h.send(JSON.createObjectNode().put("cmd", cmd).put("parallelism", PARALLELISM));
      }
      ObjectNode c = connected(ev, started);
      c.set("cpuCores", cpu.done());
      return c;
    }

    private ObjectNode connected(String ev, long started) {
      int ok = 0;
      int failed = 0;
      org.HdrHistogram.Histogram setup = Load.empty();
      List<String> problems = new ArrayList<>();
      for (WorkerHandle h : workers) {
        JsonNode r = h.await(ev, 1800);
        ok += r.path("ok").asInt();
        failed += r.path("failed").asInt();
        setup.add(Hist.decode(r.path("hist").asText()));
        r.path("problems").forEach(p -> problems.add(p.asText()));
      }
      double seconds = secondsSince(started);
      ObjectNode c = JSON.createObjectNode().put("ok", ok).put("failed", failed).put("seconds", seconds)
          .put("perSecond", Math.round(ok / seconds));
      c.set("handshakeToHello", Hist.summary(setup));
      c.putPOJO("problems", problems.subList(0, Math.min(5, problems.size())));
      log(String.format("%s: %d sessions up in %.1f s (%d/s), %d failed", target.name(), ok, seconds,
          Math.round(ok / seconds), failed));
      return c;
    }

    /**
     * RSS and live heap of the server processes. The heap is a class histogram's total (a full GC first, so RSS is
     * read after it too); with {@code keepHistograms} the top of each histogram is also written to the run directory.
     */
    private ObjectNode memory(boolean keepHistograms) {
      ObjectNode m = JSON.createObjectNode();
      long rss = 0;
      long heap = 0;
      boolean heapUnread = false;
      for (long pid : target.serverPids()) {
        if (weighHeap()) {
          try {
            String histogram = Procs.classHistogram(pid);
            heap += Procs.liveHeapKib(histogram);
            if (keepHistograms) {
              List<String> lines = histogram.lines().toList();
              Path file = runDir.resolve(target.name() + "-" + pid + "-class-histogram.txt");
              Files.write(file, lines.subList(0, Math.min(60, lines.size())));
              out.put("classHistogram", root.relativize(file).toString());
            }
          } catch (IOException e) {
            heapUnread = true;
            log(target.name() + ": no class histogram: " + e.getMessage());
          }
        }
        rss += Procs.rssKib(pid);
      }
      m.put("rssKib", rss);
      if (weighHeap()) {
        m.put("heapAfterGcKib", heapUnread ? -1 : heap);
      }
      return m;
    }

    /**
     * Whether the live heap is weighed (a class histogram, which forces a full collection). Not on a cluster: on a
     * slow machine the forced collection stopped a node long enough for the others to down it (4.7 s on a 2-core
     * Xeon, run 015634Z), which measures the bench, not the node. A cluster's memory is read as RSS only.
     */
    private boolean weighHeap() {
      return target.jvm() && target.serverPids().size() == 1;
    }

    private void perConnection(ObjectNode memory) {
      int n = specs.size();
      JsonNode before = memory.path("before");
      JsonNode after = memory.path("after");
      ObjectNode per = memory.putObject("perConnectionKib");
      per.put("rssDelta", round1((after.path("rssKib").asLong() - before.path("rssKib").asLong()) / (double) n));
      per.put("rssTotal", round1(after.path("rssKib").asLong() / (double) n));
      if (weighHeap()) {
        per.put("heapDelta",
            round1((after.path("heapAfterGcKib").asLong() - before.path("heapAfterGcKib").asLong()) / (double) n));
        per.put("heapTotal", round1(after.path("heapAfterGcKib").asLong() / (double) n));
      }
    }

    /** One step of the open workload at {@code rate} sends/s over all senders; CPU measured around it. */
    private ObjectNode step(double rate, int seconds) {
      long journalBefore = target.journalWrites();
      Cpu cpu = new Cpu(target, workers);
      long t0 = Micros.now() + 300_000;
      int n = workers.size();
      long sendersTotal = specs.stream().filter(Conn.Spec::sender).count();
      for (WorkerHandle h : workers) {
        long mine = 0;
        for (int i = h.index; i < specs.size(); i += n) {
          if (specs.get(i).sender()) {
            mine++;
          }
        }
        double share = sendersTotal == 0 ? 0 : rate * mine / sendersTotal;
        h.send(JSON.createObjectNode().put("cmd", "run").put("t0", t0).put("durationMs", seconds * 1000L)
            .put("rate", share).put("phase", h.index / (double) n));
      }
      double behindMaxMs = 0;
      for (WorkerHandle h : workers) {
        behindMaxMs = Math.max(behindMaxMs, h.await("ran", seconds + 120L).path("behindMaxMs").asDouble());
      }
      for (WorkerHandle h : workers) {
        h.send(JSON.createObjectNode().put("cmd", "drain").put("timeoutMs", 60_000));
      }
      long journalAfter = target.journalWrites();
      long sent = 0, acks = 0, deliveries = 0, errors = 0, resent = 0, overflow = 0, notOpen = 0, lastAck = 0;
      long lastDelivery = 0;
      boolean allAcked = true;
      org.HdrHistogram.Histogram ack = Load.empty();
      org.HdrHistogram.Histogram delivery = Load.empty();
      for (WorkerHandle h : workers) {
        JsonNode r = h.await("drained", 180);
        sent += r.path("sent").asLong();
        acks += r.path("acks").asLong();
        deliveries += r.path("deliveries").asLong();
        errors += r.path("errors").asLong();
        resent += r.path("resent").asLong();
        overflow += r.path("overflow").asLong();
        notOpen += r.path("notOpen").asLong();
        lastAck = Math.max(lastAck, r.path("lastAck").asLong());
        lastDelivery = Math.max(lastDelivery, r.path("lastDelivery").asLong());
        allAcked &= r.path("allAcked").asBoolean();
        ack.add(Hist.decode(r.path("ack").asText()));
        delivery.add(Hist.decode(r.path("delivery").asText()));
      }
      ObjectNode s = JSON.createObjectNode();
      double window = seconds;
      double offeredDeliveries = rate * scenario.fanout();
      String why = null;
      if (!allAcked) {
        why = "not every send was acknowledged within 60 s";
      } else if (overflow > 0) {
        why = overflow + " sends found the socket's send queue full";
      } else if (deliveries < 0.85 * offeredDeliveries * window) {
        why = "deliveries fell behind the offered load";
      } else if (delivery.getValueAtPercentile(99) > 1_000_000) {
        why = "p99 delivery over 1 s";
      }
      s.put("offeredSendsPerSec", rate).put("offeredDeliveriesPerSec", offeredDeliveries).put("seconds", seconds)
          .put("sent", sent).put("acks", acks).put("deliveries", deliveries)
          .put("sendsPerSec", Math.round(sent / window))
          .put("acksPerSec", perSecond(acks, window, t0, lastAck, why == null))
          .put("deliveriesPerSec", perSecond(deliveries, window, t0, lastDelivery, why == null))
          .put("errors", errors).put("resent", resent).put("overflow", overflow).put("notOpen", notOpen)
          .put("allAcked", allAcked)
          .put("generatorBehindMaxMs", behindMaxMs);
      if (journalBefore >= 0 && journalAfter >= 0) {
        // Every event written while the step ran and drained: messages, and whatever else the step made write.
        s.put("journalWritesPerSec", Math.round((journalAfter - journalBefore) / window));
      }
      s.set("ack", Hist.summary(ack));
      s.set("delivery", Hist.summary(delivery));
      s.set("cpuCores", cpu.done());
      long stepEnd = Micros.now();
      ObjectNode gc = s.putObject("gcPauses");
      if (target.jvm()) {
        gc.set("server", GcLog.pauses(target.gcLogs(), t0, stepEnd));
      }
      List<Path> workerLogs = new ArrayList<>();
      for (WorkerHandle h : workers) {
        workerLogs.add(runDir.resolve(target.name() + "-worker-" + h.index + "-gc.log"));
      }
      gc.set("generator", GcLog.pauses(workerLogs, t0, stepEnd));
      s.put("saturated", why != null);
      if (why != null) {
        s.put("why", why);
      }
      return s;
    }

    /**
     * A step's rate of acks or deliveries. A step that kept up carried what its sends caused per second of sending:
     * the message sent in its last millisecond arrives a few ms after the window, and counting that latency as
     * time would read a step that delivered everything at 50,000/s as 49,9xx/s. A step that fell behind is counted
     * over the time it really took, up to its last ack or delivery ({@code last}, micros like {@code t0}).
     */
    static long perSecond(long count, double windowSeconds, long t0, long last, boolean keptUp) {
      double span = keptUp ? windowSeconds : Math.max(windowSeconds, (last - t0) / 1e6);
      return Math.round(count / span);
    }

    private ObjectNode storm() {
      ObjectNode st = JSON.createObjectNode();
      Map<String, Long> expected = seqs();
      long presenceBefore = presenceAtSeqs;
      List<String> rooms = new ArrayList<>(expected.keySet());
      log(target.name() + ": storm: dropping " + specs.size() + " connections at once");
      Cpu cpu = new Cpu(target, workers);
      long t0 = Micros.now();
      long started = System.nanoTime();
      for (WorkerHandle h : workers) {
        h.send(JSON.createObjectNode().put("cmd", "drop"));
      }
      double dropMs = 0;
      for (WorkerHandle h : workers) {
        dropMs = Math.max(dropMs, h.await("dropped", 120).path("elapsedMs").asDouble());
      }
      for (WorkerHandle h : workers) {
        h.send(JSON.createObjectNode().put("cmd", "reconnect").put("parallelism", PARALLELISM));
      }
      long postStarted = System.nanoTime();
      // A server without history has nothing to resume from: its storm is the reconnect alone.
      Map<String, Long> posted = target.keepsHistory() ? target.postWhileAway(rooms) : Map.of();
      double postSeconds = secondsSince(postStarted);
      posted.forEach((room, seq) -> expected.merge(room, seq, Math::max));
      ObjectNode back = connected("reconnected", started);
      double backSeconds = (Micros.now() - t0) / 1e6;
      for (WorkerHandle h : workers) {
        h.send(JSON.createObjectNode().put("cmd", "expect").put("timeoutMs", 120_000).set("rooms", toJson(expected)));
      }
      long reachedAt = 0;
      long presenceAfter = 0;
      boolean ok = true;
      for (WorkerHandle h : workers) {
        JsonNode r = h.await("reached", 240);
        ok &= r.path("ok").asBoolean();
        reachedAt = Math.max(reachedAt, r.path("reachedAt").asLong());
        presenceAfter += r.path("presenceFrames").asLong();
      }
      double caughtUp = (reachedAt - t0) / 1e6;
      st.set("cpuCores", cpu.done());
      st.put("connections", specs.size()).put("dropMs", dropMs).put("postedRooms", posted.size())
          .put("postSeconds", round1(postSeconds)).put("allBackSeconds", round1(backSeconds))
          .put("caughtUpSeconds", Math.round(caughtUp * 100) / 100.0).put("caughtUpOk", ok)
          // From the drop until all were caught up; the contract's count is the whole run's, the setup's included.
          .put("presenceFrames", presenceAfter - presenceBefore);
      st.set("reconnect", back);
      log(String.format("%s: storm: all %d back in %.1f s, all caught up in %.2f s%s", target.name(), specs.size(),
          backSeconds, caughtUp, ok ? "" : " (SOME NEVER CAUGHT UP)"));
      return st;
    }

    /** Presence frames the workers had received when {@link #seqs} last asked them. */
    private long presenceAtSeqs;

    private Map<String, Long> seqs() {
      Map<String, Long> highest = new HashMap<>();
      for (WorkerHandle h : workers) {
        h.send(JSON.createObjectNode().put("cmd", "seqs"));
      }
      long presence = 0;
      for (WorkerHandle h : workers) {
        JsonNode r = h.await("seqs", 60);
        presence += r.path("presenceFrames").asLong();
        r.path("rooms").properties().forEach(e -> highest.merge(e.getKey(), e.getValue().asLong(), Math::max));
      }
      presenceAtSeqs = presence;
      return highest;
    }

    /** Every receiver has every seq of its rooms up to the highest seq anyone saw, once and in order. */
    private ObjectNode contract() {
      Map<String, Long> expected = seqs();
      for (WorkerHandle h : workers) {
        h.send(JSON.createObjectNode().put("cmd", "expect").put("timeoutMs", 60_000).set("rooms", toJson(expected)));
      }
      long shortRooms = 0, cutOffRooms = 0;
      for (WorkerHandle h : workers) {
        JsonNode reached = h.await("reached", 120);
        shortRooms += reached.path("shortRooms").asLong();
        cutOffRooms += reached.path("cutOffRooms").asLong();
      }
      for (WorkerHandle h : workers) {
        h.send(JSON.createObjectNode().put("cmd", "check"));
      }
      long violations = 0, closes = 0, errors = 0, resent = 0, fetches = 0, fetchFailures = 0, open = 0, presence = 0;
      long typing = 0, receipts = 0, receiptChars = 0;
      List<String> described = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (WorkerHandle h : workers) {
        JsonNode r = h.await("checked", 60);
        violations += r.path("violations").asLong();
        closes += r.path("unexpectedCloses").asLong();
        errors += r.path("errors").asLong();
        resent += r.path("resent").asLong();
        fetches += r.path("fetches").asLong();
        fetchFailures += r.path("fetchFailures").asLong();
        presence += r.path("presenceFrames").asLong();
        typing += r.path("typingFrames").asLong();
        receipts += r.path("receiptFrames").asLong();
        receiptChars += r.path("receiptChars").asLong();
        open += r.path("open").asLong();
        r.path("described").forEach(d -> described.add(d.asText()));
        r.path("problems").forEach(d -> problems.add(d.asText()));
      }
      long checkedSeqs = expected.values().stream().mapToLong(Long::longValue).sum();
      boolean ok = violations == 0 && closes == 0 && errors == 0 && open == specs.size();
      ObjectNode c = JSON.createObjectNode().put("ok", ok).put("rooms", expected.size())
          .put("seqsPerReceiverChecked", checkedSeqs).put("violations", violations).put("roomsShort", shortRooms)
          .put("roomsCutOff", cutOffRooms)
          .put("unexpectedCloses", closes).put("errorFrames", errors).put("resentAfterUnavailable", resent)
          .put("openAtEnd", open)
          .put("historyFetches", fetches).put("historyFetchFailures", fetchFailures)
          .put("presenceFrames", presence).put("typingFrames", typing).put("receiptFrames", receipts)
          .put("receiptChars", receiptChars);
      c.set("described", JSON.valueToTree(described.subList(0, Math.min(10, described.size()))));
      c.set("problems", JSON.valueToTree(problems.subList(0, Math.min(10, problems.size()))));
      log(target.name() + ": delivery contract " + (ok ? "held" : "BROKEN") + ": " + violations + " violations, "
          + closes + " unexpected closes (" + cutOffRooms + " receiver rooms cut off by them), " + errors
          + " error frames, " + resent + " sends resent after 'unavailable', " + open + "/" + specs.size() + " open"
          + (described.isEmpty() ? "" : "; e.g. " + described.get(0))
          + (problems.isEmpty() ? "" : "; " + problems.get(0)));
      return c;
    }

    private static ObjectNode toJson(Map<String, Long> m) {
      ObjectNode o = JSON.createObjectNode();
      m.forEach(o::put);
      return o;
    }
  }

  /** CPU time of the server, the database and the generator over one phase, in cores (1.0 = one core busy). */
  static final class Cpu {
    private static final int CPUS = Procs.machineCpus();
    private final Target target;
    private final List<Long> genPids = new ArrayList<>();
    private final List<Long> dbPids;
    private final Map<Long, Long> server;
    private final Map<Long, Long> db;
    private final Map<Long, Long> gen;
    private final List<Long> jvmPids = new ArrayList<>();
    private final Map<String, Long> jit;
    private final Map<String, long[]> switches;
    private final Map<String, Procs.ThreadTicks> serverThreads;
    private final Map<String, long[]> serverSched;
    private final Map<String, long[]> dbSched;
    private final Map<String, long[]> genSched;
    private final long[] machine = Procs.machineTicks();
    private final long started = System.nanoTime();

    Cpu(Target target, List<WorkerHandle> workers) {
      this.target = target;
      workers.forEach(w -> genPids.add(w.pid()));
      genPids.add(ProcessHandle.current().pid());
      dbPids = target.usesDatabase() ? Procs.postgresPids() : List.of();
      server = Procs.sample(target.serverPids());
      db = Procs.sample(dbPids);
      gen = Procs.sample(genPids);
      if (target.jvm()) {
        jvmPids.addAll(target.serverPids());
      }
      jvmPids.addAll(genPids);
      jit = Procs.jitSample(jvmPids);
      switches = Procs.contextSwitches(target.serverPids());
      serverThreads = Procs.threadSample(target.serverPids());
      serverSched = Procs.schedSample(target.serverPids());
      dbSched = Procs.schedSample(dbPids);
      genSched = Procs.schedSample(genPids);
    }

    /** Cores the JIT compilers of every JVM of the run (servers, generator) took since this started. */
    double jitCores() {
      return round2(Procs.seconds(Procs.diff(jit, Procs.jitSample(jvmPids))) / secondsSince(started));
    }

    ObjectNode done() {
      double wall = secondsSince(started);
      ObjectNode c = JSON.createObjectNode();
      c.put("server", round2(Procs.seconds(Procs.diff(server, Procs.sample(target.serverPids()))) / wall));
      if (target.usesDatabase()) {
        c.put("database", round2(Procs.seconds(Procs.diff(db, Procs.sample(Procs.postgresPids()))) / wall));
      }
      c.put("generator", round2(Procs.seconds(Procs.diff(gen, Procs.sample(genPids))) / wall));
      // Part of the above: the JVMs' JIT compilers, which compete with the load until the code is compiled.
      c.put("jit", jitCores());
      // The whole machine: what every process used, and what the hypervisor took from it (on a shared host a step
      // can be slow with the machine's own processes far from its cores).
      long[] now = Procs.machineTicks();
      c.put("machineBusy", round2(Procs.machineBusySeconds(machine, now, wall, CPUS) / wall));
      c.put("stolen", round2(Procs.seconds(now[1] - machine[1]) / wall));
      c.put("wallSeconds", round1(wall));
      // Not cores: how often the server's threads gave up their core (per second), voluntarily (parked for want of
      // work, so each is a hand-off somewhere) and not.
      long[] sw = Procs.switchesBetween(switches, Procs.contextSwitches(target.serverPids()));
      c.put("serverVoluntarySwitchesPerSec", Math.round(sw[0] / wall));
      c.put("serverInvoluntarySwitchesPerSec", Math.round(sw[1] / wall));
      // Not cores either: how long threads that had work waited for a core. waitingThreads is how many were
      // waiting on average (runnable, not running); meanWaitMicros the mean wait per turn on a core, which a hand-off
      // of work to a parked thread waits too (on a VM, also while the hypervisor wakes an idle virtual CPU).
      ObjectNode runQueue = c.putObject("runQueue");
      putRunQueue(runQueue, "server", Procs.schedBetween(serverSched, Procs.schedSample(target.serverPids())), wall);
      if (target.usesDatabase()) {
        putRunQueue(runQueue, "database", Procs.schedBetween(dbSched, Procs.schedSample(Procs.postgresPids())), wall);
      }
      putRunQueue(runQueue, "generator", Procs.schedBetween(genSched, Procs.schedSample(genPids)), wall);
      // Part of "server": which of its threads used the cores, by pool (a cluster's nodes together), from 0.01 up.
      ObjectNode byPool = c.putObject("serverThreads");
      Procs.coresByGroup(serverThreads, Procs.threadSample(target.serverPids()), wall, 0.01)
          .forEach((pool, cores) -> byPool.put(pool, round2(cores)));
      return c;
    }

    private static void putRunQueue(ObjectNode runQueue, String name, long[] sched, double wall) {
      ObjectNode o = runQueue.putObject(name);
      o.put("waitingThreads", round2(sched[1] / 1e9 / wall));
      o.put("meanWaitMicros", sched[2] == 0 ? 0 : Math.round(sched[1] / 1e3 / sched[2]));
      o.put("turnsPerSec", Math.round(sched[2] / wall));
    }
  }

  static double secondsSince(long nanoStart) {
    return Math.round((System.nanoTime() - nanoStart) / 1e7) / 100.0;
  }

  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  static void park(int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
