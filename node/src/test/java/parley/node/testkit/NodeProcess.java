package parley.node.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A Parley node as its own JVM process, started the way {@code ./parley node} starts one, for crash tests. */
public final class NodeProcess implements AutoCloseable {
  public final Process process;
  public final int httpPort;
  public final Path log;

  private NodeProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /**
   * A port that is free now and that no outgoing connection will take before a node binds it.
   *
   * <p>A port from {@code new ServerSocket(0)} lies in the kernel's ephemeral range, so between our check and
   * the node's bind, any client socket (a JDBC pool filling up, an Artery connection) may be handed that very
   * port as its local port, and the node fails with "Address already in use". Ports below the ephemeral range
   * are only ever taken by an explicit bind, so we pick one at random there and check it.
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
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = low + random.nextInt(ephemeralLow - low);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port below " + ephemeralLow);
  }

  /** Starts a node and waits (up to 60 s) until it says it listens. */
  public static NodeProcess start(Map<String, String> env, int httpPort, Path log) throws IOException {
    String classpath = Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator
        + Files.readString(Path.of("target/classpath.txt")).trim();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-cp", classpath, "parley.node.Main"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Tests that are not about rate limits sign up many users from one address and send in bursts.
    TestNode.GENEROUS_LIMITS.forEach(builder.environment()::putIfAbsent);
    builder.environment().putIfAbsent("PARLEY_METRICS_PORT", "0");
    builder.environment().putAll(env);
    builder.environment().put("PARLEY_HTTP_PORT", String.valueOf(httpPort));
    builder.environment().putIfAbsent("PARLEY_CLUSTER_PORT", String.valueOf(freePort()));
    Process process = builder.start();
    // A test JVM that is stopped (a CI timeout, Ctrl-C) takes its nodes with it: a node left running holds its ports.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-node-" + httpPort));
    CompletableFuture<Boolean> listening = new CompletableFuture<>();
    // The run's logs (RunLog) get every node's lines too, whatever the test does with its own copy.
    Path runLog = Files.createDirectories(RunLog.dir()).resolve("node-" + httpPort + "-" + process.pid() + ".log");
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
          Files.writeString(runLog, line + "\n", StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
          if (line.contains("Parley node listening on")) {
            listening.complete(true);
          }
        }
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
      listening.complete(false);
    }, "node-log-" + httpPort);
    pump.setDaemon(true);
    pump.start();
    try {
      if (!listening.get(60, TimeUnit.SECONDS)) {
        boolean exited = process.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("node exited" + (exited ? " with status " + process.exitValue() : "")
            + " before listening; see " + log);
      }
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("node did not start; see " + log, e);
    }
    return new NodeProcess(process, httpPort, log);
  }

  public String http() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** kill -9: no shutdown hooks, no flush, nothing graceful. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
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
