package parley.client.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import parley.client.net.ApiException;
import parley.protocol.Message;
import parley.protocol.SearchResults;

/**
 * Search (protocol v1.2): pages of hits for a query, what an answer says of how complete it is, and opening a hit,
 * whose room comes into view with the page around the hit's seq loaded ({@link RoomSync#around}), however far back
 * it is. Runs on the client's thread, like {@link ChatClient}; the futures complete there.
 */
public final class MessageSearch {
  /** Hits to a page. */
  public static final int PAGE = 20;

  private final ChatClient client;

  MessageSearch(ChatClient client) {
    this.client = client;
  }

  /**
   * A page of hits for {@code query}, newest first; {@code before}: the last page's {@code next} (null: the first).
   * A query the server refuses (its message names the bad part) is said in the room in view, and fails the future.
   */
  public CompletableFuture<SearchResults> page(String query, String before) {
    CompletableFuture<SearchResults> done = new CompletableFuture<>();
    client.fetch(client.api().search(query, PAGE, before), (results, failure) -> {
      if (failure != null) {
        ApiException e = ApiException.of(failure);
        client.notice("Search: " + e.getMessage(), true);
        done.completeExceptionally(e);
      } else {
        done.complete(results);
      }
    });
    return done;
  }

  /**
   * The room of a hit comes into view, with its message and the entries around it loaded; completes once they are
   * (fails if the user is no longer in the room, or the page could not be read: both said in a notice).
   */
  public CompletableFuture<Void> open(String roomId, long seq) {
    RoomState room = client.state().room(roomId).orElse(null);
    if (room == null) {
      client.notice("That message is in a room you are no longer in.", true);
      return CompletableFuture.failedFuture(new IllegalStateException("not in " + roomId));
    }
    client.switchTo(roomId);
    return client.sync().around(room, seq);
  }

  /**
   * How complete an answer is, for the user: empty when every room it names is searched up to the newest entry this
   * client knows of, else which rooms have newer entries the index does not hold yet ("not searched yet: the 3 newest
   * entries of #ops"). {@code lastSeq}: the newest seq known of a room (0 if unknown); {@code name}: how to call it.
   */
  public static String behind(Map<String, Long> indexedThrough, Function<String, Long> lastSeq,
      Function<String, String> name) {
    List<String> rooms = new ArrayList<>();
    for (var e : new TreeMap<>(indexedThrough).entrySet()) {
      long newer = lastSeq.apply(e.getKey()) - e.getValue();
      if (newer > 0) {
        rooms.add((newer == 1 ? "the newest entry of " : "the " + newer + " newest entries of ")
            + name.apply(e.getKey()));
      }
    }
    return rooms.isEmpty() ? "" : "not searched yet: " + String.join(", ", rooms);
  }

  /**
   * {@link #behind} with what this client knows of its rooms, each with how far back what is not searched yet goes
   * when the client holds the oldest of it: "the 2 newest entries of #ops (the last 3 s)".
   */
  public String behind(Map<String, Long> indexedThrough) {
    ChatState state = client.state();
    Instant now = client.clock().instant();
    return behind(indexedThrough, id -> state.room(id).map(RoomState::lastSeq).orElse(0L),
        id -> state.room(id).map(r -> r.displayName(state.me()) + since(r, indexedThrough.get(id) + 1, now))
            .orElse(id));
  }

  /** " (the last 4 s)": how long ago the entry at {@code seq} was written, if the client holds it; else "". */
  private static String since(RoomState room, long seq, Instant now) {
    return room.entry(seq).map(Message::sentAt).map(at -> {
      long s = Math.max(0, Duration.between(at, now).toSeconds());
      return " (the last " + (s < 60 ? s + " s" : s < 3600 ? s / 60 + " min" : s / 3600 + " h") + ")";
    }).orElse("");
  }
}
