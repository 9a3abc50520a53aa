package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.NodeProcess;
import parley.node.testkit.TestDatabase;

/**
 * The index's feed survives a kill -9 of its node in the middle of writes: after the restart every acknowledged
 * message is in the index (the feed resumes from the offset stored with its last batch; a batch read again puts the
 * same documents, by room and seq, so none is there twice).
 */
class SearchAfterKillNineTest {
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyAcknowledgedMessageIsFoundOnceAfterTheFeedsNodeIsKilledMidFeed() throws Exception {
    Path dir = Files.createTempDirectory("parley-search-kill9");
    Map<String, String> env = TestDatabase.nodeEnv(dir);
    String word = "k" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Set<Long> acked = new ConcurrentSkipListSet<>();
    CountDownLatch fortyAcked = new CountDownLatch(40);
    ApiClient alice;
    String room;
    try (NodeProcess node = NodeProcess.start(env, dir.resolve("node-0.log"))) {
      alice = new ApiClient(node.http()).newUser("alice");
      room = alice.createRoom("{\"name\":\"kill " + alice.username + "\"}");
      AtomicBoolean killed = new AtomicBoolean();
      AtomicReference<Throwable> writerFailed = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        ApiClient w = new ApiClient(node.http()).withToken(alice.token);
        for (int i = 0; i < 80 && !killed.get(); i++) {
          try {
            ApiClient.Reply r = w.post("/api/v1/rooms/" + room + "/messages",
                "{\"clientMsgId\":\"m" + i + "\",\"text\":\"entry " + i + " " + word + "\"}");
            if (r.status() == 201) {
              acked.add(r.body().get("seq").asLong());
              fortyAcked.countDown();
            } else if (!killed.get()) {
              throw new AssertionError("send " + i + " before the kill: " + r);
            }
          } catch (IllegalStateException e) {
            if (killed.get() && e.getCause() instanceof IOException) {
              return; // the kill: the connection went with the process
            }
            writerFailed.set(e);
            return;
          } catch (AssertionError e) {
            writerFailed.set(e);
            return;
          }
        }
      }, "search-kill9-writer");
      writer.start();
      // The kill comes while writes go on and the feed follows them.
      boolean forty = fortyAcked.await(Eventually.dilated(Eventually.LONG).toSeconds(), TimeUnit.SECONDS);
      killed.set(true);
      node.kill();
      writer.join(Eventually.dilated(Eventually.LONG).toMillis());
      assertFalse(writer.isAlive(), "the writer still runs after the kill");
      if (writerFailed.get() != null) {
        throw new AssertionError("the writer failed before the kill", writerFailed.get());
      }
      assertTrue(forty, "40 acknowledged before the kill, within the wait; only " + acked.size());
    }
    assertTrue(acked.size() >= 40, "acknowledged before the kill: " + acked.size());
    try (NodeProcess node = NodeProcess.start(env, dir.resolve("node-1.log"))) {
      ApiClient writer = new ApiClient(node.http()).withToken(alice.token);
      ApiClient.Reply after = writer.post("/api/v1/rooms/" + room + "/messages",
          "{\"clientMsgId\":\"after\",\"text\":\"after the kill " + word + "\"}");
      assertEquals(201, after.status(), "the first send after the restart: " + after);
      acked.add(after.body().get("seq").asLong());
      Set<Long> missing = new HashSet<>(acked);
      long deadline = Eventually.deadline(Eventually.LONG);
      try (SearchIndex tables = TestDatabase.postgres() ? SearchIndexes.open(TestDatabase.config(TestDatabase.url())
          .withFallback(ConfigFactory.load())) : null) {
        while (!missing.isEmpty() && !Eventually.passed(deadline)) {
          missing.removeIf(seq -> indexed(tables, dir, room, seq));
          if (!missing.isEmpty()) {
            // Polled: the index tells no one when it reaches a seq.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
          }
        }
      }
      assertTrue(missing.isEmpty(), "every acknowledged message is indexed after the restart; missing: " + missing);
      // And a search finds each once (the word is in every message; fewer than a page of them).
      ApiClient.Reply found = writer.get("/api/v1/search?limit=100&q=" + word);
      assertEquals(200, found.status(), found.toString());
      List<Long> seqs = new ArrayList<>();
      found.body().get("hits").forEach(hit -> seqs.add(hit.get("seq").asLong()));
      assertEquals(new HashSet<>(seqs).size(), seqs.size(), "no message found twice: " + seqs);
      assertTrue(seqs.containsAll(acked), "found: " + seqs + ", acknowledged: " + acked);
      System.out.println("search after kill -9 (" + (TestDatabase.postgres() ? "PostgreSQL" : "H2 file") + "): "
          + acked.size() + " acknowledged messages, all indexed after the restart");
    }
  }

  /**
   * Whether the committed index holds the message: on H2 read from the node's Lucene directory as it stands (a reader
   * takes no lock), on PostgreSQL from the tables.
   */
  private static boolean indexed(SearchIndex tables, Path dir, String room, long seq) {
    try {
      if (tables != null) {
        return tables.document(room, seq) != null;
      }
      Path search = dir.resolve("data").resolve("search");
      try (FSDirectory directory = FSDirectory.open(search); DirectoryReader reader = DirectoryReader.open(directory)) {
        return new IndexSearcher(reader).count(new TermQuery(new Term(LuceneSearchIndex.ID, room + ":" + seq))) == 1;
      }
    } catch (IOException e) {
      return false;
    }
  }
}
