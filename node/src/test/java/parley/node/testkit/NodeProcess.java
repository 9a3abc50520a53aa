package parley.node.testkit;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Parley node as its own JVM process, started the way {@code ./parley node} starts one, for crash tests. */
public final class NodeProcess implements AutoCloseable {
  public final Process process;
  /** Matches the node's "listening" line (parley.node.Main) and takes the port it bound. */
  private static final Pattern LISTENING = Pattern.compile("Parley node listening on http://[^:/\\s]+:(\\d+)");
  public final int httpPort;
  public final Path log;

  private NodeProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /** Every port {@link #freePort} handed out in this JVM: none is handed out twice. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A port for a node that must come back on the same address after a restart (a cluster member restarted in place,
   * a database stopped and started again); anything else binds port 0 and reads back what it bound.
   *
   * <p>It lies below the kernel's ephemeral range, which only an explicit bind takes: a port from {@code new
   * ServerSocket(0)} may be handed to any outgoing connection (a JDBC pool filling up, an Artery connection) while the
   * node that owns it is down, and its restart then fails with "Address already in use". Each port is handed out once
   * per JVM (two random picks for the nodes of one cluster once met), and is free when handed out. The range is
   * split between the suite's JVMs ({@link TestFork}): two classes running at once never pick the same port.
   */
  public static int freePort() {
    int ephemeralLow = 32768;
    try {
      ephemeralLow = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the usual default
    }
    if (ephemeralLow < 12000) {
      ephemeralLow = 32768; // an unusual range: fall back to the usual one
    }
    int low = Math.min(20000, ephemeralLow - 10000);
    int slice = (ephemeralLow - low) / TestFork.SLICES;
    low += slice * ((TestFork.number() - 1) % TestFork.SLICES);
    Random random = new Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = low + random.nextInt(slice);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another (this one stays out: something holds it)
      }
    }
    throw new IllegalStateException("no free port in " + low + ".." + (low + slice - 1));
  }

  /**
   * Starts a node on a port it binds itself and reads back from its "listening" line, and its cluster port likewise
   * (unless {@code env} names one): no port is chosen here and released before the node binds it. For a node that
   * starts once; a test that restarts a node on the same address passes the port of its first start.
   */
  public static NodeProcess start(Map<String, String> env, Path log) throws IOException {
    return start(env, 0, log);
  }

  /**
   * Starts a node and waits (up to 2 minutes: a JVM on a 2-core machine shared with other builds has taken over one)
   * until it says it listens; {@code httpPort} 0: on the port it binds.
   */
  public static NodeProcess start(Map<String, String> env, int httpPort, Path log) throws IOException {
    String classpath = Path.of("target/classes").toAbsolutePath() + File.pathSeparator
        + Files.readString(Path.of("target/classpath.txt")).trim();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-cp", classpath, "parley.node.Main"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Tests that are not about rate limits sign up many users from one address and send in bursts.
    TestNode.GENEROUS_LIMITS.forEach(builder.environment()::putIfAbsent);
    builder.environment().putIfAbsent("PARLEY_METRICS_PORT", "0");
    builder.environment().putAll(env);
    builder.environment().put("PARLEY_HTTP_PORT", String.valueOf(httpPort));
    // A node alone binds its cluster port wherever the kernel says; a member that restarts in place names its own.
    builder.environment().putIfAbsent("PARLEY_CLUSTER_PORT", "0");
    Process process = builder.start();
    // A test JVM that is stopped (a CI timeout, Ctrl-C) takes its nodes with it: a node left running holds its ports.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-node-" + process.pid()));
    // The port from the node's own line: the one it bound, which is the one asked for unless that was 0.
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    // The run's logs (RunLog) get every node's lines too, whatever the test does with its own copy.
    Path runLog = Files.createDirectories(RunLog.dir()).resolve("node-" + process.pid() + ".log");
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          Files.writeString(runLog, line + "\n", StandardCharsets.UTF_8,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          Matcher bound = LISTENING.matcher(line);
          if (bound.find()) {
            listening.complete(Integer.parseInt(bound.group(1)));
          }
        }
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
      listening.complete(-1);
    }, "node-log-" + process.pid());
    pump.setDaemon(true);
    pump.start();
    int port;
    try {
      port = listening.get(120, TimeUnit.SECONDS);
      if (port < 0) {
        boolean exited = process.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("node exited" + (exited ? " with status " + process.exitValue() : "")
            + " before listening; see " + log);
      }
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("node did not start; see " + log, e);
    }
    if (httpPort != 0 && port != httpPort) {
      process.destroyForcibly();
      throw new IllegalStateException("node listens on " + port + ", not " + httpPort + "; see " + log);
    }
    return new NodeProcess(process, port, log);
  }

  public String http() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** kill -9: no shutdown hooks, no flush, nothing graceful; returns once the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("node " + process.pid() + " still runs 60 s after kill -9");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
