package parley.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * {@code ./parley chaos [--quick] [--fault NAME] [--seed N]}: Parley's delivery contract under network faults, checked
 * the way Jepsen checks a database. Three nodes, each in its own network namespace, share a PostgreSQL in a fourth;
 * writers and readers in a fifth write steadily into rooms, retrying by clientMsgId and resuming by seq. One fault at
 * a time is injected, held, and healed (a node that exited is started again, as an orchestrator would); then the
 * writers stop and {@link ChaosCheck} checks every room, every reader and the journal. Per fault it reports how long
 * the rooms took to be writable again, on the majority side during the fault and everywhere after healing, and how
 * many sends were refused meanwhile. Exits 1 on any violation. The launcher makes the hosts and runs this inside the
 * clients' namespace.
 */
final class Chaos {
  /** The faults, in the order of a full run; {@code --quick} runs the first two. */
  static final List<String> FAULTS = List.of("partition", "freeze", "split", "db", "lossy-link", "kill-in-partition", "mixed");
  private static final int ROOMS = 12;
  private static final int WRITERS = 9;
  private static final int SETTLE_SECONDS = 10;
  /** Lines of the nodes' logs that say what the cluster did about a fault. */
  private static final Pattern TELLING = Pattern.compile(
      "SBR took decision|SBR is downing|Marking node as (UN)?REACHABLE|Leader is removing|is removed|Member removed"
      + "|Shutting down myself|shutting down|Quarantined|quarantined|Exiting|Failed to persist|duplicate key"
      + "|Starting shard|HandOff|Cluster Node .* - Welcome|Node .* is JOINING|Leader is moving node .* to \\[Up\\]"
      + "|Caused by|circuit breaker|CircuitBreaker|unavailable|Parley node listening", Pattern.CASE_INSENSITIVE);

  /** One fault of the plan: its kind, the node it is aimed at, how long it is held. */
  record Fault(String kind, int node, int holdSeconds) {
    String label() {
      return kind + " n" + (node + 1);
    }
  }

  private final ChaosHosts hosts;
  private final ChaosLoad load = new ChaosLoad();
  private final Path runDir;
  private volatile boolean watching = true;

  private Chaos(ChaosHosts hosts, Path runDir) {
    this.hosts = hosts;
    this.runDir = runDir;
  }

