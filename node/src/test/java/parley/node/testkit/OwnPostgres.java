package parley.node.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of the test's own (initdb in a temporary directory, its own port), for a test that must stop
 * the database: never the machine's shared one. PostgreSQL will not run as root: as root, the server runs as the
 * {@code postgres} user through {@code runuser}.
 */
public final class OwnPostgres implements AutoCloseable {
  public final int port;
  private final Path dir;
  private final Path bin;

  private OwnPostgres(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
  }

  /** The server's binaries (the newest installed), or null where there are none. */
  public static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    try (var versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(Path::toString)).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  public static OwnPostgres start() throws Exception {
    Path bin = binaries();
    if (bin == null) {
      throw new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql");
    }
    Path dir = Files.createTempDirectory("parley-own-pg");
    run("chown", "-R", "postgres", dir.toString());
    OwnPostgres pg = new OwnPostgres(bin, dir, NodeProcess.freePort());
    pg.asPostgres(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
        "--auth=trust", "--no-sync");
    pg.startServer();
    return pg;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** Starts the server and waits until it takes connections. */
  public void startServer() throws Exception {
    asPostgres(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
        "-l", dir.resolve("server.log").toString(),
        "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
  }

  /** Stops the server at once (as a crash or a network cut would leave the node: connections gone). */
  public void stopServer() throws Exception {
    asPostgres(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-m", "immediate", "stop");
  }

  private void asPostgres(String... command) throws Exception {
    List<String> full = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    run(full.toArray(String[]::new));
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      stopServer();
    } catch (Exception e) {
      // already stopped
    }
    run("rm", "-rf", dir.toString());
  }
}
