package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import parley.node.room.ChatRoom;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Bytes;
import parley.node.testkit.TestCluster;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;
import parley.node.user.UserAccount;

/** Three nodes (ActorSystems) in one JVM forming a real cluster over Artery on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  private TestCluster cluster;
  private List<TestNode> nodes;

  @BeforeAll
  void start() {
    // alice creates 30 rooms below so that shards land on every node: more than one user's hourly default.
    // Typing that outlives any wait of a test: a stop seen is one a test caused, never the indicator's expiry.
    cluster = TestCluster.start(3, ConfigFactory.parseString("""
        parley.limits.rooms-per-window = 100
        parley.typing.expires-after = 120 s
        """));
    nodes = cluster.nodes();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private static boolean isMessage(JsonNode n, String room) {
    return "message".equals(n.path("type").asText()) && room.equals(n.path("room").asText());
  }

  @Test
  void roomsSpreadOverAllNodesAndClientsOnDifferentNodesTalk() {
    ApiClient alice = nodes.get(0).client().newUser("alice");
    ApiClient bob = new ApiClient(nodes.get(1).http()).newUser("bob");
    ApiClient carol = new ApiClient(nodes.get(2).http()).newUser("carol");
    // Many rooms, created through every node: the shards land on all three.
    List<String> rooms = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ApiClient via = new ApiClient(nodes.get(i % 3).http());
      via.token = alice.token;
      rooms.add(via.createRoom("{\"name\":\"spread " + i + "\"}"));
    }
    for (TestNode node : nodes) {
      TestProbe<ShardRegion.CurrentShardRegionState> p = TestProbe.create(node.system);
      ClusterSharding.get(node.system).shardState().tell(new GetShardRegionState(ChatRoom.ENTITY_KEY, p.ref()));
      assertTrue(!p.receiveMessage(Duration.ofSeconds(10)).getShards().isEmpty(), "a node hosts no room shard");
    }

    String room = rooms.get(7);
    bob.post("/api/v1/rooms/" + room + "/join", null);
    carol.post("/api/v1/rooms/" + room + "/join", null);
    try (WsClient a = WsClient.connect(nodes.get(0).http(), alice.token);
        WsClient b = WsClient.connect(nodes.get(1).http(), bob.token);
        WsClient c = WsClient.connect(nodes.get(2).http(), carol.token)) {
      a.awaitType("hello");
      b.awaitType("hello");
      c.awaitType("hello");
      int perClient = 20;
      for (int i = 0; i < perClient; i++) {
        a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"a" + i + "\",\"text\":\"from alice\"}");
        b.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"b" + i + "\",\"text\":\"from bob\"}");
        c.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"c" + i + "\",\"text\":\"from carol\"}");
      }
      long lastSeq = 3 + 3L * perClient;
      for (WsClient ws : List.of(a, b, c)) {
        ws.await(n -> isMessage(n, room) && n.get("seq").asLong() == lastSeq);
        List<Long> seqs = ws.frames().stream().filter(n -> isMessage(n, room)).map(n -> n.get("seq").asLong()).toList();
        List<Long> expected = new ArrayList<>();
        for (long s = 4; s <= lastSeq; s++) {
          expected.add(s);
        }
        assertEquals(expected, seqs, "every client sees every entry once, in seq order");
      }
    }
  }

  @Test
  void anAccountDeactivatedThroughOneNodeLosesItsSocketsOnEveryNode() {
    ApiClient boss = nodes.get(0).client().newUser("boss");
    parley.node.admin.ServerAdmin.get(nodes.get(0).system).grant(boss.username, "test").toCompletableFuture().join();
    ApiClient bob = new ApiClient(nodes.get(2).http()).newUser("bob");
    List<WsClient> sockets = new ArrayList<>();
    for (TestNode n : nodes) {
      WsClient socket = WsClient.connect(n.http(), bob.token);
      socket.awaitType("hello");
      sockets.add(socket);
    }
    long asked = System.nanoTime();
    ApiClient.Reply off = new ApiClient(nodes.get(1).http()).withToken(boss.token)
        .post("/api/v1/admin/users/" + bob.username + "/deactivate", null);
    assertEquals(204, off.status(), off.toString());
    List<Long> closedAfterMs = new ArrayList<>();
    for (WsClient socket : sockets) {
      socket.awaitClose();
      closedAfterMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked));
    }
    // What it took, for the record (docs/protocol.md states no bound; the test waits on the closes themselves).
    System.out.println("deactivation closed bob's sockets on 3 nodes after " + closedAfterMs + " ms");
    assertEquals(401, new ApiClient(nodes.get(0).http()).withToken(bob.token).get("/api/v1/me").status());
    assertEquals("account_deactivated", new ApiClient(nodes.get(2).http()).login(bob.username, "correct horse").code());
  }

  @Test
  void presenceCrossesNodes() {
    ApiClient alice = nodes.get(0).client().newUser("alice");
    ApiClient bob = new ApiClient(nodes.get(2).http()).newUser("bob");
    String room = alice.createRoom("{\"name\":\"presence\"}");
    bob.post("/api/v1/rooms/" + room + "/join", null);
    try (WsClient a = WsClient.connect(nodes.get(0).http(), alice.token)) {
      a.awaitType("hello");
      WsClient b = WsClient.connect(nodes.get(2).http(), bob.token);
      b.awaitType("hello");
      a.awaitPresence(bob.username, true);
      b.close();
      a.awaitPresence(bob.username, false);
    }
  }

  @Test
  void typingMentionsAndReceiptsCrossNodes() {
    ApiClient alice = nodes.get(0).client().newUser("alice");
    ApiClient bob = new ApiClient(nodes.get(2).http()).newUser("bob");
    String room = alice.createRoom("{\"name\":\"typing across\"}");
    bob.post("/api/v1/rooms/" + room + "/join", null);
    try (WsClient b = WsClient.connect(nodes.get(2).http(), bob.token)) {
      b.awaitType("hello");
      WsClient a = WsClient.connect(nodes.get(0).http(), alice.token);
      a.awaitType("hello");
      a.send("{\"type\":\"typing\",\"room\":\"" + room + "\"}");
      JsonNode typing = b.await(n -> "typing".equals(n.path("type").asText()) && !n.path("stop").asBoolean(false));
      assertEquals(alice.username, typing.get("username").asText());
      // A mention written through node 0 notifies bob on node 2, and the receipt of his delivery comes back.
      a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"n1\",\"text\":\"@" + bob.username
          + " see this\"}");
      assertEquals("mention", b.awaitType("notification").get("kind").asText());
      // A client says delivered for what it holds: the message itself comes by the room's hub, the notification by
      // bob's user entity, and either may come first (a delivered past what the socket has is lowered to it).
      b.await(n -> "message".equals(n.path("type").asText()) && n.path("seq").asLong() == 3);
      b.send("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":3}");
      a.await(n -> "receipt".equals(n.path("type").asText()) && bob.username.equals(n.path("username").asText())
          && n.path("deliveredSeq").asLong() == 3);
      // Her send ended her typing; she types again, her client repeating it as clients do until the room relays it
      // (at most once a period).
      b.await(n -> "typing".equals(n.path("type").asText()) && n.path("stop").asBoolean(false));
      Predicate<JsonNode> start =
          n -> "typing".equals(n.path("type").asText()) && !n.path("stop").asBoolean(false);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (b.frames().stream().filter(start).count() < 2) {
        assertTrue(System.nanoTime() < deadline, "typing again not relayed within 15 s");
        a.send("{\"type\":\"typing\",\"room\":\"" + room + "\"}");
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
      }
      JsonNode again = b.await(start);
      a.close();
      // Her last connection closed: the room says she stopped, long before the indicator's expiry (120 s here).
      b.await(n -> "typing".equals(n.path("type").asText()) && n.path("stop").asBoolean(false));
      assertTrue(Instant.now().isBefore(Instant.parse(again.get("expiresAt").asText())),
          "ended by going offline, before the indicator's expiry");
      b.awaitPresence(alice.username, false);
    }
  }

  @Test
  void aFileUploadedOnOneNodeAppearsOnAnotherAndDownloadsThereWithTheSameSha256() throws Exception {
    ApiClient alice = nodes.get(0).client().newUser("alice");
    ApiClient carol = new ApiClient(nodes.get(2).http()).newUser("carol");
    String room = alice.createRoom("{\"name\":\"files across\"}");
    carol.post("/api/v1/rooms/" + room + "/join", null);
    byte[] bytes = Bytes.random(700_001, 77);
    var http = HttpClient.newHttpClient();
    try (WsClient c = WsClient.connect(nodes.get(2).http(), carol.token)) {
      c.awaitType("hello");
      var posted = http.send(HttpRequest.newBuilder(URI.create(nodes.get(0).http()
              + "/api/v1/rooms/" + room + "/files?name=across.bin&clientMsgId=x1"))
          .header("Authorization", "Bearer " + alice.token)
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(201, posted.statusCode(), posted.body());
      JsonNode seen = c.await(n -> isMessage(n, room) && "file".equals(n.path("kind").asText()));
      String id = seen.get("file").get("id").asText();
      var got = http.send(HttpRequest.newBuilder(URI.create(nodes.get(2).http()
              + "/api/v1/files/" + id)).header("Authorization", "Bearer " + carol.token).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, got.statusCode());
      assertEquals(Bytes.sha256(bytes), Bytes.sha256(got.body()));
      assertEquals(seen.get("file").get("sha256").asText(), Bytes.sha256(got.body()));
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void aNodeThatLeavesHandsItsRoomsOffWithNothingLostOrDoubled() {
    // Stops the third node, so it runs last.
    ApiClient alice = nodes.get(0).client().newUser("alice");
    ApiClient bob = new ApiClient(nodes.get(1).http()).newUser("bob");
    List<String> rooms = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String room = alice.createRoom("{\"name\":\"handoff " + i + "\"}");
      bob.post("/api/v1/rooms/" + room + "/join", null);
      rooms.add(room);
    }
    // Two users whose entities live on the node that leaves, with sockets on the nodes that stay: each session
    // watches its user's incarnation and registers with the next one, so logout still closes their sockets.
    List<ApiClient> movers = new ArrayList<>();
    for (int i = 0; movers.size() < 2 && i < 60; i++) {
      ApiClient user = new ApiClient(nodes.get(i % 2).http()).newUser("mover");
      if (userEntitiesOn(nodes.get(2)).contains(user.username)) {
        movers.add(user);
      }
    }
    assertEquals(2, movers.size(), "no user entity landed on the node that leaves");
    try (WsClient a = WsClient.connect(nodes.get(0).http(), alice.token);
        WsClient b = WsClient.connect(nodes.get(1).http(), bob.token);
        WsClient m0 = WsClient.connect(nodes.get(0).http(), movers.get(0).token);
        WsClient m1 = WsClient.connect(nodes.get(1).http(), movers.get(1).token)) {
      a.awaitType("hello");
      b.awaitType("hello");
      m0.awaitType("hello");
      m1.awaitType("hello");
      int rounds = 10;
      for (int r = 0; r < rounds; r++) {
        if (r == rounds / 2) {
          nodes.get(2).close();
        }
        for (String room : rooms) {
          a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + room + "-" + r + "\",\"text\":\"round " + r + "\"}");
        }
        // Waiting on acks keeps the stream steady and lets the handoff happen under it.
        a.awaitCount(n -> "ack".equals(n.path("type").asText()), (long) (r + 1) * rooms.size());
      }
      Set<String> acked = new HashSet<>();
      for (JsonNode n : a.frames()) {
        if ("ack".equals(n.path("type").asText())) {
          acked.add(n.get("room").asText() + "@" + n.get("seq").asLong());
        }
      }
      assertEquals(rounds * rooms.size(), acked.size());
      for (String room : rooms) {
        long last = 2 + rounds;
        b.await(n -> isMessage(n, room) && n.get("seq").asLong() == last);
        List<Long> seqs = b.frames().stream().filter(n -> isMessage(n, room)).map(n -> n.get("seq").asLong()).toList();
        List<Long> expected = new ArrayList<>();
        for (long s = 3; s <= last; s++) {
          expected.add(s);
        }
        assertEquals(expected, seqs, "room " + room + " on bob's socket");
        JsonNode page = bob.get("/api/v1/rooms/" + room + "/messages?after=0").body();
        assertEquals(last, page.get("messages").size());
      }
      // Nothing else asks for the movers: their sessions registering again is what starts their next incarnations.
      TestProbe<Object> probe = TestProbe.create(nodes.get(0).system);
      for (ApiClient mover : movers) {
        probe.awaitAssert(Duration.ofSeconds(30), () -> {
          Set<String> staying = userEntitiesOn(nodes.get(0));
          staying.addAll(userEntitiesOn(nodes.get(1)));
          assertTrue(staying.contains(mover.username), mover.username + " has no incarnation on the nodes that stay");
          return null;
        });
      }
      assertEquals(204, movers.get(0).post("/api/v1/auth/logout", null).status());
      assertEquals(204, movers.get(1).post("/api/v1/auth/logout", null).status());
      assertEquals(4001, m0.awaitClose().code(), "logout after the user's entity moved");
      assertEquals(4001, m1.awaitClose().code(), "logout after the user's entity moved");
    }
  }

  /** The user entities a node hosts now (entity ids are lower-cased usernames). */
  private static Set<String> userEntitiesOn(TestNode node) {
    TestProbe<ShardRegion.CurrentShardRegionState> p = TestProbe.create(node.system);
    ClusterSharding.get(node.system).shardState().tell(new GetShardRegionState(UserAccount.ENTITY_KEY, p.ref()));
    Set<String> ids = new HashSet<>();
    for (var shard : p.receiveMessage(Duration.ofSeconds(10)).getShards()) {
      ids.addAll(shard.getEntityIds());
    }
    return ids;
  }
}
