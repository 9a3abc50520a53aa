package parley.node.search;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import parley.node.Validation;

/**
 * Where the next page of a search starts, written opaque ({@code next}, sent back as {@code before}). Newest first it
 * is the last hit's sort key (sentAt, room, seq), so a page read later starts right after it whatever was indexed
 * since; by relevance it is how many hits were read, since a score is not stable across pages of a changing index.
 */
public sealed interface SearchCursor permits SearchCursor.Newest, SearchCursor.Relevance {
  /** Relevance pages read on through this many hits at most. */
  int RELEVANCE_MAX = 1_000;

  /** After this hit, newest first. */
  record Newest(long sentAtMs, String room, long seq) implements SearchCursor {}

  /** After this many hits, best first. */
  record Relevance(int offset) implements SearchCursor {}

  /** How a cursor is written before base64: its kind's letter, then its fields, the room last (it may hold dots). */
  final class Text {
    private static final Pattern NEWEST =
        Pattern.compile("n\\.(-?\\d{1,19})\\.(\\d{1,19})\\.(.{1,80})", Pattern.DOTALL);
    private static final Pattern RELEVANCE = Pattern.compile("r\\.(\\d{1,4})");

    private Text() {}
  }

  /** The cursor as a client holds it. */
  default String encode() {
    String plain = this instanceof Newest n ? "n." + n.sentAtMs() + "." + n.seq() + "." + n.room()
        : "r." + ((Relevance) this).offset();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A client's {@code before}, read for this order; refused ({@code invalid_query}) when it is no cursor a search
   * of this order wrote.
   */
  static SearchCursor decode(String before, boolean relevance) {
    Optional<SearchCursor> cursor = read(before);
    if (cursor.isEmpty() || cursor.get() instanceof Relevance != relevance) {
      throw new QueryRefused("invalid_query", "before is not a cursor of this search (send back its \"next\")");
    }
    return cursor.get();
  }

  private static Optional<SearchCursor> read(String before) {
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(before), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Matcher n = Text.NEWEST.matcher(plain);
    try {
      // Its room is matched as a room id: PostgreSQL compares it as text, which holds no NUL.
      if (n.matches() && Validation.isValidRoomId(n.group(3))) {
        return Optional.of(new Newest(Long.parseLong(n.group(1)), n.group(3), Long.parseLong(n.group(2))));
      }
      Matcher r = Text.RELEVANCE.matcher(plain);
      if (r.matches() && Integer.parseInt(r.group(1)) <= RELEVANCE_MAX) {
        return Optional.of(new Relevance(Integer.parseInt(r.group(1))));
      }
    } catch (NumberFormatException e) {
      // Digits past a long: no cursor this node wrote.
    }
    return Optional.empty();
  }
}