  public static void main(String[] args) throws Exception {
    Procs.useCommonPool();
    boolean quick = false;
    String only = null;
    long seed = System.currentTimeMillis() % 100_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--fault" -> only = i + 1 < args.length ? args[++i] : usage("--fault needs a name");
        case "--seed" -> {
          try {
            seed = Long.parseLong(i + 1 < args.length ? args[++i] : usage("--seed needs a number"));
          } catch (NumberFormatException e) {
            usage("--seed takes a number");
          }
        }
        default -> usage("unknown option " + args[i]);
      }
    }
    if (only != null && !FAULTS.contains(only)) {
      usage("no fault " + only + " (" + String.join(", ", FAULTS) + ")");
    }
    List<Fault> plan = plan(quick, only, new Random(seed));

    Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
    String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    String label = "chaos" + (quick ? "-quick" : "") + (only != null ? "-" + only : "");
    Path runDir = root.resolve("bench/target/runs/" + label + "-" + stamp);
    Files.createDirectories(runDir);
    Procs.pidFile(root.resolve("bench/target/bench.pids"));
    List<String> javaOpts = Arrays.asList(System.getenv().getOrDefault("PARLEY_JAVA_OPTS",
        "-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ParallelGCThreads=1 " + Bench.sharedCoresDispatcher(ChaosHosts.NODES))
        .trim().split("\\s+"));

    ObjectNode result = Bench.JSON.createObjectNode();
    result.put("scenario", "chaos").put("quick", quick).put("startedAt", stamp + "Z").put("seed", seed)
        .put("command", "./parley chaos " + String.join(" ", args))
        .put("what", ChaosHosts.NODES + " nodes in their own network namespaces on one PostgreSQL (its own namespace); "
            + WRITERS + " writers (" + (1_000 / 250) + " msgs/s each, retrying by clientMsgId) and " + ChaosHosts.NODES
            + " WebSocket readers (resuming by seq) in a fifth, over " + ROOMS + " rooms");
    result.set("machine", Bench.machine());
    result.set("source", Bench.source(root));
    boolean ok = false;
    ChaosHosts hosts = new ChaosHosts(root, runDir, javaOpts);
    try {
      ok = new Chaos(hosts, runDir).run(plan, result);
    } catch (Exception e) {
      result.put("error", String.valueOf(e));
      Bench.failed("chaos", String.valueOf(e));
      e.printStackTrace();
    } finally {
      hosts.close();
    }
    result.put("ok", ok);
    Path results = root.resolve("bench/results");
    Files.createDirectories(results);
    String md = markdown(result);
    Files.writeString(results.resolve(label + "-" + stamp + ".json"), Bench.JSON.writeValueAsString(result));
    Files.writeString(results.resolve(label + "-" + stamp + ".md"), md);
    System.out.println(md);
    Bench.log("results: bench/results/" + label + "-" + stamp + ".{json,md}; logs: " + root.relativize(runDir));
    Procs.stopAll();
    Bench.sayFailures(ok);
    System.exit(ok ? 0 : 1);
  }

  private static String usage(String why) {
    System.err.println("chaos: " + why);
    System.err.println("usage: ./parley chaos [--quick] [--fault " + String.join("|", FAULTS) + "] [--seed N]");
    System.exit(2);
    return null;
  }

  static List<Fault> plan(boolean quick, String only, Random random) {
    List<Fault> all = new ArrayList<>(List.of(
        // Node 3 cut off from nodes 1 and 2; its clients and the database still reach it.
        new Fault("partition", 2, 20),
        // Node 1, the oldest (it hosts the shard coordinator), stopped for 30 s: the stale writer when it wakes.
        new Fault("freeze", 0, 30),
        // 2/1 with clients on both sides: node 2's writers reach only node 2, the others only nodes 1 and 3.
        new Fault("split", 1, 20),
        // Node 2 loses the database, not the cluster.
        new Fault("db", 1, 20),
        // A slow link with 5% loss each way for node 3 (ChaosHosts.degrade).
        new Fault("lossy-link", 2, 30),
        // Node 3 cut off, then killed with SIGKILL 3 s into the partition.
        new Fault("kill-in-partition", 2, 20)));
    if (only != null && !only.equals("mixed")) {
      return all.stream().filter(f -> f.kind().equals(only)).toList();
    }
    List<Fault> plan = new ArrayList<>();
    if (only == null) {
      plan.addAll(quick ? all.subList(0, 2) : all);
    }
    if (!quick || "mixed".equals(only)) {
      // Mixed: three more, kind and node drawn from the seed.
      for (int i = 0; i < 3; i++) {
        Fault f = all.get(random.nextInt(all.size()));
        plan.add(new Fault(f.kind(), random.nextInt(ChaosHosts.NODES), f.holdSeconds()));
      }
    }
    return plan;
  }

  private boolean run(List<Fault> plan, ObjectNode result) throws Exception {
    Bench.log("chaos: starting PostgreSQL in pch-db and " + ChaosHosts.NODES + " nodes in pch-n1..3");
    hosts.startDatabase();
    for (int i = 0; i < ChaosHosts.NODES; i++) {
      hosts.startNode(i);
    }
    load.setUp(ROOMS, WRITERS);
    Thread watcher = new Thread(() -> {
      while (watching) {
        load.readers.forEach(ChaosLoad.Reader::watch);
        Bench.park(1);
      }
    }, "chaos-reader-watch");
    watcher.setDaemon(true);
    load.startWriters();
    watcher.start();
    awaitAcks(load.acked.size() + 100, Duration.ofSeconds(60));
    Bench.log("chaos: load running; the plan: " + plan.stream().map(Fault::label).toList());

    boolean ok = true;
    ArrayNode faults = result.putArray("faults");
    for (Fault fault : plan) {
      ObjectNode r = faults.addObject();
      r.put("fault", fault.kind()).put("node", fault.node() + 1).put("holdSeconds", fault.holdSeconds());
      ok &= inject(fault, r);
    }
    watching = false;
    load.stopWriters();
    result.put("acknowledged", load.acked.size()).put("unresolved", load.unresolved.size());
    return ok;
  }

  /** One fault, from injection to the check after it; the writers run throughout but for the check. */
  private boolean inject(Fault fault, ObjectNode r) throws Exception {
    int n = fault.node();
    int[] others = IntStream.range(0, ChaosHosts.NODES).filter(i -> i != n).toArray();
    List<String> otherIps = Arrays.stream(others).mapToObj(ChaosHosts::ip).toList();
    long[] logOffsets = logOffsets();
    long refused0 = load.refused.get();
    long failed0 = load.failed.get();
    int acked0 = load.acked.size();
    String tag = fault.kind() + "-" + (n + 1) + "-" + System.nanoTime() % 100_000;
    Bench.log("chaos: " + fault.label() + " for " + fault.holdSeconds() + " s");

    long t0 = System.nanoTime();
    switch (fault.kind()) {
      case "partition", "kill-in-partition" -> hosts.cut(n, otherIps);
      case "split" -> {
        load.split(Set.of(n));
        hosts.cut(n, otherIps);
      }
      case "db" -> hosts.cut(n, List.of(ChaosHosts.DB_IP));
      case "freeze" -> hosts.signal(n, "STOP");
      case "lossy-link" -> r.put("applied", hosts.degrade(n));
      default -> throw new IllegalArgumentException(fault.kind());
    }
    // The majority side: each room written through the two other nodes until stored, timed from the fault.
    double[][] during = new double[1][];
    Thread prober = new Thread(() -> {
      try {
        during[0] = load.probe(tag + "-during", others, t0, Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "chaos-prober");
    prober.start();
    if (fault.kind().equals("kill-in-partition")) {
      Bench.park(3);
      hosts.kill9(n);
      Bench.park(fault.holdSeconds() - 3);
    } else {
      Bench.park(fault.holdSeconds());
    }

    long t1 = System.nanoTime();
    Bench.log("chaos: healing " + fault.label());
    boolean exitedDuring = !hosts.alive(n);
    if (fault.kind().equals("freeze")) {
      hosts.signal(n, "CONT");
    } else {
      hosts.heal(n);
    }
    load.unreach();
    // Every room, through any node, timed from the healing (a node that is down refuses at once: the next is asked).
    double[][] after = new double[1][];
    Thread healProber = new Thread(() -> {
      try {
        after[0] = load.probe(tag + "-after", IntStream.range(0, ChaosHosts.NODES).toArray(), t1, Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "chaos-heal-prober");
    healProber.start();
    // A downed node leaves the cluster and exits: an orchestrator starts it again. A frozen one finds out it was
    // downed when it wakes, and must exit without writing for the rooms that moved.
    boolean exited = exitedDuring || hosts.awaitExit(n, Duration.ofSeconds(fault.kind().equals("freeze") ? 60 : 5));
    r.put("nodeExited", exited).put("nodeExitedDuringFault", exitedDuring);
    if (exited) {
      long s = System.nanoTime();
      hosts.startNode(n);
      r.put("restartToReadySeconds", Bench.round1((System.nanoTime() - s) / 1e9));
    }
    healProber.join();
    prober.join();
    r.put("majorityWritableMaxSeconds", Bench.round1(max(during[0])))
        .put("majorityWritableMedianSeconds", Bench.round1(median(during[0])))
        .put("roomsWritableAfterHealMaxSeconds", Bench.round1(max(after[0])));
    r.set("majorityWritableSeconds", array(during[0]));
    r.set("afterHealSeconds", array(after[0]));
    // Every node answers for every room before the check.
    for (int i = 0; i < ChaosHosts.NODES; i++) {
      load.probe(tag + "-via-" + (i + 1), new int[] {i}, System.nanoTime(), Duration.ofSeconds(12));
    }
    r.put("refusedUnavailable", load.refused.get() - refused0).put("failedSends", load.failed.get() - failed0)
        .put("acknowledgedDuring", load.acked.size() - acked0);

    load.stopWriters();
    ChaosCheck.Result check = ChaosCheck.check(hosts, load);
    load.startWriters();
    // Let it settle before the next fault: a node that just joined again is still a membership change, which holds the
    // split-brain resolver's decision back by up to stable-after (4 s) and would be timed as the next fault's.
    Bench.park(SETTLE_SECONDS);
    r.put("acknowledgedSoFar", check.acked()).put("storedSoFar", check.stored()).put("lost", check.lost())
        .put("duplicated", check.duplicated()).put("gaps", check.gaps())
        .put("readerRepeats", check.readerDuplicates()).put("readerGaps", check.readerGaps())
        .put("readerBehind", check.readerBehind()).put("roomsWithTwoWriters", check.twoWriters())
        .put("unresolvedSends", load.unresolved.size());
    synchronized (load.unexpected) {
      r.set("unexpectedAnswers", Bench.JSON.valueToTree(new ArrayList<>(load.unexpected)));
      load.unexpected.clear();
    }
    r.set("violations", Bench.JSON.valueToTree(check.violations()));
    r.set("cluster", Bench.JSON.valueToTree(telling(logOffsets)));
    Bench.log(String.format(Locale.ROOT, "chaos: %s: majority writable after %.1f s (max), every room after heal %.1f s;"
            + " %d refused, %d failed; check: %d acknowledged, %d lost, %d duplicated, %d gaps, %d two-writer rooms%s",
        fault.label(), max(during[0]), max(after[0]), load.refused.get() - refused0, load.failed.get() - failed0,
        check.acked(), check.lost(), check.duplicated(), check.gaps(), check.twoWriters(),
        check.ok() ? "" : "; VIOLATIONS: " + check.violations()));
    if (!check.ok()) {
      Bench.failed("chaos " + fault.label(), check.lost() + " lost, " + check.duplicated() + " duplicated, "
          + check.gaps() + " gaps, " + check.twoWriters() + " rooms with two writers: " + check.violations());
    }
    return check.ok();
  }

  private void awaitAcks(int n, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (load.acked.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + load.acked.size() + " of " + n + " acknowledgements");
      }
      Thread.sleep(100);
    }
  }

  private long[] logOffsets() {
    long[] offsets = new long[ChaosHosts.NODES * 2];
    for (int i = 0; i < ChaosHosts.NODES; i++) {
      offsets[2 * i] = hosts.incarnation(i);
      offsets[2 * i + 1] = hosts.log(i, hosts.incarnation(i)).toFile().length();
    }
    return offsets;
  }

  /** What the nodes logged about the fault (membership, downing, shard moves, persistence failures), per node. */
  private List<String> telling(long[] offsets) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < ChaosHosts.NODES; i++) {
      for (int inc = (int) offsets[2 * i]; inc <= hosts.incarnation(i); inc++) {
        Path log = hosts.log(i, inc);
        long from = inc == offsets[2 * i] ? offsets[2 * i + 1] : 0;
        if (!Files.exists(log)) {
          continue;
        }
        Set<String> seen = new LinkedHashSet<>();
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
          f.seek(from);
          byte[] rest = new byte[(int) Math.min(f.length() - from, 8 << 20)];
          f.readFully(rest);
          for (String line : new String(rest, StandardCharsets.UTF_8).split("\n")) {
            if (!line.startsWith("\t") && TELLING.matcher(line).find() && seen.size() < 40) {
              seen.add(line.length() > 300 ? line.substring(0, 300) + "..." : line);
            }
          }
        }
        for (String s : seen) {
          lines.add("n" + (i + 1) + (inc > 1 ? "#" + inc : "") + " " + s);
        }
      }
    }
    return lines;
  }

  private static double max(double[] values) {
    return Arrays.stream(values).map(v -> Double.isNaN(v) ? Double.POSITIVE_INFINITY : v).max().orElse(0);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
  }

  private static ArrayNode array(double[] values) {
    ArrayNode a = Bench.JSON.createArrayNode();
    for (double v : values) {
      a.add(Bench.round1(v));
    }
    return a;
  }

  static String markdown(ObjectNode result) {
    StringBuilder md = new StringBuilder();
    md.append("### chaos — ").append(result.path("startedAt").asText()).append("\n");
    md.append("`").append(result.path("command").asText()).append("` (seed ").append(result.path("seed").asLong())
        .append(") on ").append(result.path("machine").path("cores").asInt()).append(" cores (")
        .append(result.path("machine").path("cpu").asText()).append("), ")
        .append(result.path("machine").path("java").asText()).append(". Code: ")
        .append(result.path("source").path("commit").asText()).append(". ").append(result.path("what").asText())
        .append(".\n\n");
    if (result.has("error")) {
      md.append("FAILED: ").append(result.get("error").asText()).append("\n\n");
    }
    md.append("| fault | held s | majority side writable after, s (median / max) | every room writable after healing, s"
        + " | node exited / back after s | sends refused 503 / failed | acknowledged so far | lost | duplicated | gaps"
        + " | reader repeats / gaps | rooms with two writers |\n");
    md.append("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (var f : result.path("faults")) {
      md.append(String.format(Locale.ROOT, "| %s n%d | %d | %.1f / %.1f | %.1f | %s | %d / %d | %,d | %d | %d | %d | %d / %d | %d |%n",
          f.path("fault").asText(), f.path("node").asInt(), f.path("holdSeconds").asInt(),
          f.path("majorityWritableMedianSeconds").asDouble(), f.path("majorityWritableMaxSeconds").asDouble(),
          f.path("roomsWritableAfterHealMaxSeconds").asDouble(),
          f.path("nodeExited").asBoolean() ? "yes / " + f.path("restartToReadySeconds").asDouble() : "no",
          f.path("refusedUnavailable").asLong(), f.path("failedSends").asLong(), f.path("acknowledgedSoFar").asLong(),
          f.path("lost").asLong(), f.path("duplicated").asLong(), f.path("gaps").asLong(),
          f.path("readerRepeats").asLong(), f.path("readerGaps").asLong(), f.path("roomsWithTwoWriters").asLong()));
    }
    md.append("\nVerdict: ").append(result.path("ok").asBoolean() ? "the contract held through every fault"
        : "VIOLATED (see the violations below)").append(".");
    // The availability goal (docs/reliability.md): reported, not a failure of the run (timings move with the host).
    List<String> slow = new ArrayList<>();
    for (var f : result.path("faults")) {
      boolean majorityGoal = !f.path("fault").asText().equals("db") && !f.path("fault").asText().equals("lossy-link");
      if ((majorityGoal && f.path("majorityWritableMaxSeconds").asDouble() > 15)
          || f.path("roomsWritableAfterHealMaxSeconds").asDouble() > 15) {
        slow.add(f.path("fault").asText() + " n" + f.path("node").asInt());
      }
    }
    md.append(slow.isEmpty() ? " Every room was writable again within 15 s (majority side, and after healing).\n"
        : " Over 15 s to be writable again: " + String.join(", ", slow) + ".\n");
    for (var f : result.path("faults")) {
      if (f.path("violations").size() > 0) {
        md.append("\nViolations after ").append(f.path("fault").asText()).append(" n").append(f.path("node").asInt())
            .append(":\n");
        f.path("violations").forEach(v -> md.append("- ").append(v.asText()).append("\n"));
      }
    }
    return md.toString();
  }
}
