package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;

/** What an operator scrapes: the node's series move with what users do, on the management port. */
class MetricsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String scrape(int port) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    return r.body();
  }

  /** The value of the first sample whose line starts with {@code series} (name and labels), or -1. */
  private static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  /** The sum over every label set of {@code series} (one pool's gauge, say Eden's right after a collection, may be 0). */
  private static double total(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  /** Scrapes until {@code ok} holds (the series move a little after what moved them); the last scrape says why not. */
  private static String scrapeUntil(int port, String what, Predicate<String> ok) {
    return Eventually.await("the metrics to show " + what, () -> {
      String text = scrape(port);
      assertTrue(ok.test(text), text);
      return text;
    });
  }

  @Test
  void theSeriesMoveWithWhatUsersDo() throws Exception {
    try (TestNode node = TestNode.start(ConfigFactory.parseString("parley.limits.receipts.burst = 1"))) {
      NodeMetrics metrics = NodeMetrics.get(node.system);
      int port = metrics.port();
      assertTrue(port > 0, "served on a port of its own, bound before the API answers");
      ApiClient alice = node.client().newUser("alice");
      ApiClient bob = node.client().newUser("bob");
      String room = alice.createRoom("{\"name\":\"measured\"}");
      bob.post("/api/v1/rooms/" + room + "/join", null);
      try (WsClient a = WsClient.connect(node.http(), alice.token); WsClient b = WsClient.connect(node.http(), bob.token)) {
        a.awaitType("hello");
        b.awaitType("hello");
        for (int i = 0; i < 3; i++) {
          a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"m" + i + "\",\"text\":\"hi " + i + "\"}");
        }
        a.awaitCount(n -> "ack".equals(n.path("type").asText()), 3);
        b.awaitCount(n -> "message".equals(n.path("type").asText()) && n.path("text").asText().startsWith("hi"), 3);
        b.send("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":1}");
        b.send("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":2}");
        b.await(n -> "rate_limited".equals(n.path("code").asText()));

        String text = scrapeUntil(port, "the room and both users in memory, both sockets open",
            t -> value(t, "parley_entities_in_memory{type=\"room\"}") >= 1
                && value(t, "parley_entities_in_memory{type=\"user\"}") >= 2 && value(t, "parley_sessions_open") == 2
                && value(t, "parley_presence_users_connected") == 2 && value(t, "parley_deliveries_total") >= 6
                && value(t, "parley_rate_limited_total{kind=\"receipts\"}") >= 1);
        assertTrue(value(text, "parley_entities_in_memory{type=\"room\"}") >= 1, text);
        assertEquals(2, value(text, "parley_sessions_open"));
        assertEquals(2, value(text, "parley_presence_users_connected"));
        assertTrue(value(text, "parley_sends_total") >= 3, text);
        assertTrue(value(text, "parley_deliveries_total") >= 6, "3 messages to 2 sockets");
        assertTrue(value(text, "parley_ack_latency_seconds_count") >= 3);
        assertTrue(text.contains("parley_ack_latency_seconds_bucket{le="), "a histogram, for quantiles across nodes");
        assertTrue(value(text, "parley_delivery_latency_seconds_count") >= 3);
        assertTrue(value(text, "parley_journal_write_seconds_count") >= 1);
        assertTrue(value(text, "parley_rate_limited_total{kind=\"receipts\"}") >= 1, text);
        assertTrue(value(text, "parley_entities_in_memory{type=\"user\"}") >= 2);
        assertEquals(1, value(text, "parley_cluster_members{status=\"up\"}"));
        assertTrue(total(text, "jvm_memory_used_bytes") > 0, "the JVM binders");
        assertTrue(value(text, "process_files_open_files") > 0);
      }
      String after = scrapeUntil(port, "no socket open", t -> value(t, "parley_sessions_open") == 0);
      assertEquals(0, value(after, "parley_sessions_open"));
      assertTrue(after.contains("parley_websocket_closes_total{code=\""), after);
      assertTrue(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/me")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode() == 404, "the management port serves metrics only");
    }
  }
}
