package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import parley.node.room.ChatRoom;
import parley.node.room.SharedFile;
import parley.node.room.TimelineEntry;
import parley.node.testkit.InMemory;

/**
 * What a run of room events does to the index (Lucene, in memory): messages and files are found, an edit by its
 * latest words only, a delete, a retention floor and a deleted room take theirs away, and a batch stored with its
 * offset is never stored over by a feed that read from an older one.
 */
@InMemory
class SearchFeedBatchTest {
  private static final Instant T = Instant.parse("2026-11-27T12:00:00Z");
  private final LuceneSearchIndex index = LuceneSearchIndex.inMemory(SearchAnalysis.analyzer());
  private long ordering;

  SearchFeedBatchTest() throws IOException {}

  @AfterEach
  void close() throws IOException {
    index.close();
  }

  private EventEnvelope event(String room, TimelineEntry entry) {
    return new EventEnvelope(Offset.sequence(++ordering), "Room|" + room, entry.seq(),
        new ChatRoom.MessagePosted(entry), 0L);
  }

  private static TimelineEntry message(long seq, String sender, String text) {
    return new TimelineEntry.Message(seq, sender, text, T.plusSeconds(seq), "c" + seq);
  }

  /** Feeds the events as one batch, from the index's offset. */
  private void feed(EventEnvelope... events) throws IOException {
    long after = index.offset();
    FeedBatch batch = FeedBatch.of(index, after, List.of(events));
    index.apply(batch.changes(), after, batch.position());
  }

  private int hits(String word) throws IOException {
    IndexSearcher searcher = index.searchers().acquire();
    try {
      return searcher.count(new TermQuery(new Term(SearchFields.TERMS, word)));
    } finally {
      index.searchers().release(searcher);
    }
  }

  @Test
  void aMessageAndAFileAreFoundAndEachRoomSaysHowFarItIsIndexed() throws IOException {
    feed(event("r1", message(1, "Alice", "the quarterly report is ready")),
        event("r1", new TimelineEntry.Joined(2, "bob", T)),
        event("r2", new TimelineEntry.File(1, "bob", "", T, "f1", new SharedFile("f", "budget.xlsx", 10, "x", "s"))));
    assertEquals(1, hits("quarterly"));
    assertEquals(1, hits("xlsx"), "a file is found by its name");
    assertEquals(Map.of("r1", 2L, "r2", 1L), index.indexedThrough(Set.of("r1", "r2", "r3")));
    assertEquals(3, index.offset());
    SearchDocument file = index.document("r2", 1);
    assertEquals("budget.xlsx", file.fileName());
    assertEquals("alice", index.document("r1", 1).sender(), "senders are kept lowercased");
  }

  @Test
  void anEditedMessageIsFoundByItsLatestWordsOnlyWhetherItsMessageIsInTheSameBatchOrAnEarlierOne() throws IOException {
    feed(event("r1", message(1, "alice", "lunch at noon")),
        event("r1", new TimelineEntry.Edit(2, "alice", "lunch at one", T, "e2", 1)));
    assertEquals(0, hits("noon"));
    assertEquals(1, hits("one"));
    feed(event("r1", new TimelineEntry.Edit(3, "alice", "dinner instead", T, "e3", 1)));
    assertEquals(0, hits("lunch"));
    assertEquals(1, hits("dinner"));
    assertEquals(T.plusSeconds(1), index.document("r1", 1).sentAt(), "an edit keeps the message's time");
  }

  @Test
  void aDeleteAFloorAndADeletedRoomTakeTheirMessagesAway() throws IOException {
    List<EventEnvelope> first = new ArrayList<>();
    for (long seq = 1; seq <= 5; seq++) {
      first.add(event("r1", message(seq, "alice", "note " + seq)));
    }
    first.add(event("r2", message(1, "bob", "note elsewhere")));
    feed(first.toArray(EventEnvelope[]::new));
    assertEquals(6, hits("note"));
    feed(event("r1", new TimelineEntry.Delete(6, "alice", T, "d6", 5)),
        event("r1", new TimelineEntry.Edit(7, "alice", "note revived", T, "e7", 5)));
    assertEquals(5, hits("note"));
    assertNull(index.document("r1", 5), "an edit of a deleted message brings nothing back");
    feed(event("r1", new TimelineEntry.Trimmed(8, "alice", T, 3)));
    assertEquals(3, hits("note"), "1 and 2 are below the floor");
    feed(event("r1", new TimelineEntry.RoomDeleted(9, "alice", T)));
    assertEquals(1, hits("note"), "the other room's stays");
    assertEquals(9L, index.indexedThrough(Set.of("r1")).get("r1"));
  }

  @Test
  void aBatchFedAgainChangesNothingAndAFeedBehindTheStoredOffsetIsRefused() throws IOException {
    EventEnvelope m1 = event("r1", message(1, "alice", "once only"));
    EventEnvelope m2 = event("r1", message(2, "alice", "once more"));
    FeedBatch batch = FeedBatch.of(index, 0, List.of(m1, m2));
    index.apply(batch.changes(), 0, batch.position());
    assertThrows(SearchIndex.StaleOffset.class, () -> index.apply(batch.changes(), 0, batch.position()));
    // What a feed restarted after a crash between its write and its offset would do: the same events again.
    FeedBatch again = FeedBatch.of(index, 2, List.of(m1, m2));
    index.apply(again.changes(), 2, again.position());
    assertEquals(2, hits("once"), "two messages, each once");
  }
}
