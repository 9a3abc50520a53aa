package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.TestNode;

/**
 * The feed on a real node, fed by real sends over HTTP, read back from the node's index: a message is in the index
 * soon after its ack, an edit replaces its words, a delete, a retention floor and a deleted room take theirs away,
 * and a node started again on the same data resumes from the stored offset.
 */
class SearchFeedTest {
  static long post(ApiClient user, String room, String text) {
    ApiClient.Reply r = user.post("/api/v1/rooms/" + room + "/messages",
        "{\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"text\":\"" + text + "\"}");
    assertEquals(201, r.status(), r.toString());
    return r.body().get("seq").asLong();
  }

  /**
   * Waits until the index holds {@code seq} of {@code room} with {@code text} (null: holds nothing there). The wait
   * is a bound, not the goal (the first test prints the lag): a feed starting on a journal with gaps (rows erased by
   * other tests) waits 5 s before it reads past them.
   */
  static void awaitDocument(TestNode node, SearchIndex index, String room, long seq, String text) {
    Eventually.await("the index to hold " + room + ":" + seq + (text == null ? " no more" : " as '" + text + "'"), () -> {
      SearchDocument doc = index.document(room, seq);
      if (text == null) {
        assertNull(doc, room + ":" + seq);
      } else {
        assertNotNull(doc, room + ":" + seq);
        assertEquals(text, doc.text());
      }
      return null;
    });
  }

  @Test
  void whatIsSentEditedDeletedTrimmedAndDeletedWithItsRoomIsInTheIndexAsTheRoomHasIt() throws IOException {
    try (TestNode node = TestNode.start(); SearchIndex index = SearchIndexes.open(node.system.settings().config())) {
      ApiClient alice = node.client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"feed " + alice.username + "\"}");
      List<Long> lags = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        long seq = post(alice, room, "message " + i);
        long acked = System.nanoTime();
        awaitDocument(node, index, room, seq, "message " + i);
        lags.add((System.nanoTime() - acked) / 1_000_000);
      }
      Collections.sort(lags);
      System.out.println("search index lag, acked -> in the index, ms (" + (TestDatabase.postgres() ? "PostgreSQL"
          : "H2") + "): median " + lags.get(lags.size() / 2) + ", p90 " + lags.get(lags.size() * 9 / 10) + ", max "
          + lags.get(lags.size() - 1) + " " + lags);

      long edited = post(alice, room, "lunch at noon");
      long deleted = post(alice, room, "a secret");
      assertEquals(200, alice.patch("/api/v1/rooms/" + room + "/messages/" + edited, "{\"text\":\"lunch at one\"}")
          .status());
      assertEquals(200, alice.method("DELETE", "/api/v1/rooms/" + room + "/messages/" + deleted).status());
      awaitDocument(node, index, room, edited, "lunch at one");
      awaitDocument(node, index, room, deleted, null);

      assertEquals(200, alice.patch("/api/v1/rooms/" + room, "{\"retention\":{\"maxMessages\":10}}").status());
      long last = post(alice, room, "after the floor");
      awaitDocument(node, index, room, 2, null);
      awaitDocument(node, index, room, last, "after the floor");
      assertTrue(index.indexedThrough(Set.of(room)).get(room) >= last);

      assertEquals(204, alice.method("DELETE", "/api/v1/rooms/" + room).status());
      awaitDocument(node, index, room, last, null);
    }
  }

  /**
   * On H2 both nodes run on one in-memory database, whose index lives while anything holds it: this test does, as a
   * data directory would (the file case is SearchAfterKillNineTest's).
   */
  @Test
  void aNodeStartedAgainOnItsDataResumesFromTheStoredOffset() throws IOException {
    Config data = TestDatabase.config(TestDatabase.url());
    try (TestNode firstNode = TestNode.start(data);
        SearchIndex index = SearchIndexes.open(firstNode.system.settings().config())) {
      ApiClient alice = firstNode.client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"restart " + alice.username + "\"}");
      long first = post(alice, room, "before the restart");
      awaitDocument(firstNode, index, room, first, "before the restart");
      long offset = index.offset();
      assertTrue(offset > 0);
      firstNode.close();
      try (TestNode node = TestNode.start(data)) {
        long second = post(new ApiClient(node.http()).withToken(alice.token), room, "after the restart");
        awaitDocument(node, index, room, second, "after the restart");
        assertEquals("before the restart", index.document(room, first).text());
        assertTrue(index.offset() > offset, "resumed after " + offset + ": " + index.offset());
      }
    }
  }

  @Test
  void aRebuildReadsTheWholeJournalAgainWithProgressWhileTheNodesFeedGoesOn() throws Exception {
    try (TestNode node = TestNode.start(); SearchIndex index = SearchIndexes.open(node.system.settings().config())) {
      ApiClient alice = node.client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"rebuild " + alice.username + "\"}");
      long edited = post(alice, room, "first words");
      assertEquals(200, alice.patch("/api/v1/rooms/" + room + "/messages/" + edited, "{\"text\":\"last words\"}")
          .status());
      long last = post(alice, room, "the end");
      awaitDocument(node, index, room, last, "the end");
      java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
      long read = Reindex.run(node.system, index, new java.io.PrintStream(said, true));
      assertTrue(read >= 4, "the room's events at least: " + read);
      assertTrue(said.toString().contains("done"), said.toString());
      assertEquals("last words", index.document(room, edited).text(), "history as it reads now");
      assertEquals("the end", index.document(room, last).text());
      long after = post(alice, room, "after the rebuild");
      awaitDocument(node, index, room, after, "after the rebuild");
    }
  }
}
