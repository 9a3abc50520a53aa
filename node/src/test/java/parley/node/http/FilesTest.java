package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Bytes;
import parley.node.testkit.Eventually;
import parley.node.testkit.FileRows;
import parley.node.testkit.OnOneNode;
import parley.node.testkit.RunLog;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/**
 * Files over real HTTP on a node with its real database (H2, or PostgreSQL in CI's second run): shared,
 * fetched whole and by range, deduplicated, limited, refused to outsiders, and collected when their entry goes.
 */
class FilesTest extends OnOneNode {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /**
   * Mixed into every content's seed: on the PostgreSQL pass the database is shared with other classes (and blobs are
   * kept by content), so this class's blobs must be its own.
   */
  private static final long SALT = new Random().nextLong();
  /** Upload and chunk locations present when this class's node started: not this class's to account for. */
  private Set<String> before;

  @Override
  protected Config nodeConfig() {
    return ConfigFactory.parseString("""
        parley.files.max-size = 3 MiB
        parley.files.quota = 8 MiB
        parley.files.idle-timeout = 3 s
        """);
  }

  @BeforeAll
  void locationsBefore() throws Exception {
    try (Connection c = connection()) {
      before = FileRows.locations(c);
    }
  }

  private static byte[] randomBytes(int n, long seed) {
    return Bytes.random(n, seed ^ SALT);
  }

  private static String sha256(byte[] b) {
    return Bytes.sha256(b);
  }

