package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import parley.node.NodeMetrics;
import parley.node.testkit.ApiClient;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.TestNode;

/**
 * The feed keeps up while writers send as fast as they can: every message is in the index within a bound, and the
 * node's own lag timer (journal write to committed in the index) says how far behind it ran. Prints the rate and the
 * lag's quantiles for the run's database.
 */
class SearchLagUnderLoadTest {
  private static final int WRITERS = 16;
  private static final int EACH = 150;

  @Test
  void sixteenWritersAtFullSpeedAreIndexedWithinASecondAtTheNinetyNinthPercentile() throws Exception {
    try (TestNode node = TestNode.start(); SearchIndex index = SearchIndexes.open(node.system.settings().config())) {
      ApiClient alice = node.client().newUser("alice");
      List<String> rooms = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        rooms.add(alice.createRoom("{\"name\":\"load " + i + " " + alice.username + "\"}"));
      }
      // The feed's start (the read journal's first wait) is not what this measures: one message through first.
      long warm = SearchFeedTest.post(alice, rooms.get(0), "warm up");
      SearchFeedTest.awaitDocument(node, index, rooms.get(0), warm, "warm up");
      Timer lag = NodeMetrics.get(node.system).searchLag;
      long before = lag.count();
      long[] last = new long[WRITERS];
      List<Thread> writers = new ArrayList<>();
      long started = System.nanoTime();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread t = new Thread(() -> {
          ApiClient me = new ApiClient(node.http()).withToken(alice.token);
          for (int i = 0; i < EACH; i++) {
            ApiClient.Reply r = me.post("/api/v1/rooms/" + rooms.get(writer) + "/messages",
                "{\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"text\":\"load " + i + "\"}");
            assertEquals(201, r.status(), r.toString());
            last[writer] = r.body().get("seq").asLong();
          }
        }, "search-load-" + w);
        t.start();
        writers.add(t);
      }
      for (Thread t : writers) {
        t.join(TimeUnit.MINUTES.toMillis(3));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      for (int w = 0; w < WRITERS; w++) {
        SearchFeedTest.awaitDocument(node, index, rooms.get(w), last[w], "load " + (EACH - 1));
      }
      TestProbe.create(node.system).awaitAssert(Duration.ofSeconds(10), () -> {
        assertTrue(lag.count() - before >= (long) WRITERS * EACH, "every message measured: " + lag.count());
        return null;
      });
      HistogramSnapshot snapshot = lag.takeSnapshot();
      double p50 = quantile(snapshot, 0.5);
      double p99 = quantile(snapshot, 0.99);
      System.out.printf("search lag under load (%s): %d messages from %d writers at %.0f acked msgs/s; journal write "
              + "-> searchable p50 <= %.0f ms, p99 <= %.0f ms, max %.0f ms%n",
          TestDatabase.postgres() ? "PostgreSQL" : "H2", WRITERS * EACH, WRITERS, WRITERS * EACH / seconds, p50, p99,
          snapshot.max(TimeUnit.MILLISECONDS));
      // The goal is a second; the bound leaves a loaded CI host room.
      assertTrue(p99 <= 5_000, "p99 " + p99 + " ms");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The upper bound, in ms, of the histogram bucket holding quantile {@code q} (the whole run's, warm-up included). */
  private static double quantile(HistogramSnapshot snapshot, double q) {
    double wanted = snapshot.count() * q;
    for (CountAtBucket bucket : snapshot.histogramCounts()) {
      if (bucket.count() >= wanted) {
        return bucket.bucket(TimeUnit.MILLISECONDS);
      }
    }
    return snapshot.max(TimeUnit.MILLISECONDS);
  }
}
