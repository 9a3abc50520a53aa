package parley.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * v1.2: {@code GET /api/v1/search}: the messages matching a query in the rooms the caller is a member of, newest
 * first (or by relevance). {@code next}: pass it as {@code before} for the next page; null on the last.
 * {@code indexedThrough}: per room that could hold hits, the highest seq the index holds, so a client can say how
 * complete the answer is (a room whose last seq is past it has newer entries not searched yet). {@code strangers}
 * (v1.2, left out when empty; only with no hits): the users {@code from:} names who are in none of the caller's
 * rooms (or no one's name), so a client can say why nothing matched.
 */
public record SearchResults(List<Hit> hits, String next, Map<String, Long> indexedThrough,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> strangers) {
  public SearchResults {
    hits = List.copyOf(hits);
    indexedThrough = indexedThrough == null ? Map.of() : Map.copyOf(indexedThrough);
    strangers = strangers == null ? List.of() : List.copyOf(strangers);
  }

  public SearchResults(List<Hit> hits, String next, Map<String, Long> indexedThrough) {
    this(hits, next, indexedThrough, List.of());
  }

  /**
   * One message: where it is ({@code room}, {@code seq}), who sent it when, its text as it reads now (its latest
   * edit), and where in that text the query's terms matched.
   */
  public record Hit(RoomRef room, long seq, String sender, Instant sentAt, String text, List<Highlight> highlights) {
    public Hit {
      sentAt = Json.millis(sentAt);
      highlights = highlights == null ? List.of() : List.copyOf(highlights);
    }
  }

  /** The room of a hit: its id, name and kind ({@code room}, {@code dm} or {@code group}). */
  public record RoomRef(String id, String name, String kind) {}

  /**
   * A matched term in a hit's text, on the wire as {@code [start, end]}: UTF-16 offsets (Java's and JavaScript's
   * string indices), {@code end} exclusive.
   */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"start", "end"})
  public record Highlight(int start, int end) {}
}
