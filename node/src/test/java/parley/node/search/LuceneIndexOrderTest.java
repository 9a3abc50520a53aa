package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;

/**
 * The embedded index keeps its documents newest first. One kept in another order (the order documents came in)
 * cannot be re-sorted in place: a node opening it starts it again empty at offset 0, and its feed rebuilds it from
 * the journal, instead of failing to start.
 */
@InMemory
class LuceneIndexOrderTest {
  @Test
  void anIndexInTheOldOrderIsStartedAgainForTheFeedToRebuild() throws Exception {
    Path dir = Files.createTempDirectory("parley-search-order");
    try (FSDirectory directory = FSDirectory.open(dir);
        IndexWriter old = new IndexWriter(directory, new IndexWriterConfig(SearchAnalysis.analyzer()))) {
      old.addDocument(LuceneSearchIndex.toLucene(new SearchDocument("general", 1, "alice",
          Instant.parse("2026-11-01T10:00:00Z"), "an unsorted past", null, List.of())));
      old.setLiveCommitData(Map.of("offset", "41").entrySet());
      old.commit();
    }
    try (LuceneSearchIndex index = LuceneSearchIndex.open(dir, SearchAnalysis.analyzer())) {
      assertEquals(0, index.offset(), "the feed reads the journal again from its start");
      assertNull(index.document("general", 1));
      index.apply(List.of(new SearchChange.Put(new SearchDocument("general", 1, "alice",
          Instant.parse("2026-11-01T10:00:00Z"), "a sorted present", null, List.of()))), 0,
          new IndexPosition(1, Map.of("general", 1L)));
      assertEquals("a sorted present", index.document("general", 1).text());
    }
    try (LuceneSearchIndex again = LuceneSearchIndex.open(dir, SearchAnalysis.analyzer())) {
      assertEquals(1, again.offset(), "a sorted index opens as it was");
    }
  }
}
