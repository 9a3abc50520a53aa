package parley.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.ActorSystem;
import com.typesafe.config.ConfigFactory;

/**
 * {@code ./parley bench files [--quick] [--backends db,s3] [--db postgres|h2]}: one large file up and down on
 * loopback (MB/s each way, the node's heap high-water mark, with the node at {@code -Xmx256m}), then many users
 * uploading at once (all stored, p50/p99 time), for each backend: the node's database, and s3proxy. The limit, in the
 * same run: curl uploading the same file to a server that only writes it to disk, and downloading it from a static
 * file server (python3 -m http.server).
 */
final class FilesBench {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private FilesBench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean postgres = true;
    List<String> backends = List.of("db", "s3");
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--backends" -> backends = List.of(args[++i].split(","));
        case "--db" -> postgres = "postgres".equals(args[++i]);
        default -> {
          System.err.println("usage: ./parley bench files [--quick] [--backends db,s3] [--db postgres|h2]");
          System.exit(2);
        }
      }
    }
    long bigBytes = quick ? 64L << 20 : 1L << 30;
    int users = quick ? 10 : 50;
    int eachBytes = quick ? 2 << 20 : 10 << 20;
    Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
    String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    String label = "files" + (quick ? "-quick" : "");
    Path runDir = Files.createDirectories(root.resolve("bench/target/runs/" + label + "-" + stamp));
    Path data = Files.createDirectories(root.resolve("bench/target/files"));
    Procs.pidFile(root.resolve("bench/target/bench.pids"));
    Path big = data.resolve("big-" + bigBytes + ".bin");
    if (!Files.exists(big) || Files.size(big) != bigBytes) {
      Bench.log("files: writing a " + (bigBytes >> 20) + " MiB test file ...");
      write(big, bigBytes, 42);
    }
    String bigSha = sha256(big);
    // A file as large, sent once up and down before each measured transfer and not counted: the figures are a running
    // node's (and a running limit's), not the JIT compiling the path while it is timed. A fresh node spent a third of
    // a core in C2 during its first 1 GiB upload to PostgreSQL; through S3, after a 256 MiB warm-up, the two JVMs
    // (node and s3proxy) still spent 0.7 of the two cores compiling (the SDK's per-request code: 757 tier-3 and 160
    // tier-4 compilations during the measured GiB).
    long warmBytes = quick ? 8L << 20 : bigBytes;
    Path warm = data.resolve("warm-" + warmBytes + ".bin");
    if (!Files.exists(warm) || Files.size(warm) != warmBytes) {
      write(warm, warmBytes, 7);
    }

    ObjectNode result = Bench.JSON.createObjectNode();
    result.put("scenario", "files").put("quick", quick).put("startedAt", stamp + "Z")
        .put("command", "./parley bench " + String.join(" ", args))
        .put("what", "one " + (bigBytes >> 20) + " MiB file uploaded and downloaded over loopback with the node at"
            + " -Xmx256m; then " + users + " users uploading " + (eachBytes >> 20) + " MiB each at once");
    result.set("machine", Bench.machine());
    result.set("source", Bench.source(root));
    result.set("limit", limit(big, warm, runDir));
    ArrayNode runs = result.putArray("backends");
    ActorSystem system = ActorSystem.create("bench", ConfigFactory.load("coordinator"));
    Api api = new Api(system);
    boolean ok = true;
    for (String backend : backends) {
      ObjectNode run = runs.addObject().put("backend", backend.equals("s3") ? "s3proxy (S3 API, filesystem)"
          : postgres ? "PostgreSQL" : "H2");
      try {
        ok &= backend(root, runDir, api, backend.equals("s3"), postgres, big, warm, bigSha, users, eachBytes, run);
      } catch (Exception e) {
        ok = false;
        run.put("error", String.valueOf(e));
        Bench.failed("files " + backend, String.valueOf(e));
        e.printStackTrace();
      }
    }
    result.put("ok", ok);
    Bench.finish(root, label, stamp, runDir, result, markdown(result), ok, system);
  }

  /** A file of {@code bytes} pseudo-random bytes (each MiB different, so no storage could fold it). */
  static void write(Path file, long bytes, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = bytes; left > 0; left -= block.length) {
        random.nextBytes(block);
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
  }

  static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** curl up to a server that only writes the body to disk (and syncs it), and down from a static file server. */
  private static ObjectNode limit(Path big, Path warm, Path runDir) throws Exception {
    ObjectNode limit = Bench.JSON.createObjectNode();
    Path sink = runDir.resolve("sink.bin");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody();
          FileChannel out = FileChannel.open(sink, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          out.write(ByteBuffer.wrap(buffer, 0, n));
        }
        out.force(true);
      }
      exchange.sendResponseHeaders(201, -1);
      exchange.close();
    });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    try {
      Procs.run(List.of("curl", "-s", "-o", "/dev/null", "-T", warm.toString(),
          "http://127.0.0.1:" + server.getAddress().getPort() + "/up"));
      String up = Procs.run(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{speed_upload}", "-T", big.toString(),
          "http://127.0.0.1:" + server.getAddress().getPort() + "/up"));
      limit.put("uploadMBps", mb(Double.parseDouble(up.trim())));
    } finally {
      server.stop(0);
      Files.deleteIfExists(sink);
    }
    int port = freePort();
    Process files = Procs.start(new ProcessBuilder("python3", "-m", "http.server", String.valueOf(port), "--bind",
        "127.0.0.1", "--directory", big.getParent().toString())
        .redirectErrorStream(true).redirectOutput(runDir.resolve("static-server.log").toFile()));
    try {
      awaitPort(port, files);
      Procs.run(List.of("curl", "-s", "-o", "/dev/null", "http://127.0.0.1:" + port + "/" + warm.getFileName()));
      String down = Procs.run(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{speed_download}",
          "http://127.0.0.1:" + port + "/" + big.getFileName()));
      limit.put("downloadMBps", mb(Double.parseDouble(down.trim())));
    } finally {
      Procs.stop(files, 5);
    }
    limit.put("how", "curl -T to a JDK HttpServer that writes the body to a file and syncs it; curl from"
        + " python3 -m http.server");
    Bench.log("files: limit: up " + limit.get("uploadMBps") + " MB/s, down " + limit.get("downloadMBps") + " MB/s");
    return limit;
  }

  private static void awaitPort(int port, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the process for port " + port + " exited");
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("nothing listens on " + port);
  }

  private static double mb(double bytesPerSecond) {
    return Math.round(bytesPerSecond / 1e6 * 10) / 10.0;
  }

  /**
   * The node's heap around its collections between {@code from} and {@code to} (epoch ms), from its GC log: the most
   * in use before one (garbage included: with a 256 MiB heap the collector runs when it fills) and the most still
   * live after one (what the transfers actually held): after full collections when there were any, else after young
   * ones, an upper bound since the old generation keeps its garbage through them. Read from the log, not sampled: a sampling tool (jstat) is a
   * JVM start every time, which took a core from the run it measured.
   */
  static long[] heapAroundCollections(Path gcLog, long from, long to) throws IOException {
    Pattern pause = Pattern.compile(
        "^\\[([^\\]]+)\\].*Pause.*?(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    long before = 0;
    long after = 0;
    long afterFull = -1;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = pause.matcher(line);
      if (!m.find()) {
        continue;
      }
      long at = OffsetDateTime.parse(m.group(1), time).toInstant().toEpochMilli();
      long in = Long.parseLong(m.group(2));
      long out = Long.parseLong(m.group(3));
      if (at >= from && at <= to) {
        before = Math.max(before, in);
        if (line.contains("Pause Full")) {
          afterFull = Math.max(afterFull, out);
        } else if (out < in) {
          // A young pause that freed nothing (the old generation full: a full one follows) measures nothing live.
          after = Math.max(after, out);
        }
      }
    }
    // After a full collection the heap holds only what is live; a young one leaves the old generation's garbage too.
    return new long[] {before, afterFull >= 0 ? afterFull : after};
  }

  private static boolean backend(Path root, Path runDir, Api api, boolean s3, boolean postgres, Path big,
      Path warm, String bigSha, int users, int eachBytes, ObjectNode run) throws Exception {
    Process proxy = null;
    Path proxyDir = null;
    List<String> javaOpts = List.of("-Xms256m", "-Xmx256m", "-XX:+UseSerialGC");
    ParleyTarget target = new ParleyTarget(root, 1, postgres, javaOpts, api, false);
    if (s3) {
      Path jar = root.resolve("node/target/s3proxy/s3proxy.jar");
      int port = freePort();
      proxyDir = Files.createDirectories(runDir.resolve("s3proxy"));
      Path blobs = Files.createDirectories(proxyDir.resolve("blobs"));
      Files.writeString(proxyDir.resolve("s3proxy.conf"), String.join("\n", "s3proxy.endpoint=http://127.0.0.1:" + port,
          "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=bench", "s3proxy.credential=bench-secret",
          "jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + blobs, ""));
      proxy = Procs.start(new ProcessBuilder(Procs.java(), "-Xmx512m", "-jar", jar.toString(), "--properties",
          proxyDir.resolve("s3proxy.conf").toString()).redirectErrorStream(true)
          .redirectOutput(runDir.resolve("s3proxy.log").toFile()));
      awaitPort(port, proxy);
      s3proxyLimit(port, warm, runDir, "warm"); // its JIT too: the node's run comes after its own warm-up
      run.put("storeLimitUploadMBps", s3proxyLimit(port, big, runDir, "big"));
      Bench.log("files: s3proxy's own limit: curl up " + run.get("storeLimitUploadMBps") + " MB/s");
      target.env("PARLEY_FILES_S3_ENDPOINT", "http://127.0.0.1:" + port);
      target.env("PARLEY_FILES_S3_BUCKET", "bench");
      target.env("PARLEY_FILES_S3_ACCESS_KEY", "bench");
      target.env("PARLEY_FILES_S3_SECRET_KEY", "bench-secret");
    }
    target.env("PARLEY_FILES_MAX_SIZE", String.valueOf(Files.size(big) + 1));
    target.env("PARLEY_FILES_QUOTA", String.valueOf(4L << 30));
    run.put("node", target.describe());
    try {
      target.start(runDir);
      String node = target.base(0);
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i <= users; i++) {
        String credentials = "{\"username\":\"files" + i + "\",\"password\":\"" + ParleyTarget.PASSWORD + "\"}";
        Api.expect(api.callNow("POST", node + "/api/v1/auth/signup", null, credentials), 201, "signup");
        tokens.add(Frames.str(Api.expect(api.callNow("POST", node + "/api/v1/auth/login", null, credentials), 200,
            "login").body(), "token"));
      }
      String room = Frames.str(Api.expect(api.callNow("POST", node + "/api/v1/rooms", tokens.get(0),
          "{\"name\":\"files\",\"capacity\":1000}"), 201, "create room").body(), "id");
      for (int i = 1; i <= users; i++) {
        Api.expect(api.callNow("POST", node + "/api/v1/rooms/" + room + "/join", tokens.get(i), "{}"), 200, "join");
      }

      // One large file up, then down, by curl (the limit's client), with the node's heap watched; then fetched once
      // more to check it is the same bytes.
      String fileId;
      {
        Path answer = runDir.resolve("warm-answer.json");
        String code = Procs.run(List.of("curl", "-s", "-o", answer.toString(), "-w", "%{http_code}",
            "-H", "Authorization: Bearer " + tokens.get(0), "-H", "Content-Type: application/octet-stream",
            "-T", warm.toString(), "-X", "POST", node + "/api/v1/rooms/" + room + "/files?name=warm.bin&clientMsgId=warm"))
            .trim();
        if (!code.equals("201")) {
          throw new IllegalStateException("warm-up upload: " + code + " " + Files.readString(answer));
        }
        String warmId = Bench.JSON.readTree(Files.readString(answer)).get("file").get("id").asText();
        Procs.run(List.of("curl", "-s", "-f", "-o", "/dev/null", "-H", "Authorization: Bearer " + tokens.get(1),
            node + "/api/v1/files/" + warmId));
      }
      long transferStart = System.currentTimeMillis();
      {
        Path answer = runDir.resolve("upload-answer.json");
        String[] up = Procs.run(List.of("curl", "-s", "-o", answer.toString(), "-w", "%{http_code} %{speed_upload}",
            "-H", "Authorization: Bearer " + tokens.get(0), "-H", "Content-Type: application/octet-stream",
            "-T", big.toString(), "-X", "POST", node + "/api/v1/rooms/" + room + "/files?name=big.bin&clientMsgId=big"))
            .trim().split(" ");
        if (!up[0].equals("201")) {
          throw new IllegalStateException("upload: " + up[0] + " " + Files.readString(answer));
        }
        fileId = Bench.JSON.readTree(Files.readString(answer)).get("file").get("id").asText();
        String[] down = Procs.run(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{speed_download}",
            "-H", "Authorization: Bearer " + tokens.get(1), node + "/api/v1/files/" + fileId)).trim().split(" ");
        HttpResponse<InputStream> again = HTTP.send(HttpRequest.newBuilder(URI.create(node + "/api/v1/files/" + fileId))
            .header("Authorization", "Bearer " + tokens.get(1)).build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = again.body()) {
          byte[] buffer = new byte[1 << 20];
          for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
          }
        }
        boolean same = down[0].equals("200") && HexFormat.of().formatHex(digest.digest()).equals(bigSha);
        long[] heap = heapAroundCollections(target.gcLogs().get(0), transferStart, System.currentTimeMillis());
        run.put("bigMiB", Files.size(big) >> 20).put("uploadMBps", mb(Double.parseDouble(up[1])))
            .put("downloadMBps", mb(Double.parseDouble(down[1]))).put("downloadIdentical", same)
            .put("heapHighWaterMiB", heap[0]).put("heapLiveAfterGcMiB", heap[1]).put("heapLimitMiB", 256);
        Bench.log("files: " + run.get("backend").asText() + ": up " + run.get("uploadMBps") + " MB/s, down "
            + run.get("downloadMBps") + " MB/s, heap at most " + heap[0] + " MiB before a collection, " + heap[1]
            + " MiB live after one, identical " + same);
        if (!same) {
          Bench.failed("files " + run.get("backend").asText(), "the big file came back different (download status "
              + down[0] + ")");
          return false;
        }
      }

      // Many users at once, each a file of their own.
      List<Path> theirs = new ArrayList<>();
      for (int i = 1; i <= users; i++) {
        Path f = runDir.resolve("user-" + i + ".bin");
        write(f, eachBytes, 1000 + i);
        theirs.add(f);
      }
      // Each user's client as a client should be: a 503 too_many_uploads (the node streams 16 at once) is tried
      // again after its Retry-After, with the same clientMsgId; the time counts from the first try.
      List<CompletableFuture<long[]>> uploads = new ArrayList<>();
      long[] refusals = {0};
      for (int i = 1; i <= users; i++) {
        int u = i;
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(node + "/api/v1/rooms/" + room
                + "/files?name=user" + u + ".bin&clientMsgId=u" + u))
            .header("Authorization", "Bearer " + tokens.get(u))
            .POST(HttpRequest.BodyPublishers.ofFile(theirs.get(u - 1))).build();
        uploads.add(untilTaken(request, refusals).thenApply(r -> new long[] {r.statusCode(), System.nanoTime() - start}));
      }
      long stored = 0;
      List<Long> millis = new ArrayList<>();
      for (CompletableFuture<long[]> f : uploads) {
        long[] r = f.get(10, TimeUnit.MINUTES);
        if (r[0] == 201) {
          stored++;
        }
        millis.add(r[1] / 1_000_000);
      }
      millis.sort(Long::compare);
      run.put("concurrentUsers", users).put("concurrentEachMiB", eachBytes >> 20).put("concurrentStored", stored)
          .put("concurrentRetriedAfter503", refusals[0])
          .put("concurrentP50ms", millis.get(millis.size() / 2))
          .put("concurrentP99ms", millis.get(Math.min(millis.size() - 1, (int) Math.ceil(millis.size() * 0.99) - 1)))
          .put("concurrentMaxMs", millis.get(millis.size() - 1));
      Bench.log("files: " + run.get("backend").asText() + ": " + stored + "/" + users + " stored, p99 "
          + run.get("concurrentP99ms") + " ms");
      if (stored != users) {
        Bench.failed("files " + run.get("backend").asText(), "only " + stored + " of " + users
            + " concurrent uploads stored");
      }
      return stored == users;
    } finally {
      target.stop();
      if (proxy != null) {
        Procs.stop(proxy, 5);
      }
    }
  }

  /**
   * What s3proxy itself takes on these cores: curl putting the file straight into it as the node does (objects of
   * 1 MiB, three at once, each signed with its payload's SHA-256, which s3proxy checks), the parts cut and hashed
   * before the clock starts. A node writing through s3proxy cannot go faster than this.
   */
  private static double s3proxyLimit(int port, Path big, Path runDir, String name) throws Exception {
    String base = "http://127.0.0.1:" + port;
    String auth = "aws-sigv4 = \"aws:amz:us-east-1:s3\"\nuser = \"bench:bench-secret\"\n";
    Path parts = Files.createDirectories(runDir.resolve("s3proxy-limit-parts"));
    StringBuilder config = new StringBuilder();
    config.append(auth).append("request = \"PUT\"\nurl = \"").append(base).append("/limit\"\nheader = \"x-amz-content-sha256: ")
        .append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest())).append("\"\n");
    config.append("output = \"/dev/null\"\nwrite-out = \"%{http_code}\\n\"\n");
    if (!Files.exists(runDir.resolve("curl-bucket.cfg"))) {
      Procs.run(List.of("curl", "-s", "-f", "-K", writeConfig(runDir, "bucket", config)));
    }
    StringBuilder puts = new StringBuilder();
    byte[] piece = new byte[1 << 20];
    int count = 0;
    try (InputStream in = Files.newInputStream(big)) {
      for (int n; (n = in.readNBytes(piece, 0, piece.length)) > 0; count++) {
        if (count > 0) {
          puts.append("next\n"); // between transfers: one after the last is a transfer with no URL
        }
        Path part = parts.resolve(String.format("%05d", count));
        Files.write(part, Arrays.copyOf(piece, n));
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(piece, 0, n);
        puts.append(auth).append("upload-file = \"").append(part).append("\"\nurl = \"").append(base)
            .append("/limit/").append(name).append("/").append(part.getFileName()).append("\"\nheader = \"x-amz-content-sha256: ")
            .append(HexFormat.of().formatHex(d.digest())).append("\"\nheader = \"Expect:\"\noutput = \"/dev/null\"\n")
            .append("write-out = \"%{http_code}\\n\"\n");
      }
    }
    String cfg = writeConfig(runDir, "puts-" + name, puts);
    long start = System.nanoTime();
    String codes = Procs.run(List.of("curl", "-sS", "--parallel", "--parallel-max", "3", "-K", cfg));
    double seconds = (System.nanoTime() - start) / 1e9;
    long ok = codes.lines().filter("200"::equals).count();
    try (var files = Files.list(parts)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
    }
    if (ok != count) {
      throw new IllegalStateException("s3proxy's limit: " + ok + " of " + count + " objects stored");
    }
    return mb(Files.size(big) / seconds);
  }

  private static String writeConfig(Path runDir, String name, CharSequence text) throws IOException {
    Path file = runDir.resolve("curl-" + name + ".cfg");
    Files.writeString(file, text);
    return file.toString();
  }

  /**
   * Sends until the node takes the upload (another answer than 503), waiting its Retry-After (1 s) between tries. A
   * refusal that comes while the body is still being sent can reach this client as a closed connection: that is
   * tried again too (the same clientMsgId stores it once).
   */
  private static CompletableFuture<HttpResponse<String>> untilTaken(HttpRequest request, long[] refusals) {
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, failure) -> {
      if (failure == null && r.statusCode() != 503) {
        return CompletableFuture.completedFuture(r);
      }
      synchronized (refusals) {
        refusals[0]++;
      }
      long seconds = r == null ? 1 : r.headers().firstValueAsLong("Retry-After").orElse(1);
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS))
          .thenCompose(v -> untilTaken(request, refusals));
    }).thenCompose(f -> f);
  }

  static String markdown(ObjectNode r) {
    StringBuilder md = new StringBuilder();
    md.append("# Files: ").append(r.get("what").asText()).append("\n\n");
    md.append("Command: `").append(r.get("command").asText()).append("`; ok: ").append(r.get("ok").asBoolean())
        .append("\n\n");
    md.append("| | upload MB/s | download MB/s | node heap (limit 256 MiB): most in use / most live after GC |"
        + " concurrent uploads stored | p50 / p99 / max ms |\n|---|---|---|---|---|---|\n");
    ObjectNode limit = (ObjectNode) r.get("limit");
    md.append("| limit: curl to/from disk | ").append(limit.path("uploadMBps")).append(" | ")
        .append(limit.path("downloadMBps")).append(" | | | |\n");
    for (var run : r.get("backends")) {
      if (run.has("storeLimitUploadMBps")) {
        md.append("| limit: curl straight into s3proxy (1 MiB objects, 3 at once) | ")
            .append(run.get("storeLimitUploadMBps")).append(" | | | | |\n");
      }
      md.append("| Parley, ").append(run.get("backend").asText()).append(" | ").append(run.path("uploadMBps"))
          .append(" | ").append(run.path("downloadMBps")).append(" | ").append(run.path("heapHighWaterMiB"))
          .append(" / ").append(run.path("heapLiveAfterGcMiB")).append(" MiB | ").append(run.path("concurrentStored")).append("/").append(run.path("concurrentUsers"))
          .append(" | ").append(run.path("concurrentP50ms")).append(" / ").append(run.path("concurrentP99ms"))
          .append(" / ").append(run.path("concurrentMaxMs")).append(" |\n");
      if (run.has("error")) {
        md.append("\nError (").append(run.get("backend").asText()).append("): ").append(run.get("error").asText())
            .append("\n");
      }
    }
    return md.toString();
  }
}
