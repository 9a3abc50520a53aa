package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.FileRows;
import parley.node.testkit.TestNode;

/**
 * A node streams at most {@code parley.files.concurrent-uploads} uploads at once (each holds pieces in memory): one
 * more is refused with its own code, its number and Retry-After, and the slot is free again once an upload ends.
 */
class UploadSlotsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> upload(TestNode node, ApiClient user, String room, String id) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(node.http() + "/api/v1/rooms/" + room + "/files?name=" + id
            + ".txt&clientMsgId=" + id))
        .header("Authorization", "Bearer " + user.token)
        .POST(HttpRequest.BodyPublishers.ofString("some bytes")).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void oneUploadMoreThanTheNodeStreamsIsRefusedUntilASlotFrees() throws Exception {
    try (TestNode node = TestNode.start(ConfigFactory.parseString("parley.files.concurrent-uploads = 1"))) {
      ApiClient alice = node.client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"slots\"}");
      Config db = node.system.settings().config()
          .getConfig("pekko-persistence-jdbc.shared-databases.slick.db");
      // On PostgreSQL the database is shared with the classes run before: only an upload begun here counts.
      Set<String> before;
      try (var c = DriverManager.getConnection(db.getString("url"), db.getString("user"), db.getString("password"))) {
        before = FileRows.locations(c);
      }
      try (Socket slow = new Socket("127.0.0.1", node.port)) {
        // An upload that has sent half its bytes and waits: it holds the node's one slot.
        OutputStream out = slow.getOutputStream();
        out.write(("POST /api/v1/rooms/" + room + "/files?name=slow.bin&clientMsgId=s1 HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer " + alice.token + "\r\nContent-Length: 2000000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[1_000_000]);
        out.flush();
        // Once its upload is under way (its mark is in the database), the slot is taken: no other upload races it.
        TestProbe<Object> wait = TestProbe.create(node.system);
        wait.awaitAssert(Duration.ofSeconds(10), () -> {
          try (var c = DriverManager.getConnection(db.getString("url"), db.getString("user"),
              db.getString("password"))) {
            assertEquals(1, FileRows.uploadsSince(c, before), "the slow upload is under way");
          } catch (SQLException e) {
            throw new AssertionError(e);
          }
          return null;
        });
        HttpResponse<String> refused = upload(node, alice, room, "t1");
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("too_many_uploads"), refused.body());
        assertTrue(refused.body().contains(" 1 "), "the number is in the message: " + refused.body());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
      }
      // The slow client went away: its upload ended, and the slot is free again.
      TestProbe<Object> wait = TestProbe.create(node.system);
      wait.awaitAssert(Duration.ofSeconds(10), () -> {
        try {
          assertEquals(201, upload(node, alice, room, "t2").statusCode());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return null;
      });
    }
  }
}
