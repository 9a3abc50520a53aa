package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.RawHttp.Handshake;
import parley.node.testkit.RawHttp;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/**
 * One user cannot take the node down: sockets per user, unauthenticated connections per address and the node's
 * connection ceiling, each tried from outside over raw TCP, the way the attack was made.
 */
class ConnectionLimitsTest {

  @Test
  void aUserRacingPastTheSocketCapGetsExactlyTheCapWhileOthersChat() throws Exception {
    try (TestNode node = TestNode.start()) {
      ApiClient api = node.client();
      ApiClient mallory = api.newUser("mallory");
      ApiClient alice = api.newUser("alice");
      ApiClient bob = api.newUser("bob");
      String room = alice.createRoom("{\"name\":\"still talking\"}");
      bob.post("/api/v1/rooms/" + room + "/join", null);
      List<Handshake> held = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try (WsClient a = WsClient.connect(node.http(), alice.token); WsClient b = WsClient.connect(node.http(), bob.token)) {
        a.awaitType("hello");
        b.awaitType("hello");
        // 48 handshakes at once, from a user allowed 32.
        List<Future<Handshake>> racing = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
          racing.add(pool.submit(() -> RawHttp.handshake(node.port, "127.0.0.1", mallory.token)));
        }
        int opened = 0;
        int refused = 0;
        for (Future<Handshake> f : racing) {
          Handshake h = f.get();
          held.add(h);
          if (h.status() == 101) {
            opened++;
          } else {
            assertEquals(429, h.status(), h.body());
            JsonNode error = Json.mapper().readTree(h.body()).get("error");
            assertEquals("too_many_sockets", error.get("code").asText());
            assertTrue(error.get("message").asText().contains("32"), "the limit says its number: " + error);
            refused++;
          }
        }
        assertEquals(32, opened);
        assertEquals(16, refused);
        // Others keep chatting, and an operator's probe answers.
        a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"c1\",\"text\":\"still here\"}");
        a.await(f -> "ack".equals(f.path("type").asText()));
        b.await(f -> "message".equals(f.path("type").asText()) && "still here".equals(f.path("text").asText()));
        try (Socket probe = RawHttp.connect(node.port, "127.0.0.1")) {
          assertEquals(200, RawHttp.request(probe, "/alive").status());
        }
        // A socket closed gives its place back.
        Handshake first = held.stream().filter(h -> h.status() == 101).findFirst().orElseThrow();
        first.close();
        held.remove(first);
        TestProbe.create(node.system).awaitAssert(Duration.ofSeconds(10), () -> {
          try (Handshake again = RawHttp.handshake(node.port, "127.0.0.1", mallory.token)) {
            assertEquals(101, again.status(), again.body());
          }
          return null;
        });
      } finally {
        pool.shutdownNow();
        for (Handshake h : held) {
          h.close();
        }
      }
    }
  }

  @Test
  void oneAddressHoldsAtMostItsShareOfConnectionsThatHaveNotLoggedIn() throws Exception {
    try (TestNode node = TestNode.start(ConfigFactory.parseString("""
        parley.limits.unauthenticated-per-address = 5
        parley.limits.trusted-proxies = ["127.0.0.3"]
        """))) {
      ApiClient alice = node.client().newUser("alice");
      List<Socket> idle = new ArrayList<>();
      try {
        // Five that asked something without logging in (a page, /alive) and stay open are the address's five.
        for (int i = 0; i < 5; i++) {
          Socket asked = RawHttp.connect(node.port, "127.0.0.2");
          assertEquals(200, RawHttp.request(asked, "/alive").status());
          idle.add(asked);
        }
        // The sixth from that address is told why, and closed.
        try (Socket sixth = RawHttp.connect(node.port, "127.0.0.2")) {
          Handshake refused = RawHttp.request(sixth, "/alive");
          assertEquals(429, refused.status());
          assertEquals("too_many_connections", Json.mapper().readTree(refused.body()).get("error").get("code").asText());
          assertEquals(-1, sixth.getInputStream().read(), "then closed");
        }
        // Another address is not affected, nor is a trusted proxy, nor a WebSocket that logs in.
        try (Socket other = RawHttp.connect(node.port, "127.0.0.4")) {
          assertEquals(200, RawHttp.request(other, "/alive").status());
        }
        for (int i = 0; i < 8; i++) {
          Socket asked = RawHttp.connect(node.port, "127.0.0.3");
          assertEquals(200, RawHttp.request(asked, "/alive").status());
          idle.add(asked);
        }
        try (Socket proxied = RawHttp.connect(node.port, "127.0.0.3")) {
          assertEquals(200, RawHttp.request(proxied, "/alive").status());
        }
        // A connection that authenticates stops counting: one of the five logs in, and a sixth fits.
        Socket first = idle.get(0);
        first.getOutputStream().write(("GET /api/v1/me HTTP/1.1\r\nHost: parley\r\nAuthorization: Bearer " + alice.token
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, RawHttp.read(first).status());
        try (Socket sixth = RawHttp.connect(node.port, "127.0.0.2")) {
          assertEquals(200, RawHttp.request(sixth, "/alive").status());
        }
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
    }
  }

  /**
   * Idle sockets that send nothing cannot lock an address out: past the address's limit a newcomer pushes out the
   * oldest of them, and each is closed anyway when it has sent no request within the first-request deadline. At the
   * shipped 256, a user on the address logs in while 256 are held open.
   */
  @Test
  void idleSocketsThatSendNothingCannotKeepAnAddressesUsersOut() throws Exception {
    // The deadline out of the way: what lets the login in here is the push, not the clock.
    try (TestNode node = TestNode.start(ConfigFactory.parseString("parley.http.first-request-timeout = 10 m"))) {
      ApiClient api = node.client();
      ApiClient alice = api.newUser("alice");
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < 256; i++) {
          idle.add(RawHttp.connect(node.port, "127.0.0.5"));
        }
        long started = System.nanoTime();
        try (Socket login = RawHttp.connect(node.port, "127.0.0.5")) {
          String body = "{\"username\":\"" + alice.username + "\",\"password\":\"correct horse\"}";
          login.getOutputStream().write(("POST /api/v1/auth/login HTTP/1.1\r\nHost: parley\r\nContent-Type: "
              + "application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
              .getBytes(StandardCharsets.US_ASCII));
          Handshake answer = RawHttp.read(login);
          System.out.println("a login beside 256 idle sockets of its address: " + answer.status() + " in "
              + (System.nanoTime() - started) / 1_000_000 + " ms");
          assertEquals(200, answer.status(), answer.body());
        }
        // The oldest idle socket made room: the node closed it.
        idle.get(0).setSoTimeout(30_000);
        assertEquals(-1, idle.get(0).getInputStream().read(), "the oldest idle socket was pushed out");
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
    }
  }

  @Test
  void aConnectionThatSendsNoWholeRequestWithinTheDeadlineIsClosed() throws Exception {
    try (TestNode node = TestNode.start(ConfigFactory.parseString("parley.http.first-request-timeout = 1 s"))) {
      try (Socket silent = RawHttp.connect(node.port, "127.0.0.6");
          Socket slow = RawHttp.connect(node.port, "127.0.0.6");
          Socket prompt = RawHttp.connect(node.port, "127.0.0.6")) {
        // Half a head, never finished: slowloris.
        slow.getOutputStream().write("GET /alive HTTP/1.1\r\nHost: par".getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, RawHttp.request(prompt, "/alive").status());
        silent.setSoTimeout(30_000);
        slow.setSoTimeout(30_000);
        assertEquals(-1, silent.getInputStream().read(), "a connection that sent nothing is closed");
        assertEquals(-1, slow.getInputStream().read(), "one whose head never finished too");
        // One that asked in time is held between requests by the idle timeout (60 s), not the deadline.
        assertEquals(200, RawHttp.request(prompt, "/alive").status());
      }
    }
  }

  @Test
  void theNodeStopsAcceptingAtItsCeilingAndWebSocketsCountTowardsIt() throws Exception {
    // Every connection comes from one address here: its share is lifted, so the ceiling itself is what is met.
    try (TestNode node = TestNode.start(ConfigFactory.parseString("""
        parley.http.max-connections = 6
        parley.limits.connections-per-address = 100
        """))) {
      List<Handshake> held = new ArrayList<>();
      try {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          tokens.add(tokenOnClosedConnections(node.port, "ceiling-" + i + "-" + System.nanoTime() % 100000));
        }
        for (String token : tokens) {
          Handshake h = RawHttp.handshake(node.port, "127.0.0.1", token);
          assertEquals(101, h.status());
          held.add(h);
        }
        // The seventh connection waits in the backlog: no answer while six WebSockets are open.
        try (Socket waiting = RawHttp.connect(node.port, "127.0.0.1")) {
          waiting.getOutputStream().write("GET /alive HTTP/1.1\r\nHost: parley\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          waiting.setSoTimeout(1500);
          try {
            int b = waiting.getInputStream().read();
            throw new AssertionError("answered at the ceiling: " + b);
          } catch (SocketTimeoutException expected) {
            // still waiting, as it should
          }
          held.remove(0).close();
          assertEquals(200, RawHttp.read(waiting).status(), "accepted once a WebSocket ended");
        }
      } finally {
        for (Handshake h : held) {
          h.close();
        }
      }
    }
  }

  /** Signs a user up and logs in, each on a connection that closes after its answer (none is left holding a place). */
  private static String tokenOnClosedConnections(int port, String name) throws IOException {
    String credentials = "{\"username\":\"" + name + "\",\"password\":\"correct horse\"}";
    for (String path : List.of("/api/v1/auth/signup", "/api/v1/auth/login")) {
      try (Socket s = RawHttp.connect(port, "127.0.0.1")) {
        s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: parley\r\nConnection: close\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + credentials.length() + "\r\n\r\n" + credentials)
            .getBytes(StandardCharsets.US_ASCII));
        Handshake answer = RawHttp.read(s);
        if (path.endsWith("login")) {
          assertEquals(200, answer.status(), answer.body());
          assertEquals(-1, s.getInputStream().read(), "the server closed it");
          return Json.mapper().readTree(answer.body()).get("token").asText();
        }
        assertEquals(201, answer.status(), answer.body());
        assertEquals(-1, s.getInputStream().read(), "the server closed it");
      }
    }
    throw new IllegalStateException();
  }
}
