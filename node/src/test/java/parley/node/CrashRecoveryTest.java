package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.NodeProcess;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.WsClient;

/**
 * kill -9 a node under a steady stream of sends, restart it on the same database: every acknowledged message is at
 * its seq, the timeline has no gap and no duplicate, resent unacknowledged messages are stored once, and a reader
 * resumes by seq.
 */
class CrashRecoveryTest {

  @Test
  void acknowledgedMessagesSurviveKillNine() throws Exception {
    Path dir = Files.createTempDirectory("parley-crash");
    Map<String, String> env = TestDatabase.nodeEnv(dir);
    Map<String, Long> acked = new LinkedHashMap<>();
    List<String> sent = new ArrayList<>();
    ApiClient alice;
    ApiClient bob;
    String room;
    long bobLastSeen;
    int total = 600;
    try (NodeProcess node = NodeProcess.start(env, dir.resolve("node-1.log"))) {
      ApiClient api = new ApiClient(node.http());
      alice = api.newUser("alice");
      bob = api.newUser("bob");
      room = alice.createRoom("{\"name\":\"crash\"}");
      assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", null).status());
      WsClient reader = WsClient.connect(node.http(), bob.token);
      reader.awaitType("hello");
      WsClient writer = WsClient.connect(node.http(), alice.token);
      writer.awaitType("hello");
      // A steady stream, at most 32 sends in flight; the node dies with sends outstanding.
      for (int i = 0; i < total; i++) {
        if (i == 300) {
          writer.awaitCount(n -> "ack".equals(n.path("type").asText()), 250);
          node.kill();
          break;
        }
        String id = "c" + i;
        sent.add(id);
        writer.socket.sendText("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + id + "\",\"text\":\"m" + i + "\"}", true);
        if (i >= 32) {
          writer.awaitCount(n -> "ack".equals(n.path("type").asText()), i - 31);
        }
      }
      writer.awaitClose();
      for (JsonNode ack : writer.frames()) {
        if ("ack".equals(ack.path("type").asText())) {
          acked.put(ack.get("clientMsgId").asText(), ack.get("seq").asLong());
        }
      }
      bobLastSeen = reader.frames().stream()
          .filter(n -> "message".equals(n.path("type").asText()))
          .mapToLong(n -> n.get("seq").asLong()).max().orElse(0);
      reader.close();
      writer.close();
    }
    int ackedBeforeCrash = acked.size();
    assertTrue(ackedBeforeCrash >= 250, "acks before the crash: " + ackedBeforeCrash);

    try (NodeProcess node = NodeProcess.start(env, dir.resolve("node-2.log"))) {
      ApiClient a = new ApiClient(node.http());
      a.token = alice.token;
      // The client's outbox: everything not acknowledged is sent again with its original clientMsgId.
      for (String id : sent) {
        if (!acked.containsKey(id)) {
          var reply = a.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"" + id + "\",\"text\":\"m" + id.substring(1) + "\"}");
          assertEquals(201, reply.status(), reply.toString());
          acked.put(id, reply.body().get("seq").asLong());
        }
      }
      // Every acknowledged message is at its seq; the timeline is 1..n, no gap, no repeat.
      ApiClient b = new ApiClient(node.http());
      b.token = bob.token;
      Map<Long, String> timeline = new HashMap<>();
      long after = 0;
      boolean more = true;
      while (more) {
        JsonNode page = b.get("/api/v1/rooms/" + room + "/messages?after=" + after + "&limit=200").body();
        for (JsonNode m : page.get("messages")) {
          long seq = m.get("seq").asLong();
          assertEquals(after + 1, seq, "gap or repeat at " + seq);
          after = seq;
          timeline.put(seq, m.path("clientMsgId").asText(null));
        }
        more = page.get("hasMore").asBoolean();
      }
      long messages = timeline.values().stream().filter(id -> id != null).count();
      assertEquals(sent.size(), messages, "each sent message stored exactly once");
      acked.forEach((id, seq) -> assertEquals(id, timeline.get(seq), "acknowledged " + id + " at seq " + seq));

      // The reader resumes after the last seq it saw and gets exactly the rest: every entry after it, to the end.
      assertTrue(bobLastSeen > 0 && bobLastSeen <= after, "the reader saw entries before the crash: " + bobLastSeen);
      long expectedNext = bobLastSeen + 1;
      while (expectedNext <= after) {
        JsonNode resumed = b.get("/api/v1/rooms/" + room + "/messages?after=" + (expectedNext - 1) + "&limit=200").body();
        assertTrue(resumed.get("messages").size() > 0, "an empty page after seq " + (expectedNext - 1) + ": " + resumed);
        for (JsonNode m : resumed.get("messages")) {
          assertEquals(expectedNext++, m.get("seq").asLong());
        }
      }
      assertEquals(after, expectedNext - 1, "the resumed pages end at the room's last seq");
      JsonNode end = b.get("/api/v1/rooms/" + room + "/messages?after=" + after + "&limit=200").body();
      assertEquals(0, end.get("messages").size(), end.toString());
      assertFalse(end.get("hasMore").asBoolean(), end.toString());
      System.out.printf("crash test: %d sent, %d acknowledged before kill -9, %d resent after restart, timeline 1..%d, "
          + "0 lost, 0 duplicated, reader resumed after seq %d%n",
          sent.size(), ackedBeforeCrash, sent.size() - ackedBeforeCrash, after, bobLastSeen);
    }
  }
}
