package parley.node.search;

import java.time.Instant;
import java.util.List;

/** A page of hits, best or newest first, and the cursor of the page after it (null on the last). */
public record SearchPage(List<Hit> hits, String next) {
  public SearchPage {
    hits = List.copyOf(hits);
  }

  /**
   * A message or shared file found: where it is, who wrote it when, and its text as stored (its latest edit; for a
   * file, {@code fileName} is set).
   */
  public record Hit(String room, long seq, String sender, Instant sentAt, String text, String fileName) {}
}
