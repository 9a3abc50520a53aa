package parley.client.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import parley.client.net.ApiException;
import parley.protocol.Message;
import parley.protocol.Room;
import parley.protocol.SearchResults;

/**
 * v1.2 search as {@link FakeServer} answers it: every word of the query in a message's text (case aside), in the rooms
 * the user is a member of, newest first, each word's places as highlights. Enough for what the client does with an
 * answer; the query language itself is the node's, and the live tests read its answers.
 */
public final class FakeSearch {
  /** The next search fails with this (the server's 400s), once; null: searches answer. */
  public ApiException refuse;
  /** Per room, how far the index is said to hold it; rooms not named here are indexed to their last seq. */
  public final Map<String, Long> indexedThrough = new HashMap<>();
  private final String me;
  private final Map<String, Room> rooms;
  private final Function<String, List<Message>> timeline;

  FakeSearch(String me, Map<String, Room> rooms, Function<String, List<Message>> timeline) {
    this.me = me;
    this.rooms = rooms;
    this.timeline = timeline;
  }

  SearchResults search(String query, int limit, String before) {
    if (refuse != null) {
      ApiException e = refuse;
      refuse = null;
      throw e;
    }
    List<String> words = List.of(query.toLowerCase(Locale.ROOT).strip().split("\\s+"));
    List<SearchResults.Hit> hits = new ArrayList<>();
    Map<String, Long> through = new HashMap<>();
    for (Room room : rooms.values()) {
      if (room.members().stream().noneMatch(m -> m.username().equals(me))) {
        continue;
      }
      List<Message> entries = timeline.apply(room.id());
      long indexed = indexedThrough.getOrDefault(room.id(), (long) entries.size());
      through.put(room.id(), indexed);
      for (Message m : entries) {
        List<SearchResults.Highlight> marks = m.seq() <= indexed && Message.KIND_MESSAGE.equals(m.kind())
            ? marks(m.text(), words) : null;
        if (marks != null) {
          hits.add(new SearchResults.Hit(new SearchResults.RoomRef(room.id(), room.name(), room.kind()), m.seq(),
              m.sender(), m.sentAt(), m.text(), marks));
        }
      }
    }
    hits.sort((a, b) -> b.sentAt().compareTo(a.sentAt()));
    int from = before == null ? 0 : Integer.parseInt(before);
    int to = Math.min(hits.size(), from + limit);
    return new SearchResults(hits.subList(from, to), to < hits.size() ? String.valueOf(to) : null, through);
  }

  /** Where each word occurs in {@code text}, or null if one of them does not. */
  private static List<SearchResults.Highlight> marks(String text, List<String> words) {
    String lower = text.toLowerCase(Locale.ROOT);
    List<SearchResults.Highlight> marks = new ArrayList<>();
    for (String word : words) {
      int at = lower.indexOf(word);
      if (at < 0) {
        return null;
      }
      for (; at >= 0; at = lower.indexOf(word, at + word.length())) {
        marks.add(new SearchResults.Highlight(at, at + word.length()));
      }
    }
    marks.sort((a, b) -> Integer.compare(a.start(), b.start()));
    return marks;
  }
}