  private HttpResponse<String> upload(ApiClient user, String room, String name, String clientMsgId, byte[] bytes,
      String type) throws Exception {
    String query = "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
        + (clientMsgId == null ? "" : "&clientMsgId=" + clientMsgId);
    HttpRequest request = HttpRequest.newBuilder(URI.create(node.http() + "/api/v1/rooms/" + room + "/files" + query))
        .header("Authorization", "Bearer " + user.token)
        .header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException lost) {
      // A pooled connection the node had just closed (after refusing an earlier upload before its body, it closes
      // that connection) can be picked for the next request, which then gets no answer at all: a client sends an
      // upload with a clientMsgId again, which stores it once (CI on PostgreSQL saw this once).
      if (clientMsgId == null) {
        throw lost;
      }
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  private HttpResponse<byte[]> download(ApiClient user, String fileId, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.http() + "/api/v1/files/" + fileId)).GET();
    if (user != null) {
      b.header("Authorization", "Bearer " + user.token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(String body) throws Exception {
    return Json.mapper().readTree(body);
  }

  private static String code(HttpResponse<?> r) throws Exception {
    Object body = r.body();
    String text = body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : (String) body;
    return json(text).path("error").path("code").asText(null);
  }

  private Connection connection() throws Exception {
    Config db = node.system.settings().config()
        .getConfig("pekko-persistence-jdbc.shared-databases.slick.db");
    return DriverManager.getConnection(db.getString("url"), db.getString("user"), db.getString("password"));
  }

  private long count(String sql, String arg) throws Exception {
    try (var c = connection(); var q = c.prepareStatement(sql)) {
      if (arg != null) {
        q.setString(1, arg);
      }
      try (var r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** This class's uploads still in progress. */
  private long uploadsInProgress() throws Exception {
    try (Connection c = connection()) {
      return FileRows.uploadsSince(c, before);
    }
  }

  /** Chunks of this class's uploads that no blob claims yet, those of uploads in progress included. */
  private long chunksSoFar() throws Exception {
    try (Connection c = connection()) {
      return FileRows.chunksWithoutBlobSince(c, before, false);
    }
  }

  /** This class's chunks no blob and no upload in progress claims: what a failure must never leave behind. */
  private long orphanChunks() throws Exception {
    try (Connection c = connection()) {
      return FileRows.chunksWithoutBlobSince(c, before, true);
    }
  }

  @Test
  void aMemberSharesAFileAndAnotherSeesItLiveAndFetchesItWholeAndByRange() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    String room = alice.createRoom("{\"name\":\"files " + alice.username + "\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", "{}").status());
    byte[] bytes = randomBytes(1_000_003, 1);
    try (WsClient bobs = WsClient.connect(node.http(), bob.token)) {
      bobs.awaitType("hello");
      HttpResponse<String> posted = upload(alice, room, "report é.pdf", "up-1", bytes, "application/pdf");
      assertEquals(201, posted.statusCode(), posted.body());
      JsonNode entry = json(posted.body());
      assertEquals("file", entry.get("kind").asText());
      assertEquals("report é.pdf", entry.get("text").asText());
      JsonNode file = entry.get("file");
      assertEquals(bytes.length, file.get("size").asLong());
      assertEquals("application/pdf", file.get("contentType").asText());
      assertEquals(sha256(bytes), file.get("sha256").asText());
      String id = file.get("id").asText();
      JsonNode live = bobs.await(f -> "file".equals(f.path("kind").asText()));
      assertEquals(id, live.get("file").get("id").asText());
      assertEquals(entry.get("seq").asLong(), live.get("seq").asLong());

      HttpResponse<byte[]> whole = download(bob, id);
      assertEquals(200, whole.statusCode());
      assertArrayEquals(bytes, whole.body());
      assertEquals(String.valueOf(bytes.length), whole.headers().firstValue("Content-Length").orElseThrow());
      assertEquals("\"" + sha256(bytes) + "\"", whole.headers().firstValue("ETag").orElseThrow());
      assertEquals("nosniff", whole.headers().firstValue("X-Content-Type-Options").orElseThrow());
      String disposition = whole.headers().firstValue("Content-Disposition").orElseThrow();
      assertTrue(disposition.startsWith("attachment;"), disposition);
      assertTrue(disposition.contains("filename*=UTF-8''report%20%C3%A9.pdf"), disposition);

      // An interrupted download resumes from where it stopped; ranges cross the chunks' edges.
      HttpResponse<byte[]> part = download(bob, id, "Range", "bytes=262000-524400");
      assertEquals(206, part.statusCode());
      assertArrayEquals(Arrays.copyOfRange(bytes, 262000, 524401), part.body());
      assertEquals("bytes 262000-524400/" + bytes.length, part.headers().firstValue("Content-Range").orElseThrow());
      HttpResponse<byte[]> tail = download(bob, id, "Range", "bytes=-10");
      assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - 10, bytes.length), tail.body());
      HttpResponse<byte[]> past = download(bob, id, "Range", "bytes=" + bytes.length + "-");
      assertEquals(416, past.statusCode());
      assertTrue(new String(past.body(), StandardCharsets.UTF_8).contains("\"invalid_range\""));
      assertEquals("bytes */" + bytes.length, past.headers().firstValue("Content-Range").orElseThrow());
      // A Range that is no range at all is ignored, as RFC 9110 says: the whole file.
      HttpResponse<byte[]> invalid = download(bob, id, "Range", "bytes=--5");
      assertEquals(200, invalid.statusCode());
      assertEquals(bytes.length, invalid.body().length);
      assertEquals(304, download(bob, id, "If-None-Match", "\"" + sha256(bytes) + "\"").statusCode());

      // History shows it too, and the same upload again (a lost answer, say) is the same entry, stored once.
      JsonNode page = bob.get("/api/v1/rooms/" + room + "/messages?limit=5").body();
      assertTrue(page.toString().contains(id), page.toString());
      HttpResponse<String> again = upload(alice, room, "report é.pdf", "up-1", bytes, "application/pdf");
      assertEquals(201, again.statusCode(), again.body());
      assertEquals(id, json(again.body()).get("file").get("id").asText());
      assertEquals(entry.get("seq").asLong(), json(again.body()).get("seq").asLong());
      assertEquals(1, count("SELECT COUNT(*) FROM parley_file WHERE room_id = ?", room));
      // The same bytes shared anew (another message) take no second copy.
      HttpResponse<String> copy = upload(bob, room, "same.pdf", "up-2", bytes, "application/pdf");
      assertEquals(201, copy.statusCode());
      assertEquals(1, count("SELECT COUNT(*) FROM parley_file_blob WHERE sha256 = ?", sha256(bytes)));
      assertEquals(2, count("SELECT refs FROM parley_file_blob WHERE sha256 = ?", sha256(bytes)));
    }
  }

  @Test
  void outsidersGetNothingAndAKickedMemberNoLonger() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    ApiClient bob = node.client().newUser("bob");
    ApiClient eve = node.client().newUser("eve");
    String room = alice.createRoom("{\"name\":\"private files " + alice.username + "\"}");
    assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", "{}").status());
    HttpResponse<String> posted = upload(alice, room, "plan.txt", "p1", "the plan".getBytes(), "text/plain");
    String id = json(posted.body()).get("file").get("id").asText();
    assertEquals(200, download(bob, id).statusCode());
    HttpResponse<byte[]> outsider = download(eve, id);
    assertEquals(403, outsider.statusCode());
    assertEquals("not_a_member", code(outsider));
    assertEquals("not_a_member", code(upload(eve, room, "x.txt", "e1", "x".getBytes(), "text/plain")));
    assertEquals(401, download(null, id).statusCode());
    assertEquals("no_such_file", code(download(bob, "f0123456789abcdef0123456789abcde")));
    assertEquals("no_such_file", code(download(bob, "..%2F..%2Fetc%2Fpasswd")));

    ApiClient.Reply kicked = alice.post("/api/v1/rooms/" + room + "/kick", "{\"username\":\"" + bob.username + "\"}");
    assertEquals(200, kicked.status(), kicked.toString());
    assertFalse(kicked.body().get("members").toString().contains("\"" + bob.username + "\""), kicked.toString());
    assertEquals("not_a_member", code(download(bob, id)), "kicked: the file's only room is no longer theirs");
  }

