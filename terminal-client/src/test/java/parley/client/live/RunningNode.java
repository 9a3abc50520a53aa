package parley.client.live;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real Parley node in its own JVM, on H2 in a data directory of its own, started as {@code ./parley node} starts
 * one (the node module's classes and classpath.txt, which the reactor builds before this module). It can be
 * killed with SIGKILL and started again on the same ports and data.
 */
final class RunningNode implements AutoCloseable {
  private static final String READY = "Parley node listening on";

  private final Path dataDir;
  private final Path log;
  private final int httpPort = freePort();
  private final int clusterPort = freePort();
  private Process process;

  RunningNode(Path dataDir) {
    this.dataDir = dataDir;
    this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** Start the node and wait until it says it listens. */
  void start() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path classpathFile = root.resolve("node/target/classpath.txt");
    if (!Files.isRegularFile(classpathFile)) {
      throw new IllegalStateException("no " + classpathFile + ": build the node first (mvn -DskipTests install)");
    }
    String classpath = root.resolve("node/target/classes") + File.pathSeparator
        + Files.readString(classpathFile).trim();
    ProcessBuilder builder = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m", "-XX:+UseSerialGC", "-cp", classpath, "parley.node.Main"))
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("PARLEY_"));
    // The client's tests sign up many users from one address; rate limits have their own tests in node/.
    builder.environment().put("PARLEY_LIMIT_SIGNUPS_BURST", "100000");
    builder.environment().put("PARLEY_LIMIT_MESSAGES_BURST", "100000");
    // Each user costs a hash and a check: the shipped work factor would spend half a second of a core on each.
    builder.environment().put("PARLEY_BCRYPT_COST", "4");
    builder.environment().put("PARLEY_HTTP_PORT", String.valueOf(httpPort));
    builder.environment().put("PARLEY_METRICS_PORT", "0");
    builder.environment().put("PARLEY_CLUSTER_PORT", String.valueOf(clusterPort));
    builder.environment().put("PARLEY_DATA_DIR", dataDir.toString());
    process = builder.start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Process started = process;
    Thread pump = new Thread(() -> copyLog(started, ready), "node-log-" + httpPort);
    pump.setDaemon(true);
    pump.start();
    ready.get(90, TimeUnit.SECONDS);
  }

  private void copyLog(Process p, CompletableFuture<Void> ready) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (line.contains(READY)) {
          ready.complete(null);
        }
      }
      ready.completeExceptionally(new IllegalStateException("the node exited before listening; see " + log));
    } catch (IOException e) {
      ready.completeExceptionally(new UncheckedIOException(e));
    }
  }

  /** kill -9: no shutdown hooks, nothing flushed, sockets reset. */
  void kill() throws IOException {
    process.destroyForcibly();
    try {
      process.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("the node did not die", e);
    }
  }

  @Override
  public void close() throws IOException {
    if (process != null && process.isAlive()) {
      kill();
    }
  }

  /**
   * A free port below the kernel's ephemeral range: a port from {@code new ServerSocket(0)} can be handed to an
   * outgoing connection between our check and the node's bind ("Address already in use"); ports below the range
   * are only taken by an explicit bind.
   */
  private static int freePort() {
    int ephemeralLow = 32768;
    try {
      ephemeralLow = Integer.parseInt(Files.readAllLines(
          Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the usual default
    }
    if (ephemeralLow < 12000) {
      ephemeralLow = 32768; // an unusual range: fall back to the usual one
    }
    int low = Math.min(20000, ephemeralLow - 10000);
    Random random = new Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = low + random.nextInt(ephemeralLow - low);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new UncheckedIOException(new IOException("no free port below " + ephemeralLow));
  }
}
