package parley.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The chaos harness's hosts, made by {@code bench/chaos/hosts.sh up} before the harness starts (it runs inside
 * {@code pch-cl}): its own PostgreSQL in {@code pch-db} (10.77.0.2), three Parley nodes in {@code pch-n1..3}
 * (10.77.0.11-13, HTTP 8080, Artery 25520 each), and the faults, which are iptables rules, tc qdiscs and signals
 * aimed at one node's namespace or process.
 */
final class ChaosHosts implements AutoCloseable {
  static final int NODES = 3;
  static final String DB_IP = "10.77.0.2";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path root;
  private final Path runDir;
  private final List<String> javaOpts;
  private final Process[] nodes = new Process[NODES];
  private final int[] incarnations = new int[NODES];
  private Path pgDir;
  private Path pgBin;

  ChaosHosts(Path root, Path runDir, List<String> javaOpts) {
    this.root = root;
    this.runDir = runDir;
    this.javaOpts = javaOpts;
  }

  static String ip(int node) {
    return "10.77.0." + (11 + node);
  }

  static String ns(int node) {
    return "pch-n" + (node + 1);
  }

  static String http(int node) {
    return "http://" + ip(node) + ":8080";
  }

  /** A PostgreSQL server of the harness's own, in pch-db: the machine's server listens on loopback only. */
  void startDatabase() throws Exception {
    try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      pgBin = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(Path::toString))
          .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql"));
    }
    pgDir = Files.createTempDirectory("parley-chaos-pg");
    Procs.run(List.of("chown", "-R", "postgres", pgDir.toString()));
    Path data = pgDir.resolve("data");
    Procs.run(List.of("runuser", "-u", "postgres", "--", pgBin.resolve("initdb").toString(), "-D", data.toString(),
        "-U", "postgres", "--auth=trust", "--no-sync"));
    Files.writeString(data.resolve("pg_hba.conf"), "host all all 10.77.0.0/24 trust\n",
        StandardOpenOption.APPEND);
    // fsync off: the faults here are the nodes' and the network's; this server is never killed.
    Procs.run(List.of("ip", "netns", "exec", "pch-db", "runuser", "-u", "postgres", "--",
        pgBin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
        "-l", pgDir.resolve("server.log").toString(), // postgres cannot write in the run's directory: copied there at the end
        "-o", "-p 5432 -k " + pgDir + " -c listen_addresses=" + DB_IP + " -c fsync=off -c max_connections=300",
        "start"));
    Procs.run(List.of("psql", "-h", DB_IP, "-U", "postgres", "-q", "-c", "CREATE DATABASE parley"));
  }

  /** One SQL query on the cluster's database: rows of {@code |}-separated fields. */
  List<String> query(String sql) throws IOException {
    return Procs.run(List.of("psql", "-h", DB_IP, "-U", "postgres", "-d", "parley", "-A", "-t", "-c", sql))
        .lines().filter(l -> !l.isBlank()).toList();
  }

  /** Starts node {@code i} in its namespace (a new incarnation, its own log) and waits until it is ready. */
  void startNode(int i) throws Exception {
    int incarnation = ++incarnations[i];
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(i), Procs.java()));
    cmd.addAll(javaOpts);
    cmd.add("-Dparley.auth.bcrypt-cost=4");
    cmd.add("-cp");
    cmd.add(Procs.classpath(root, "node"));
    cmd.add("parley.node.Main");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log(i, incarnation).toFile());
    Map<String, String> env = pb.environment();
    env.put("PARLEY_HTTP_HOST", "0.0.0.0");
    env.put("PARLEY_HTTP_PORT", "8080");
    env.put("PARLEY_CLUSTER_HOST", ip(i));
    env.put("PARLEY_CLUSTER_PORT", "25520");
    env.put("PARLEY_SEED_NODES", ip(0) + ":25520," + ip(1) + ":25520");
    env.put("PARLEY_DB_URL", "jdbc:postgresql://" + DB_IP + ":5432/parley");
    env.put("PARLEY_DB_USER", "postgres");
    env.put("PARLEY_DB_PASSWORD", "");
    env.put("PARLEY_DATA_DIR", runDir.resolve("node-" + (i + 1) + "-data").toString());
    env.put("PARLEY_LIMIT_SIGNUPS_BURST", "1000");
    nodes[i] = Procs.start(pb);
    awaitReady(i, Duration.ofSeconds(120));
  }

  Path log(int i, int incarnation) {
    return runDir.resolve("node-" + (i + 1) + (incarnation > 1 ? "-" + incarnation : "") + ".log");
  }

  int incarnation(int i) {
    return incarnations[i];
  }

  void awaitReady(int i, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!ready(i)) {
      if (!alive(i)) {
        throw new IllegalStateException("node " + (i + 1) + " exited while starting: see " + log(i, incarnations[i]));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("node " + (i + 1) + " not ready after " + within.toSeconds() + " s");
      }
      Thread.sleep(250);
    }
  }

  boolean ready(int i) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(http(i) + "/ready")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  boolean alive(int i) {
    return nodes[i] != null && nodes[i].isAlive();
  }

  /** Waits up to {@code within} for node {@code i}'s process to end; true if it did. */
  boolean awaitExit(int i, Duration within) throws InterruptedException {
    return nodes[i] == null || nodes[i].waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Cuts node {@code i} off from the given addresses, both ways (its clients and the others keep theirs). */
  void cut(int i, List<String> addresses) throws IOException {
    for (String a : addresses) {
      inNode(i, "iptables", "-A", "INPUT", "-s", a, "-j", "DROP");
      inNode(i, "iptables", "-A", "OUTPUT", "-d", a, "-j", "DROP");
    }
  }

  /**
   * A slow, lossy link for node {@code i}, both ways: with tc netem where the kernel has it (100 ms +- 20 ms of
   * delay, 5% loss); else (this machine's kernel has no sch_netem) 5% loss with iptables' statistic match and a
   * 1 Mbit/s token bucket (tbf, up to 200 ms of queueing) on both ends of its veth. Returns what was applied.
   */
  String degrade(int i) throws IOException {
    String netem = "netem delay 100ms 20ms loss 5%";
    String tbf = "tbf rate 1mbit burst 16kbit latency 200ms";
    try {
      qdisc(i, netem);
      return "tc " + netem + " on both ends of the link";
    } catch (IOException noNetem) {
      inNode(i, "iptables", "-A", "INPUT", "-m", "statistic", "--mode", "random", "--probability", "0.05", "-j", "DROP");
      inNode(i, "iptables", "-A", "OUTPUT", "-m", "statistic", "--mode", "random", "--probability", "0.05", "-j", "DROP");
      qdisc(i, tbf);
      return "5% loss each way (iptables statistic) and tc " + tbf + " on both ends of the link (no sch_netem in this kernel)";
    }
  }

  private void qdisc(int i, String spec) throws IOException {
    List<String> own = new ArrayList<>(List.of("tc", "qdisc", "add", "dev", "eth0", "root"));
    own.addAll(List.of(spec.split(" ")));
    inNode(i, own.toArray(String[]::new));
    List<String> bridgeSide = new ArrayList<>(List.of("ip", "netns", "exec", "pch-root", "tc", "qdisc", "add", "dev",
        "vpch-n" + (i + 1), "root"));
    bridgeSide.addAll(List.of(spec.split(" ")));
    Procs.run(bridgeSide);
  }

  /** Removes every rule and qdisc a fault put on node {@code i}. */
  void heal(int i) throws IOException {
    inNode(i, "iptables", "-F");
    tryRun(List.of("ip", "netns", "exec", ns(i), "tc", "qdisc", "del", "dev", "eth0", "root"));
    tryRun(List.of("ip", "netns", "exec", "pch-root", "tc", "qdisc", "del", "dev", "vpch-n" + (i + 1), "root"));
  }

  void signal(int i, String signal) throws IOException {
    Procs.run(List.of("kill", "-" + signal, String.valueOf(nodes[i].pid())));
  }

  void kill9(int i) throws InterruptedException {
    nodes[i].destroyForcibly();
    nodes[i].waitFor(10, TimeUnit.SECONDS);
  }

  private void inNode(int i, String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(i)));
    full.addAll(List.of(command));
    Procs.run(full);
  }

  private static void tryRun(List<String> command) {
    try {
      Procs.run(command);
    } catch (IOException e) {
      // nothing to remove
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < NODES; i++) {
      if (nodes[i] != null) {
        try {
          heal(i);
          if (alive(i)) {
            signal(i, "CONT");
          }
        } catch (IOException e) {
          // the namespace may be gone already
        }
        Procs.stop(nodes[i], 15);
      }
    }
    if (pgDir != null) {
      tryRun(List.of("ip", "netns", "exec", "pch-db", "runuser", "-u", "postgres", "--",
          pgBin.resolve("pg_ctl").toString(), "-D", pgDir.resolve("data").toString(), "-w", "-m", "immediate", "stop"));
      tryRun(List.of("cp", pgDir.resolve("server.log").toString(), runDir.resolve("postgresql.log").toString()));
      tryRun(List.of("rm", "-rf", pgDir.toString()));
    }
  }
}
