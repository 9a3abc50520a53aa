package parley.node.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real S3-compatible server for tests: s3proxy (from Maven Central, copied to {@code target/s3proxy/s3proxy.jar}
 * by the build) in its own process on a port it binds itself, keeping objects as files in a temporary directory.
 */
public final class S3Proxy implements AutoCloseable {
  public static final String ACCESS_KEY = "parley-test";
  public static final String SECRET_KEY = "parley-test-secret";
  /** Jetty's line once it listens, with the port it bound. */
  private static final Pattern STARTED = Pattern.compile("Started ServerConnector@\\S+\\{[^}]*\\}\\{[^:}]+:(\\d+)\\}");
  private final Process process;
  public final int port;
  public final Path dir;

  private S3Proxy(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  public static S3Proxy start() throws Exception {
    Path jar = Path.of("target/s3proxy/s3proxy.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no " + jar + ": the build copies it (mvn test-compile -pl node)");
    }
    Path dir = Files.createTempDirectory("parley-s3proxy");
    Path blobs = Files.createDirectories(dir.resolve("blobs"));
    Path properties = dir.resolve("s3proxy.conf");
    // Port 0: Jetty binds one and its "Started ServerConnector" line says which; none is chosen here and released.
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:0",
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + blobs,
        ""));
    Path log = dir.resolve("s3proxy.log");
    Process process = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar.toString(),
            "--properties", properties.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      String said = Files.exists(log) ? Files.readString(log) : "";
      Matcher started = STARTED.matcher(said);
      if (started.find()) {
        return new S3Proxy(process, Integer.parseInt(started.group(1)), blobs);
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("s3proxy did not start: " + said);
      }
      Thread.sleep(50);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Objects kept in {@code bucket} (files under its directory). */
  public long objects(String bucket) throws IOException {
    Path b = dir.resolve(bucket);
    if (!Files.isDirectory(b)) {
      return 0;
    }
    try (var walk = Files.walk(b)) {
      return walk.filter(Files::isRegularFile).count();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
