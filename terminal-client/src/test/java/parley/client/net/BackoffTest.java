package parley.client.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void growsExponentiallyWithJitterUpToTheCapAndStartsOverAfterAReset() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), new Random(1));
    long[] ceilings = {500, 1000, 2000, 4000, 8000, 8000, 8000};
    for (long ceiling : ceilings) {
      long d = backoff.next().toMillis();
      assertTrue(d >= ceiling / 2 && d <= ceiling, d + " within [" + ceiling / 2 + ", " + ceiling + "]");
    }
    assertEquals(7, backoff.attempts());
    backoff.reset();
    assertTrue(backoff.next().toMillis() <= 500);
  }

  @Test
  void clientsDroppedTogetherDoNotComeBackTogether() {
    Set<Long> delays = new HashSet<>();
    for (int seed = 0; seed < 20; seed++) {
      Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new Random(seed));
      b.next();
      b.next();
      delays.add(b.next().toMillis());
    }
    assertTrue(delays.size() > 10, "spread: " + delays);
  }

  @Test
  void theWebSocketAddressFollowsTheServers() {
    assertEquals("ws://127.0.0.1:8080/api/v1/ws",
        WebSocketLink.webSocketUri(URI.create("http://127.0.0.1:8080")).toString());
    assertEquals("wss://chat.example:443/api/v1/ws",
        WebSocketLink.webSocketUri(URI.create("https://chat.example:443")).toString());
  }
}
