package parley.node.search;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The search index on one backend: Lucene in the data directory (H2, {@link LuceneSearchIndex}), or PostgreSQL's
 * tables shared by the cluster ({@link PostgresSearchIndex}). The feed is its only writer, one per cluster; every
 * node reads it.
 */
public interface SearchIndex extends AutoCloseable {
  /**
   * Applies the changes in order and stores {@code position} with them, all or nothing: after a crash the index holds
   * either the batch and its position or neither. Only if the stored offset is still {@code after} (what the feed
   * read from), else {@link StaleOffset} and nothing changes: a second feed (a cluster's singleton moving, a rebuild)
   * never writes over another's progress.
   */
  void apply(List<SearchChange> changes, long after, IndexPosition position) throws IOException;

  /** The journal ordering the index is complete through (0 for an empty index): where the feed resumes. */
  long offset() throws IOException;

  /** The highest seq indexed of each of {@code rooms} that has any (rooms with nothing indexed are left out). */
  Map<String, Long> indexedThrough(Collection<String> rooms) throws IOException;

  /** The document stored at {@code room}'s {@code seq}, or null: what an edit rewrites. */
  SearchDocument document(String room, long seq) throws IOException;

  /**
   * A page of what {@code request} finds, newest first or by relevance, in the request's rooms only; refused with
   * {@link QueryRefused} ({@code invalid_query}) when its cursor is no cursor of this search. Both backends answer the
   * same hits in the same order for the same documents (relevance ranks may differ).
   */
  SearchPage search(SearchRequest request) throws IOException;

  /** The events the feed skipped ({@link SearchChange.Skipped}), oldest first, at most {@code limit}. */
  List<SearchChange.Skipped> skipped(int limit) throws IOException;

  /** Empties the index and its position: a rebuild from the journal's start follows. */
  void clear() throws IOException;

  @Override
  void close() throws IOException;

  /** The stored offset moved under a feed: it reads again from the stored one. */
  final class StaleOffset extends IOException {
    public StaleOffset(long expected, long stored) {
      super("the index's offset is " + stored + ", not " + expected + ": another feed wrote it");
    }
  }
}
