package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.Migrations;
import parley.node.testkit.TestDatabase;

/**
 * The same messages indexed on each backend the run has (Lucene always; PostgreSQL too in the PostgreSQL pass), the
 * same searches run on each, and each answers the same hits in the same order, pages included: a user moving a
 * Parley from H2 to PostgreSQL finds what they found before. Relevance may rank differently (BM25 against
 * {@code ts_rank}) but finds the same messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchBackendsTest {
  private static final Instant DAY = Instant.parse("2026-11-20T10:00:00Z");
  private final String run = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  /** Room ids sort a before b, as the order's tie-break needs. */
  private final String a = "sqa" + run;
  private final String b = "sqb" + run;
  private final String alice = "al" + run;
  private final String bob = "bo" + run;
  private final String dm = "dm:" + alice + ":" + bob;
  private final Map<String, SearchIndex> backends = new LinkedHashMap<>();
  private final Map<String, SearchPage.Hit> byLabel = new HashMap<>();
  private HikariDataSource pool;

  @BeforeAll
  void indexTheSameMessagesOnEachBackend() throws IOException {
    backends.put("lucene", LuceneSearchIndex.inMemory(SearchAnalysis.analyzer()));
    if (TestDatabase.postgres()) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(TestDatabase.url());
      config.setUsername(System.getenv().getOrDefault("PARLEY_TEST_DB_USER", "postgres"));
      config.setPassword(System.getenv().getOrDefault("PARLEY_TEST_DB_PASSWORD", ""));
      config.setMaximumPoolSize(2);
      Migrations.run(TestDatabase.config(TestDatabase.url()).withFallback(ConfigFactory.load()));
      pool = new HikariDataSource(config);
      backends.put("postgres", new PostgresSearchIndex(pool, "search-backends-test"));
    }
    List<SearchChange> puts = new ArrayList<>();
    put(puts, "A1", a, 1, alice, 0, "Deploying the release tonight", null);
    put(puts, "A2", a, 2, bob, 1, "The deployment went fine, release notes in the wiki https://wiki.example.com", null);
    put(puts, "A3", a, 3, "carol", 2, "Lunch at the Café? @" + alice, null, alice);
    put(puts, "A4", a, 4, alice, 3, "quick brown fox jumps", null);
    put(puts, "A5", a, 5, bob, 4, "", "release-notes.pdf");
    put(puts, "B1", b, 1, bob, 2, "release of the quick fox", null);
    put(puts, "B2", b, 2, alice, 5, "O'Neil said naïve things 👋", null);
    put(puts, "B3", b, 3, "carol", 6, "brown quick fox", null);
    put(puts, "D1", dm, 1, alice, 1, "meet for lunch tomorrow", null);
    put(puts, "D2", dm, 2, bob, 48, "cafe lunch, deployed", null);
    for (SearchIndex index : backends.values()) {
      // The shared PostgreSQL database's offset stays where the suite's feeds left it: only documents are added.
      long offset = index.offset();
      index.apply(puts, offset, new IndexPosition(offset, Map.of()));
    }
  }

  private void put(List<SearchChange> puts, String label, String room, long seq, String sender, int hours, String text,
      String fileName, String... mentions) {
    Instant at = DAY.plusSeconds(hours * 3600L);
    puts.add(new SearchChange.Put(new SearchDocument(room, seq, sender, at, text, fileName, List.of(mentions))));
    byLabel.put(label, new SearchPage.Hit(room, seq, sender, at, text, fileName));
  }

  @AfterAll
  void removeThem() throws IOException {
    for (SearchIndex index : backends.values()) {
      long offset = index.offset();
      index.apply(List.of(new SearchChange.RemoveRoom(a), new SearchChange.RemoveRoom(b),
          new SearchChange.RemoveRoom(dm)), offset, new IndexPosition(offset, Map.of()));
      index.close();
    }
    if (pool != null) {
      pool.close();
    }
  }

  private Map<String, Long> all() {
    return Map.of(a, 1L, b, 1L, dm, 1L);
  }

  /** Every page of a search on one backend, read through with the cursors it gave. */
  private List<String> search(SearchIndex index, String q, Map<String, Long> rooms, int limit, boolean relevance)
      throws IOException {
    List<String> labels = new ArrayList<>();
    String before = null;
    do {
      SearchPage page = index.search(new SearchRequest(SearchQueryParser.parse(q), rooms, alice, limit, before,
          relevance));
      for (SearchPage.Hit hit : page.hits()) {
        labels.add(label(hit));
      }
      before = page.next();
    } while (before != null);
    return labels;
  }

  private String label(SearchPage.Hit hit) {
    return byLabel.entrySet().stream().filter(e -> e.getValue().equals(hit)).map(Map.Entry::getKey).findFirst()
        .orElseThrow(() -> new AssertionError("a hit that is no indexed message, or not as indexed: " + hit));
  }

  private void expect(String q, Map<String, Long> rooms, String... newestFirst) throws IOException {
    for (Map.Entry<String, SearchIndex> backend : backends.entrySet()) {
      for (int limit : new int[] {1, 2, 20}) {
        assertEquals(List.of(newestFirst), search(backend.getValue(), q, rooms, limit, false),
            backend.getKey() + ": " + q + " (pages of " + limit + ")");
      }
      assertEquals(Set.of(newestFirst), new HashSet<>(search(backend.getValue(), q, rooms, 2, true)),
          backend.getKey() + ": " + q + " by relevance");
    }
  }

  private void expect(String q, String... newestFirst) throws IOException {
    expect(q, all(), newestFirst);
  }

  @Test
  void wordsFindEveryFormAndFileNamesNewestFirst() throws IOException {
    expect("release", "A5", "B1", "A2", "A1");
    expect("Releases", "A5", "B1", "A2", "A1");
    expect("cafe", "D2", "A3");
    expect("NAIVE o'neil", "B2");
    expect("👋", "B2");
  }

  @Test
  void phrasesKeepTheirOrderAndPrefixesReachPastTheStem() throws IOException {
    expect("\"quick brown fox\"", "A4");
    expect("quick fox", "B3", "A4", "B1");
    expect("deploy*", "D2", "A2", "A1");
    expect("deploym*", "A2");
    expect("\"release notes\"", "A5", "A2");
    expect("notes.pdf", "A5");
    expect("example.com", "A2");
  }

  @Test
  void exclusionsAndFiltersNarrow() throws IOException {
    expect("lunch -cafe", "D1");
    expect("from:" + bob, "D2", "A5", "B1", "A2");
    expect("from:" + bob + " from:carol release", "A5", "B1", "A2");
    expect("is:mention", "A3");
    expect("has:file", "A5");
    expect("has:link release", "A2");
    // The day named is in: A3 and D1 were sent on the 20th, D2 on the 22nd.
    expect("lunch before:2026-11-21", "A3", "D1");
    expect("lunch before:2026-11-20", "A3", "D1");
    expect("lunch before:2026-11-19");
    expect("lunch after:2026-11-21", "D2");
    expect("lunch after:2026-11-22", "D2");
    expect("lunch after:2026-11-20 before:2026-11-20", "A3", "D1");
    expect("lunch after:2026-11-23");
  }

  @Test
  void tiesInTimeGoByRoomThenSeqAcrossPages() throws IOException {
    // A3 and B1 were sent in the same millisecond: room a before room b, on every page size.
    expect("the", "A3", "B1", "A2", "A1");
  }

  @Test
  void onlyTheRoomsGivenFromTheirFloorsUp() throws IOException {
    expect("quick", Map.of(b, 1L), "B3", "B1");
    expect("release", Map.of(a, 3L, b, 1L), "A5", "B1");
    expect("release", Map.of());
  }
}