  @Test
  void aBrowserLinkFetchesWithAShortLivedTicketForThatFileOnly() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    String room = alice.createRoom("{\"name\":\"tickets " + alice.username + "\"}");
    String id = json(upload(alice, room, "cat.png", "c1", randomBytes(5000, 2), "image/png").body())
        .get("file").get("id").asText();
    String other = json(upload(alice, room, "dog.png", "c2", randomBytes(5000, 3), "image/png").body())
        .get("file").get("id").asText();
    ApiClient.Reply ticket = alice.post("/api/v1/files/" + id + "/ticket", null);
    assertEquals(200, ticket.status(), ticket.toString());
    String t = ticket.body().get("ticket").asText();
    RunLog.secret(t);
    HttpResponse<byte[]> viaLink = HTTP.send(HttpRequest.newBuilder(URI.create(node.http() + "/api/v1/files/" + id
        + "?ticket=" + t)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, viaLink.statusCode());
    assertArrayEquals(randomBytes(5000, 2), viaLink.body());
    assertTrue(viaLink.headers().firstValue("Content-Disposition").orElseThrow().startsWith("inline;"),
        "an image opens in the browser");
    HttpResponse<byte[]> wrongFile = HTTP.send(HttpRequest.newBuilder(URI.create(node.http() + "/api/v1/files/"
        + other + "?ticket=" + t)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(401, wrongFile.statusCode());
  }

  @Test
  void aTicketDiesWithTheLoginItWasAskedWith() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    String room = alice.createRoom("{\"name\":\"ticket life " + alice.username + "\"}");
    String id = json(upload(alice, room, "note.txt", "n1", "a note".getBytes(), "text/plain").body())
        .get("file").get("id").asText();
    String t = alice.post("/api/v1/files/" + id + "/ticket", null).body().get("ticket").asText();
    RunLog.secret(t);
    URI link = URI.create(node.http() + "/api/v1/files/" + id + "?ticket=" + t);
    assertEquals(200, HTTP.send(HttpRequest.newBuilder(link).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
        .statusCode());
    assertEquals(204, alice.post("/api/v1/auth/logout", null).status());
    HttpResponse<byte[]> after = HTTP.send(HttpRequest.newBuilder(link).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(401, after.statusCode(), "logged out: the ticket ends with the token");
    assertEquals("unauthorized", code(after));
  }

  @Test
  void everyNameFollowsOneRuleNoHiddenOrBidiCharacters() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    String room = alice.createRoom("{\"name\":\"names " + alice.username + "\"}");
    for (String bad : new String[] {"invoice\u202Efdp.exe", "a\u200Bb.txt", "\u2066x.txt", "line\u2028break.txt"}) {
      HttpResponse<String> refused = upload(alice, room, bad, "bad" + bad.length(), "x".getBytes(), "text/plain");
      assertEquals(400, refused.statusCode(), bad);
      assertEquals("invalid_file_name", code(refused));
    }
    assertEquals(201, upload(alice, room, "family \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67.png", "ok1",
        "x".getBytes(), "image/png").statusCode(), "a zero-width joiner inside an emoji is part of it");
    for (String bad : new String[] {"x\u200b\u200b\u200by", "\u202Eevil", "a\u00ADb"}) {
      ApiClient.Reply refused = alice.post("/api/v1/rooms", "{\"name\":\"" + bad + "\"}");
      assertEquals(400, refused.status(), bad);
      assertEquals("invalid_room", refused.code());
      assertEquals("invalid_room", alice.patch("/api/v1/rooms/" + room, "{\"name\":\"" + bad + "\"}").code());
    }
  }

  /**
   * Posts a chunked body that goes past the 3 MiB limit and returns the node's answer as read off the wire. The node
   * answers and closes while the body still comes; the answer is read as it arrives, by a second thread, and the
   * sender stops a little past the limit, so no reset can take the answer away before it is read.
   */
  private String endlessUpload(ApiClient user, String room, String name, String clientMsgId) throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.port)) {
      s.setSoTimeout(30_000);
      CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
          InputStream in = s.getInputStream();
          for (int n; (n = in.read(buf)) > 0; ) {
            got.write(buf, 0, n);
          }
        } catch (IOException reset) {
          // the node closed the connection under the body: what arrived before is the answer
        }
        return got.toString(StandardCharsets.UTF_8);
      });
      OutputStream out = s.getOutputStream();
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) 7);
      try {
        out.write(("POST /api/v1/rooms/" + room + "/files?name=" + name + "&clientMsgId=" + clientMsgId
            + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + user.token
            + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        for (long sent = 0; sent <= 3 * 1024 * 1024 + 256 * 1024 && !answer.isDone(); sent += chunk.length) {
          out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      } catch (IOException cutOff) {
        // the node stopped reading: its answer is on its way
      }
      return answer.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyLimitHasItsOwnCodeAndNumberAndACutOffUploadLeavesNothing() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    String room = alice.createRoom("{\"name\":\"limits " + alice.username + "\"}");
    // Refused from its Content-Length, before a byte of the body is read (so this client sends none).
    String big;
    try (Socket s = new Socket("127.0.0.1", node.port)) {
      s.getOutputStream().write(("POST /api/v1/rooms/" + room + "/files?name=big.bin&clientMsgId=b1 HTTP/1.1\r\n"
          + "Host: x\r\nAuthorization: Bearer " + alice.token + "\r\nContent-Length: " + (3 * 1024 * 1024 + 1)
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      big = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(big.startsWith("HTTP/1.1 413"), big);
    assertTrue(big.contains("file_too_large") && big.contains(String.valueOf(3 * 1024 * 1024)), big);
    assertEquals("invalid_file", code(upload(alice, room, "empty.txt", "e1", new byte[0], "text/plain")));
    for (String bad : new String[] {"a/b", "a\\b", "..", "nul\u0000", "tab\tbed", "x".repeat(256)}) {
      assertEquals("invalid_file_name", code(upload(alice, room, bad, "n1", "x".getBytes(), "text/plain")), bad);
    }

    // A body with no length that goes on past the limit is cut off at it: answered 413, and nothing of it stored.
    String endless = endlessUpload(alice, room, "endless.bin", "z1");
    assertTrue(endless.startsWith("HTTP/1.1 413"), endless);
    assertTrue(endless.contains("file_too_large"), endless);
    assertEquals(0, count("SELECT COUNT(*) FROM parley_file WHERE room_id = '" + room + "' AND client_msg_id = ?", "z1"),
        "no file recorded for the cut-off upload");
    assertFalse(alice.get("/api/v1/rooms/" + room + "/messages").body().toString().contains("endless.bin"));

    // A client that dies half way: no entry, and its chunks go.
    try (Socket s = new Socket("127.0.0.1", node.port)) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/v1/rooms/" + room + "/files?name=half.bin&clientMsgId=h1 HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer " + alice.token + "\r\nContent-Length: 2000000\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[700_000]);
      out.flush();
      // Recorded and partly stored before the client dies: a check for "nothing left" means something only then.
      Eventually.await("the half upload to be under way with chunks stored", () -> {
        assertEquals(1, uploadsInProgress(), "the half upload in progress");
        assertTrue(chunksSoFar() > 0, "its first chunks stored");
        return null;
      });
    }
    Eventually.await("the half upload and its chunks to be gone", () -> {
      assertEquals(0, uploadsInProgress(), "no upload left in progress");
      assertEquals(0, orphanChunks(), "no chunk without its blob");
      return null;
    });
    assertFalse(alice.get("/api/v1/rooms/" + room + "/messages").body().toString().contains("half.bin"));

    // The quota: 8 MiB in all.
    ApiClient hoarder = node.client().newUser("hoarder");
    String mine = hoarder.createRoom("{\"name\":\"hoard " + hoarder.username + "\"}");
    for (int i = 0; i < 2; i++) {
      assertEquals(201, upload(hoarder, mine, "part" + i, "q" + i, randomBytes(3 * 1024 * 1024, 10 + i), "x/y")
          .statusCode());
    }
    HttpResponse<String> over = upload(hoarder, mine, "part2", "q2", randomBytes(3 * 1024 * 1024, 12), "x/y");
    assertEquals(413, over.statusCode());
    assertEquals("quota_exceeded", code(over));
    assertTrue(over.body().contains(String.valueOf(8 * 1024 * 1024)), over.body());
  }

  @Test
  void aDeletedEntryOrRoomTakesItsFilesBytesWithIt() throws Exception {
    ApiClient alice = node.client().newUser("alice");
    String room = alice.createRoom("{\"name\":\"tidy " + alice.username + "\"}");
    byte[] a = randomBytes(600_000, 21);
    byte[] b = randomBytes(300_000, 22);
    JsonNode first = json(upload(alice, room, "a.bin", "d1", a, "application/octet-stream").body());
    JsonNode second = json(upload(alice, room, "b.bin", "d2", b, "application/octet-stream").body());
    assertEquals(200, alice.method("DELETE", "/api/v1/rooms/" + room + "/messages/" + first.get("seq").asLong()).status());
    Eventually.await("the deleted entry's file and bytes to be gone", () -> {
      assertEquals("no_such_file", code(download(alice, first.get("file").get("id").asText())));
      assertEquals(0, count("SELECT COUNT(*) FROM parley_file_blob WHERE sha256 = ?", sha256(a)));
      assertEquals(0, orphanChunks());
      return null;
    });
    JsonNode history = alice.get("/api/v1/rooms/" + room + "/messages").body();
    assertFalse(history.toString().contains(first.get("file").get("id").asText()), "the deleted entry names no file");
    assertEquals(200, download(alice, second.get("file").get("id").asText()).statusCode());

    assertEquals(204, alice.method("DELETE", "/api/v1/rooms/" + room).status());
    Eventually.await("the deleted room's files and bytes to be gone", () -> {
      assertEquals(0, count("SELECT COUNT(*) FROM parley_file WHERE room_id = ?", room));
      assertEquals(0, count("SELECT COUNT(*) FROM parley_file_blob WHERE sha256 = ?", sha256(b)));
      assertEquals(0, orphanChunks());
      return null;
    });
    assertNotNull(second);
  }
}
