package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;

/** A page's {@code next}, as a client sends it back: read for its own order only, anything else refused. */
@InMemory
class SearchCursorTest {
  @Test
  void aCursorReadsBackAsWrittenEvenWithADmsColonsAndDots() {
    SearchCursor newest = new SearchCursor.Newest(1_764_244_800_123L, "dm:al.ice:bob", 42);
    assertEquals(newest, SearchCursor.decode(newest.encode(), false));
    SearchCursor ranked = new SearchCursor.Relevance(40);
    assertEquals(ranked, SearchCursor.decode(ranked.encode(), true));
  }

  @Test
  void aCursorOfTheOtherOrderOrNoCursorAtAllIsRefused() {
    String newest = new SearchCursor.Newest(1L, "general", 2).encode();
    for (String[] bad : new String[][] {{newest, "relevance"}, {new SearchCursor.Relevance(20).encode(), "newest"},
        {"not-a-cursor", "newest"}, {"%%%", "newest"}, {new SearchCursor.Relevance(1_001).encode(), "relevance"},
        {"", "newest"}}) {
      QueryRefused e = assertThrows(QueryRefused.class, () -> SearchCursor.decode(bad[0], bad[1].equals("relevance")),
          bad[0]);
      assertEquals("invalid_query", e.code());
    }
  }
}
