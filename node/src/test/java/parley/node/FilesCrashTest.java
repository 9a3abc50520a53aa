package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.FileRows;
import parley.node.testkit.NodeProcess;
import parley.node.testkit.TestDatabase;

/**
 * kill -9 a node in the middle of an upload: after it starts again, no entry names the file, and the chunks it had
 * written are collected by the sweep (the upload is stale after 1 s here, and the sweep runs every second).
 */
class FilesCrashTest {

  private static Connection connect(Path dir) throws Exception {
    return TestDatabase.postgres()
        ? DriverManager.getConnection(TestDatabase.url(),
            System.getenv().getOrDefault("PARLEY_TEST_DB_USER", "postgres"), "")
        : DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/parley"), "sa", "");
  }

  private static long count(Connection c, String sql) throws Exception {
    try (ResultSet r = c.createStatement().executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Waits (up to 60 s) until the node's log has the line. */
  private static void awaitLog(Path log, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.exists(log) && Files.readString(log).contains(text))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no \"" + text + "\" in " + log);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void aNodeKilledDuringAnUploadLeavesNoEntryAndNoOrphanChunks() throws Exception {
    Path dir = Files.createTempDirectory("parley-files-crash");
    Map<String, String> env = TestDatabase.nodeEnv(dir);
    env.put("PARLEY_FILES_SWEEP_EVERY", "1 s");
    env.put("PARLEY_FILES_UPLOAD_STALE_AFTER", "1 s");
    // On PostgreSQL the database is shared with the classes run before this one: their rows are not this test's.
    Set<String> before = Set.of();
    if (TestDatabase.postgres()) {
      try (Connection c = connect(dir)) {
        before = FileRows.locations(c);
      }
    }
    ApiClient alice;
    String room;
    try (NodeProcess node = NodeProcess.start(env, dir.resolve("node-1.log"))) {
      alice = new ApiClient(node.http()).newUser("alice");
      room = alice.createRoom("{\"name\":\"crash upload\"}");
      try (Socket s = new Socket("127.0.0.1", node.httpPort)) {
        OutputStream out = s.getOutputStream();
        out.write(("POST /api/v1/rooms/" + room + "/files?name=doomed.bin&clientMsgId=d1 HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer " + alice.token + "\r\nContent-Length: 20000000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < 12; i++) {
          out.write(block);
        }
        out.flush();
        if (TestDatabase.postgres()) {
          // On PostgreSQL the test sees chunks land before it pulls the plug.
          try (Connection c = connect(dir)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (FileRows.chunksWithoutBlobSince(c, before, false) == 0) {
              assertTrue(System.nanoTime() < deadline, "no chunk of the upload was committed");
              Thread.sleep(20);
            }
          }
        }
        node.kill();
      }
    }
    try (NodeProcess node = NodeProcess.start(env, dir.resolve("node-2.log"))) {
      awaitLog(dir.resolve("node-2.log"), "stale uploads");
      ApiClient a = new ApiClient(node.http());
      a.token = alice.token;
      assertFalse(a.get("/api/v1/rooms/" + room + "/messages").body().toString().contains("doomed.bin"));
    }
    try (Connection c = connect(dir)) {
      assertEquals(0, FileRows.uploadsSince(c, before), "no upload left in progress");
      assertEquals(0, FileRows.chunksWithoutBlobSince(c, before, false), "no chunk without its blob");
      assertEquals(0, count(c, "SELECT COUNT(*) FROM parley_file WHERE room_id = '" + room + "'"), "no file in the room");
    }
  }
}
