package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import parley.node.Migrations;
import parley.node.testkit.TestDatabase;

/**
 * The index on the suite's database (Lucene in a directory on H2, the tables on PostgreSQL): a batch and its position
 * are stored together and survive the index's closing; a feed behind the stored offset changes nothing; removals by
 * seq, floor, room and sender take exactly theirs.
 */
class SearchIndexBackendTest {
  private static final Instant T = Instant.parse("2026-11-27T12:00:00Z");
  private final String feed = "test-" + UUID.randomUUID();
  private final Path dir;
  private final Config config;

  SearchIndexBackendTest() throws IOException {
    dir = Files.createTempDirectory("parley-search-index");
    config = TestDatabase.config(TestDatabase.url()).withFallback(ConfigFactory.load());
    if (TestDatabase.postgres()) {
      Migrations.run(config);
    }
  }

  /** A fresh handle on the same index, as a node's restart opens it. */
  private SearchIndex open() throws IOException {
    if (!TestDatabase.postgres()) {
      return LuceneSearchIndex.open(dir, SearchAnalysis.analyzer());
    }
    String db = "pekko-persistence-jdbc.shared-databases.slick.db.";
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(config.getString(db + "url"));
    hc.setUsername(config.getString(db + "user"));
    hc.setPassword(config.getString(db + "password"));
    hc.setMaximumPoolSize(2);
    return new PostgresSearchIndex(new HikariDataSource(hc), feed);
  }

  private static SearchChange put(String room, long seq, String sender, String text) {
    return new SearchChange.Put(new SearchDocument(room, seq, sender, T.plusSeconds(seq), text, null, List.of()));
  }

  @Test
  void aBatchAndItsPositionAreStoredTogetherAndSurviveAReopen() throws IOException {
    String room = "r" + UUID.randomUUID();
    try (SearchIndex index = open()) {
      long start = index.offset();
      index.apply(List.of(put(room, 1, "alice", "hello there"), new SearchChange.Put(new SearchDocument(room, 2, "Bob",
          T, "see https://example.org", "plan.pdf", List.of("Alice")))), start, new IndexPosition(start + 7,
          Map.of(room, 3L)));
      assertThrows(SearchIndex.StaleOffset.class, () -> index.apply(List.of(put(room, 9, "eve", "late")), start,
          new IndexPosition(start + 9, Map.of(room, 9L))), "a feed behind the stored offset");
    }
    try (SearchIndex index = open()) {
      assertEquals(Map.of(room, 3L), index.indexedThrough(Set.of(room, "elsewhere")));
      SearchDocument file = index.document(room, 2);
      assertEquals("bob", file.sender());
      assertEquals("plan.pdf", file.fileName());
      assertEquals(List.of("alice"), file.mentions());
      assertEquals(T, file.sentAt());
      assertEquals("hello there", index.document(room, 1).text());
      assertNull(index.document(room, 9), "the stale feed's batch left nothing");
    }
  }

  @Test
  void eachRemovalTakesExactlyItsOwnAndAPutAgainChangesNothing() throws IOException {
    String a = "r" + UUID.randomUUID();
    String b = "r" + UUID.randomUUID();
    String eve = "eve" + UUID.randomUUID().toString().substring(0, 8);
    try (SearchIndex index = open()) {
      long at = index.offset();
      List<SearchChange> puts = List.of(put(a, 1, "alice", "one"), put(a, 2, eve, "two"), put(a, 3, "alice", "three"),
          put(a, 4, "alice", "four"), put(b, 1, eve, "elsewhere"), put(b, 2, "alice", "kept"));
      index.apply(puts, at, new IndexPosition(at + 1, Map.of(a, 4L, b, 2L)));
      List<SearchChange> again = new java.util.ArrayList<>(puts);
      again.add(put(a, 3, "alice", "three, edited"));
      again.add(put(a, 3, "alice", "three"));
      index.apply(again, at + 1, new IndexPosition(at + 2, Map.of(a, 4L, b, 2L)));
      assertEquals("three", index.document(a, 3).text(), "put again in one batch: one document, the last");
      index.apply(List.of(new SearchChange.Remove(a, 4), new SearchChange.RemoveBelow(a, 2),
          new SearchChange.RemoveSender(eve)), at + 2, new IndexPosition(at + 3, Map.of(a, 7L)));
      assertNull(index.document(a, 1), "below the floor");
      assertNull(index.document(a, 2), "the closed account's");
      assertEquals("three", index.document(a, 3).text());
      assertNull(index.document(a, 4), "deleted");
      assertNull(index.document(b, 1), "the closed account's, in every room");
      index.apply(List.of(new SearchChange.RemoveRoom(a)), at + 3, new IndexPosition(at + 4, Map.of(a, 8L)));
      assertNull(index.document(a, 3));
      assertEquals("kept", index.document(b, 2).text());
      assertEquals(Map.of(a, 8L, b, 2L), index.indexedThrough(List.of(a, b)));
      assertEquals(at + 4, index.offset());
    }
  }
}
