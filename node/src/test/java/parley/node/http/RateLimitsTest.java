package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.ManualNanos;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/**
 * Rate limits, tried from outside the way an abuser would: a password guesser, a sign-up flood, a user posting
 * faster than anyone types. The node sits behind a trusted proxy (127.0.0.1 here), so each request names its client
 * address in X-Forwarded-For, as HAProxy does.
 */
class RateLimitsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A call from {@code address} through the proxy: status, Retry-After, body. */
  record Answer(int status, String retryAfter, JsonNode body) {
    String code() {
      return body.path("error").path("code").asText(null);
    }

    long retryAfterMs() {
      return body.path("error").path("retryAfterMs").asLong(-1);
    }
  }

  static Answer post(TestNode node, String address, String path, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.http() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (address != null) {
      request.header("X-Forwarded-For", address);
    }
    HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
        r.body().isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(r.body()));
  }

  static Answer login(TestNode node, String address, String user, String password) throws Exception {
    return post(node, address, "/api/v1/auth/login", "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
  }

  /** The node's limits count in a clock this test moves: a wait is exact, and waiting one out takes no time. */
  static TestNode node(String config) {
    return TestNode.asShipped(ConfigFactory.parseString(ManualNanos.CONFIG + config));
  }

  /** A client honouring retryAfterMs: the limits' time moves on by that much. */
  static void waitOut(TestNode node, long millis) {
    ManualNanos.of(node.system).advance(Duration.ofMillis(millis));
  }

  @Test
  void aGuesserIsSlowedDownWhileTheOwnerLogsInAtOnceFromElsewhere() throws Exception {
    try (TestNode node = node("""
        parley.limits.trusted-proxies = ["127.0.0.1"]
        parley.limits.login.per-account.first-wait = 400 ms
        parley.limits.login.per-address.first-wait = 400 ms
        """)) {
      String owner = node.client().newUser("owner").username;
      String guesser = "203.0.113.7";
      for (int i = 1; i <= 5; i++) {
        Answer a = login(node, guesser, owner, "guess " + i);
        assertEquals(401, a.status(), "guess " + i + " is checked: " + a.body());
        assertEquals("bad_credentials", a.code());
      }
      // The 6th, with no time gone by: not even checked, and told when to come back.
      Answer held = login(node, guesser, owner, "correct horse");
      assertEquals(429, held.status(), held.body().toString());
      assertEquals("rate_limited", held.code());
      assertEquals(400, held.retryAfterMs(), held.body().toString());
      assertEquals("1", held.retryAfter(), "Retry-After in whole seconds, rounded up");

      // No such user is no special case: bad credentials, not a hint that the name is free.
      assertEquals(401, login(node, "198.51.100.21", "nobody-at-all", "whatever123").status());
      // The owner, from an address with no failures, is not held back by the account's failures.
      Answer ownerLogin = login(node, "198.51.100.20", owner, "correct horse");
      assertEquals(200, ownerLogin.status(), ownerLogin.body().toString());

      // A second guesser address: its first wrong guess is checked (it had no failure), then the account's failures
      // hold it back too.
      String other = "198.51.100.99";
      assertEquals(401, login(node, other, owner, "guess 6").status());
      Answer second = login(node, other, owner, "guess 7");
      assertEquals(429, second.status(), second.body().toString());
      assertTrue(second.body().path("error").path("message").asText().contains("this account"));

      // Waiting out the wait (the address's, then the account's, which failed again since) buys one guess, and the
      // next wait is longer.
      Answer next = held;
      for (int tries = 0; tries < 5 && next.status() == 429; tries++) {
        waitOut(node, next.retryAfterMs());
        next = login(node, guesser, owner, "guess 8");
      }
      assertEquals(401, next.status(), next.body().toString());
      Answer longer = login(node, guesser, owner, "guess 9");
      assertEquals(429, longer.status());
      assertTrue(longer.retryAfterMs() > 400, "the 7th failure of the address waits 4 x 400 ms: " + longer.body());
    }
  }

  @Test
  void anAddressSprayingManyAccountsIsSlowedAndXForwardedForIsOnlyTakenFromTrustedProxies() throws Exception {
    // No trusted proxy: a client's own X-Forwarded-For changes nothing.
    try (TestNode node = node("""
        parley.limits.login.per-address.free-failures = 5
        parley.limits.login.per-address.first-wait = 30 s
        """)) {
      ApiClient api = node.client();
      List<String> victims = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        victims.add(api.newUser("victim").username);
      }
      for (int i = 0; i < 5; i++) {
        assertEquals(401, login(node, "10.0.0." + i, victims.get(i), "password1").status());
      }
      Answer held = login(node, "10.0.0.99", victims.get(5), "password1");
      assertEquals(429, held.status(), "five failures from 127.0.0.1 over five accounts: " + held.body());
      assertEquals(30_000, held.retryAfterMs(), held.body().toString());
      assertEquals("30", held.retryAfter());
    }
  }

  @Test
  void signUpsFromOneAddressAreCountedAndOthersAreNot() throws Exception {
    try (TestNode node = node("""
        parley.limits.trusted-proxies = ["127.0.0.1"]
        parley.limits.signup.burst = 3
        parley.limits.signup.per-hour = 2
        """)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(201, signup(node, "192.0.2.1").status());
      }
      Answer refused = signup(node, "192.0.2.1");
      assertEquals(429, refused.status());
      assertEquals("rate_limited", refused.code());
      // 2 an hour: the next one in up to 30 minutes.
      assertEquals(30 * 60_000, refused.retryAfterMs(), refused.body().toString());
      assertTrue(refused.body().path("error").path("message").asText().contains("parley.limits.signup"));
      assertEquals(201, signup(node, "192.0.2.2").status(), "another address signs up");
      // A bad request costs nothing.
      assertEquals(400, post(node, "192.0.2.3", "/api/v1/auth/signup", "{\"username\":\"x\",\"password\":\"y\"}").status());
      for (int i = 0; i < 2; i++) {
        assertEquals(201, signup(node, "192.0.2.3").status());
      }
      // An IPv6 client is counted by its /64: new addresses in it do not buy new sign-ups.
      for (int i = 1; i <= 3; i++) {
        assertEquals(201, signup(node, "2001:db8:1:2::" + i).status());
      }
      assertEquals(429, signup(node, "2001:db8:1:2:ffff::9").status());
      assertEquals(201, signup(node, "2001:db8:1:3::1").status());
    }
  }

  private static Answer signup(TestNode node, String address) throws Exception {
    String name = "u" + UUID.randomUUID().toString().substring(0, 8);
    return post(node, address, "/api/v1/auth/signup", "{\"username\":\"" + name + "\",\"password\":\"correct horse\"}");
  }

  @Test
  void aUserSendingFasterThanTheBucketIsToldWhenToResendAndTheResendIsStoredOnce() throws Exception {
    try (TestNode node = node("""
        parley.limits.signup.burst = 100
        parley.limits.messages.burst = 30
        parley.limits.messages.per-second = 10
        """)) {
      ApiClient api = node.client();
      ApiClient flooder = api.newUser("flooder");
      ApiClient bob = api.newUser("bob");
      String room = flooder.createRoom("{\"name\":\"flood\"}");
      bob.post("/api/v1/rooms/" + room + "/join", null);
      // Two connections of the same user share one bucket.
      try (WsClient a = WsClient.connect(node.http(), flooder.token); WsClient a2 = WsClient.connect(node.http(), flooder.token);
          WsClient b = WsClient.connect(node.http(), bob.token)) {
        a.awaitType("hello");
        a2.awaitType("hello");
        b.awaitType("hello");
        for (int i = 1; i <= 40; i++) {
          (i % 2 == 0 ? a : a2).send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"f-" + i
              + "\",\"text\":\"flood " + i + "\"}");
        }
        Predicate<JsonNode> answer = n -> isAck(n) || isLimited(n);
        a.awaitCount(answer, 20);
        a2.awaitCount(answer, 20);
        List<JsonNode> all = new ArrayList<>(a.frames());
        all.addAll(a2.frames());
        long stored = all.stream().filter(RateLimitsTest::isAck).count();
        long refused = all.stream().filter(RateLimitsTest::isLimited).count();
        // The burst and not one more: no time went by for the bucket to refill.
        assertEquals(30, stored, stored + " stored, " + refused + " refused");
        assertEquals(10, refused);
        JsonNode refusal = all.stream().filter(RateLimitsTest::isLimited).reduce((x, y) -> y).orElseThrow();
        assertEquals(100, refusal.path("retryAfterMs").asLong(), refusal.toString());
        assertTrue(refusal.path("message").asText().contains("parley.limits.messages"));

        // The client honours retryAfterMs and resends the same clientMsgId: stored once, the socket still open.
        String ref = refusal.path("ref").asText();
        assertTrue(ref.startsWith("f-"));
        WsClient sender = Integer.parseInt(ref.substring(2)) % 2 == 0 ? a : a2;
        JsonNode outcome = refusal;
        for (int tries = 0; tries < 5 && isLimited(outcome); tries++) {
          waitOut(node, outcome.path("retryAfterMs").asLong());
          Predicate<JsonNode> aboutRef =
              n -> (isAck(n) || isLimited(n)) && ref.equals(n.path(isAck(n) ? "clientMsgId" : "ref").asText());
          long before = sender.frames().stream().filter(aboutRef).count();
          sender.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + ref + "\",\"text\":\"again\"}");
          sender.awaitCount(aboutRef, before + 1);
          outcome = sender.frames().stream().filter(aboutRef).reduce((x, y) -> y).orElseThrow();
        }
        assertTrue(isAck(outcome), outcome.toString());
        assertEquals(2 + stored + 1, outcome.path("seq").asLong(), "the resend took the next seq: no gap, no copy");
        assertFalse(sender.closed.isDone());
        // Bob, who sent nothing, is not limited by the flooder: over HTTP he posts at once.
        assertEquals(201, bob.post("/api/v1/rooms/" + room + "/messages",
            "{\"clientMsgId\":\"bob-1\",\"text\":\"calm down\"}").status());
      }
      // HTTP posts draw from the same bucket: drained, they get 429 with Retry-After.
      ApiClient.Reply last = null;
      for (int i = 0; i < 200 && (last == null || last.status() == 201); i++) {
        last = flooder.post("/api/v1/rooms/" + room + "/messages", "{\"clientMsgId\":\"h-" + i + "\",\"text\":\"x\"}");
      }
      assertNotNull(last);
      assertEquals(429, last.status(), last.body().toString());
      assertEquals("rate_limited", last.code());
      assertTrue(last.body().path("error").path("retryAfterMs").asLong() > 0);
    }
  }

  @Test
  void aConnectionRefusedForItsRateIsNotReadUntilItMaySendAgain() throws Exception {
    try (TestNode node = node("""
        parley.limits.signup.burst = 100
        parley.limits.messages.burst = 1
        parley.limits.messages.per-second = 0.5
        """)) {
      ApiClient flooder = node.client().newUser("flooder");
      String room = flooder.createRoom("{\"name\":\"slow down\"}");
      try (WsClient a = WsClient.connect(node.http(), flooder.token)) {
        a.awaitType("hello");
        a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"p-1\",\"text\":\"one\"}");
        // The pause starts when the node refuses p-2, which is after this: the pong can come no sooner than the
        // whole pause after it, however late any frame reaches this client.
        long beforeRefused = System.nanoTime();
        a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"p-2\",\"text\":\"two\"}");
        JsonNode refused = a.await(RateLimitsTest::isLimited);
        long wait = refused.path("retryAfterMs").asLong();
        assertEquals(2000, wait, refused.toString());
        // Sent now, read only once the pause is over: TCP holds the flooder back, not a parse and an error per frame.
        a.send("{\"type\":\"ping\"}");
        a.awaitType("pong");
        long tookMs = (System.nanoTime() - beforeRefused) / 1_000_000;
        assertTrue(tookMs >= wait, "the ping was read " + tookMs + " ms after p-2 was sent, in a " + wait + " ms pause");
        assertFalse(a.closed.isDone());
      }
    }
  }

  private static boolean isAck(JsonNode n) {
    return "ack".equals(n.path("type").asText());
  }

  private static boolean isLimited(JsonNode n) {
    return "error".equals(n.path("type").asText()) && "rate_limited".equals(n.path("code").asText());
  }

  @Test
  void receiptFramesPastTheirBucketAreDroppedWithAnErrorAndTheConnectionLives() throws Exception {
    try (TestNode node = TestNode.start(ConfigFactory.parseString(ManualNanos.CONFIG + """
        parley.limits.receipts.burst = 3
        parley.limits.receipts.per-second = 0.5
        """))) {
      ApiClient alice = node.client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"markers\"}");
      try (WsClient a = WsClient.connect(node.http(), alice.token)) {
        a.awaitType("hello");
        for (int i = 0; i < 4; i++) {
          a.send("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":1}");
        }
        JsonNode refused = a.await(RateLimitsTest::isLimited);
        assertEquals(2000, refused.path("retryAfterMs").asLong(), refused.toString());
        assertTrue(refused.path("message").asText().contains("parley.limits.receipts"));
        a.send("{\"type\":\"ping\"}");
        a.awaitType("pong");
      }
    }
  }
}
