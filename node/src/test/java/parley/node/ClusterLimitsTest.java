package parley.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Bytes;
import parley.node.testkit.RawHttp;
import parley.node.testkit.RawHttp.Handshake;
import parley.node.testkit.RunLog;
import parley.node.testkit.TestCluster;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/**
 * The limits protocol.md section 8 keeps "over all nodes", on three nodes (ActorSystems in one JVM forming a real
 * cluster over Artery on loopback, as {@link ClusterTest}): one user's WebSockets opened through every node count
 * together against {@code sockets-per-user}, and one user's sends through every node, by HTTP and WebSocket, draw on
 * one message bucket. And a kick made on one node reaches the kicked user's socket on another (told, and nothing more
 * of the room) and their download ticket, made on a third.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterLimitsTest {
  private static final int SOCKETS = 4;
  /** The message bucket: this many at once, and a refill so slow that no token comes back during the test. */
  private static final int BURST = 6;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final ExecutorService pool = Executors.newFixedThreadPool(9);
  private TestCluster cluster;
  private List<TestNode> nodes;

  @BeforeAll
  void start() {
    cluster = TestCluster.start(3, ConfigFactory.parseString("parley.limits.sockets-per-user = " + SOCKETS + "\n"
        + "parley.limits.messages.burst = " + BURST + "\n"
        + "parley.limits.messages.per-second = 0.001\n"));
    nodes = cluster.nodes();
  }

  @AfterAll
  void stop() {
    pool.shutdownNow();
    cluster.close();
  }

  private ApiClient via(int node, ApiClient user) {
    ApiClient c = new ApiClient(nodes.get(node).http()).withToken(user.token);
    c.username = user.username;
    return c;
  }

  private static String code(String body) throws Exception {
    return Json.mapper().readTree(body).path("error").path("code").asText();
  }

  @Test
  void handshakesRacingThroughEveryNodeOpenExactlyTheUsersSocketLimit() throws Exception {
    ApiClient mallory = nodes.get(0).client().newUser("mallory");
    List<Handshake> held = new ArrayList<>();
    try {
      // Three at once through each node: the user's entity admits them one at a time, wherever they come from.
      List<Future<Handshake>> racing = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        int port = nodes.get(i % 3).port;
        racing.add(pool.submit(() -> RawHttp.handshake(port, "127.0.0.1", mallory.token)));
      }
      List<Integer> openedOn = new ArrayList<>();
      for (int i = 0; i < racing.size(); i++) {
        Handshake h = racing.get(i).get(60, TimeUnit.SECONDS);
        held.add(h);
        if (h.status() == 101) {
          openedOn.add(i % 3);
        } else {
          assertEquals(429, h.status(), "node " + (i % 3) + ": " + h.body());
          assertEquals("too_many_sockets", code(h.body()));
        }
      }
      assertEquals(SOCKETS, openedOn.size(), "sockets opened, by node: " + openedOn);

      // Past the limit on every node, whichever holds the user's sockets.
      for (TestNode node : nodes) {
        try (Handshake refused = RawHttp.handshake(node.port, "127.0.0.1", mallory.token)) {
          assertEquals(429, refused.status(), refused.body());
          assertEquals("too_many_sockets", code(refused.body()));
        }
      }

      // A socket closed on one node gives its place back on another, and only that one place.
      int closedOn = openedOn.get(0);
      int reopenOn = (closedOn + 1) % 3;
      Handshake first = held.stream().filter(h -> h.status() == 101).findFirst().orElseThrow();
      first.close();
      held.remove(first);
      TestProbe<Object> probe = TestProbe.create(nodes.get(0).system);
      Handshake reopened = probe.awaitAssert(Duration.ofSeconds(30), () -> {
        Handshake again = RawHttp.handshake(nodes.get(reopenOn).port, "127.0.0.1", mallory.token);
        if (again.status() != 101) {
          again.close();
        }
        assertEquals(101, again.status(), "node " + reopenOn + " after a socket closed on node " + closedOn + ": "
            + again.body());
        return again;
      });
      held.add(reopened);
      for (TestNode node : nodes) {
        try (Handshake refused = RawHttp.handshake(node.port, "127.0.0.1", mallory.token)) {
          assertEquals(429, refused.status(), "the place given back was taken: " + refused.body());
        }
      }
    } finally {
      for (Handshake h : held) {
        h.close();
      }
    }
  }

  @Test
  void sendsThroughEveryNodeDrawOnOneMessageBucket() throws Exception {
    ApiClient carl = nodes.get(0).client().newUser("carl");
    String room = carl.createRoom("{\"name\":\"one bucket\"}");
    try (WsClient socket = WsClient.connect(nodes.get(1).http(), carl.token)) {
      socket.awaitType("hello");
      // The burst, spent a third through each node: HTTP through nodes 0 and 2, the socket on node 1.
      int sent = 0;
      for (int i = 0; i < BURST / 3; i++) {
        for (int node : new int[] {0, 2}) {
          ApiClient.Reply posted = via(node, carl).post("/api/v1/rooms/" + room + "/messages",
              "{\"clientMsgId\":\"h" + node + "-" + i + "\",\"text\":\"through node " + node + "\"}");
          assertEquals(201, posted.status(), posted.toString());
          sent++;
        }
        socket.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"w-" + i
            + "\",\"text\":\"through node 1\"}");
        String id = "w-" + i;
        JsonNode ack = socket.await(f -> id.equals(f.path("clientMsgId").asText()) && "ack".equals(f.path("type").asText())
            || id.equals(f.path("ref").asText()));
        assertEquals("ack", ack.path("type").asText(), ack.toString());
        sent++;
      }
      assertEquals(BURST, sent);

      // The bucket is empty, whichever node asks: a node counting on its own would let each of these through.
      for (int node : new int[] {0, 2}) {
        ApiClient.Reply refused = via(node, carl).post("/api/v1/rooms/" + room + "/messages",
            "{\"clientMsgId\":\"over-" + node + "\",\"text\":\"one too many\"}");
        assertEquals(429, refused.status(), "node " + node + ": " + refused);
        assertEquals("rate_limited", refused.code());
        assertTrue(refused.body().path("error").path("message").asText().contains("parley.limits.messages"),
            refused.toString());
      }
      // Last, as after a refusal the node reads nothing more from the socket until the wait is over.
      socket.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"over-1\",\"text\":\"one too many\"}");
      JsonNode refused = socket.await(f -> "over-1".equals(f.path("ref").asText()) || "over-1".equals(f.path("clientMsgId").asText()));
      assertEquals("error", refused.path("type").asText(), refused.toString());
      assertEquals("rate_limited", refused.path("code").asText(), refused.toString());
      assertTrue(refused.path("retryAfterMs").asLong() > 0, refused.toString());
    }
    // Nothing refused was stored: the room holds its creator's join and the burst.
    JsonNode page = via(2, carl).get("/api/v1/rooms/" + room + "/messages?limit=50").body();
    List<String> ids = new ArrayList<>();
    page.get("messages").forEach(m -> {
      if ("message".equals(m.path("kind").asText())) {
        ids.add(m.get("clientMsgId").asText());
      }
    });
    assertEquals(BURST, ids.size(), ids.toString());
    assertFalse(ids.stream().anyMatch(id -> id.startsWith("over")), ids.toString());
  }

  @Test
  void aKickOnOneNodeReachesTheSocketOnAnotherAndTheTicketMadeOnAThird() throws Exception {
    ApiClient alice = nodes.get(0).client().newUser("alice");
    ApiClient bob = nodes.get(1).client().newUser("bob");
    ApiClient carol = nodes.get(2).client().newUser("carol");
    String room = alice.createRoom("{\"name\":\"kick across\"}");
    assertEquals(200, via(1, bob).post("/api/v1/rooms/" + room + "/join", null).status());
    assertEquals(200, via(2, carol).post("/api/v1/rooms/" + room + "/join", null).status());
    byte[] bytes = Bytes.random(20_000, 7);
    ApiClient.Reply uploaded = via(0, alice).postBytes("/api/v1/rooms/" + room + "/files?name=plan.bin&clientMsgId=f1",
        bytes, "application/octet-stream");
    assertEquals(201, uploaded.status(), uploaded.toString());
    String fileId = uploaded.body().get("file").get("id").asText();

    // Bob's ticket, asked for on node 2, downloads through another node before the kick.
    ApiClient.Reply ticket = via(2, bob).post("/api/v1/files/" + fileId + "/ticket", null);
    assertEquals(200, ticket.status(), ticket.toString());
    String t = ticket.body().get("ticket").asText();
    RunLog.secret(t);
    HttpResponse<byte[]> before = download(0, fileId, t);
    assertEquals(200, before.statusCode());
    assertArrayEquals(bytes, before.body());

    // Bob's and carol's sockets on node 1; the kick on node 0.
    try (WsClient b = WsClient.connect(nodes.get(1).http(), bob.token);
        WsClient c = WsClient.connect(nodes.get(1).http(), carol.token)) {
      b.awaitType("hello");
      c.awaitType("hello");
      ApiClient.Reply kick = via(0, alice).post("/api/v1/rooms/" + room + "/kick",
          "{\"username\":\"" + bob.username + "\",\"reason\":\"testing\"}");
      assertEquals(200, kick.status(), kick.toString());
      JsonNode removed = b.await(f -> "removed".equals(f.path("type").asText()) && room.equals(f.path("room").asText()));
      assertEquals("kicked", removed.get("reason").asText());
      assertEquals(alice.username, removed.get("by").asText());
      assertEquals("testing", removed.get("text").asText());
      long kickSeq = c.await(f -> isMessage(f, room) && "kicked".equals(f.path("kind").asText())).get("seq").asLong();

      // The room goes on without him: carol, on the same node, gets what alice writes through node 2. Then a ping of
      // bob's answered: whatever of the room his session had been handed before that would have come before the pong.
      long after = via(2, alice).post("/api/v1/rooms/" + room + "/messages",
          "{\"clientMsgId\":\"a1\",\"text\":\"now that he is gone\"}").body().get("seq").asLong();
      c.await(f -> isMessage(f, room) && f.path("seq").asLong() == after);
      b.send("{\"type\":\"ping\"}");
      b.awaitType("pong");
      List<JsonNode> leaked = b.frames().stream()
          .filter(f -> isMessage(f, room) && f.path("seq").asLong() > kickSeq).toList();
      assertTrue(leaked.isEmpty(), "the room still delivers to the kicked user: " + leaked);
      assertEquals(1, b.frames().stream().filter(f -> "removed".equals(f.path("type").asText())).count(),
          "told once: " + b.frames());
      // His writes and reads of it are refused, on his socket's node and on others.
      b.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"b1\",\"text\":\"still here?\"}");
      JsonNode error = b.await(f -> "b1".equals(f.path("ref").asText()) || "b1".equals(f.path("clientMsgId").asText()));
      assertEquals("not_a_member", error.path("code").asText(), error.toString());
      assertEquals("not_a_member", via(2, bob).get("/api/v1/rooms/" + room + "/messages").code());
    }
    // The room left his list, and his ticket no longer downloads, through any node.
    JsonNode me = via(2, bob).get("/api/v1/me").body();
    me.path("rooms").forEach(r -> assertFalse(room.equals(r.path("id").asText()), "still listed: " + me));
    for (int node = 0; node < 3; node++) {
      HttpResponse<byte[]> refused = download(node, fileId, t);
      assertEquals(403, refused.statusCode(), "node " + node + " after the kick");
      assertEquals("not_a_member", code(new String(refused.body(), StandardCharsets.UTF_8)));
    }
  }

  private HttpResponse<byte[]> download(int node, String fileId, String ticket) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(nodes.get(node).http() + "/api/v1/files/" + fileId + "?ticket="
        + ticket)).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static boolean isMessage(JsonNode f, String room) {
    return "message".equals(f.path("type").asText()) && room.equals(f.path("room").asText());
  }
}
