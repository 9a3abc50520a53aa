package parley.node.search;

import java.util.Map;

/**
 * How far the index is complete: {@code offset}, the journal's ordering read through (the feed resumes after it), and
 * per room the highest seq read ({@code indexedThrough}). Stored in the same commit as the documents it covers.
 * A batch's position names only the rooms its events came from; the index keeps the others as they were.
 */
public record IndexPosition(long offset, Map<String, Long> indexedThrough) {
  public static final IndexPosition START = new IndexPosition(0, Map.of());

  public IndexPosition {
    indexedThrough = Map.copyOf(indexedThrough);
  }
}
