package parley.node.search;

import java.util.List;
import java.util.Map;

/**
 * One search as a backend runs it: the parsed query, the rooms the caller may read now with the lowest seq they may
 * read in each (1 for all of it; what the edge resolved, {@code in:} applied), the caller (for {@code is:mention}),
 * the page size, where to read on ({@link SearchCursor#encode}, or null for the first page), and the order.
 */
public record SearchRequest(SearchQuery query, Map<String, Long> rooms, String caller, int limit, String before,
    boolean relevance) {
  public SearchRequest {
    rooms = Map.copyOf(rooms);
  }

  /** Where the page starts: after the cursor, or at the start. */
  SearchCursor cursor() {
    if (before == null) {
      return relevance ? new SearchCursor.Relevance(0) : null;
    }
    return SearchCursor.decode(before, relevance);
  }

  /** The cursor after a page that read {@code offset} hits before these, when more follow. */
  String next(int offset, List<SearchPage.Hit> hits) {
    if (relevance) {
      int read = offset + hits.size();
      return read < SearchCursor.RELEVANCE_MAX ? new SearchCursor.Relevance(read).encode() : null;
    }
    SearchPage.Hit last = hits.get(hits.size() - 1);
    return new SearchCursor.Newest(last.sentAt().toEpochMilli(), last.room(), last.seq()).encode();
  }
}
