package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import parley.node.NodeMetrics;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.TestNode;

/**
 * The feed keeps its promise while writers send as fast as they can: every acknowledged message ends up in the index,
 * and the node's lag timer (journal write to committed in the index) measured every one. How far behind the feed ran
 * is printed, not bounded: that figure is the search benchmark's ({@code ./parley bench search}, docs/benchmarks.md),
 * where the limit and the peer are measured beside it; a loaded CI host says nothing about it.
 */
class SearchLagUnderLoadTest {
  private static final int WRITERS = 16;
  private static final int EACH = 150;

  @Test
  void sixteenWritersAtFullSpeedAreAllIndexedAndEveryMessageIsMeasured() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
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
      long started = System.nanoTime();
      List<Future<Long>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        String room = rooms.get(w);
        writers.add(pool.submit(() -> {
          ApiClient me = new ApiClient(node.http()).withToken(alice.token);
          long last = 0;
          for (int i = 0; i < EACH; i++) {
            ApiClient.Reply r = me.post("/api/v1/rooms/" + room + "/messages",
                "{\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"text\":\"load " + i + "\"}");
            assertEquals(201, r.status(), "send " + i + " of " + EACH + " to " + room + ": " + r);
            last = r.body().get("seq").asLong();
          }
          return last;
        }));
      }
      // Each writer's last seq, or its failure (an assertion in the writer rethrown here, with its message).
      List<Long> last = new ArrayList<>();
      for (Future<Long> writer : writers) {
        last.add(writer.get(Eventually.dilated(Eventually.LONG.multipliedBy(3)).toSeconds(), TimeUnit.SECONDS));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      for (int w = 0; w < WRITERS; w++) {
        SearchFeedTest.awaitDocument(node, index, rooms.get(w), last.get(w), "load " + (EACH - 1));
      }
      Eventually.await("the lag timer to have measured every message", () -> {
        assertTrue(lag.count() - before >= (long) WRITERS * EACH, "measured " + (lag.count() - before));
        return null;
      });
      HistogramSnapshot snapshot = lag.takeSnapshot();
      System.out.printf("search lag under load (%s): %d messages from %d writers at %.0f acked msgs/s; journal write "
              + "-> searchable mean %.0f ms, max %.0f ms (a test's figure on a shared host; the goal is measured by "
              + "./parley bench search)%n",
          TestDatabase.postgres() ? "PostgreSQL" : "H2", WRITERS * EACH, WRITERS, WRITERS * EACH / seconds,
          snapshot.mean(TimeUnit.MILLISECONDS), snapshot.max(TimeUnit.MILLISECONDS));
    } catch (IOException e) {
      throw new AssertionError(e);
    } finally {
      pool.shutdownNow();
    }
  }
}
