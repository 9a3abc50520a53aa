package parley.protocol;

import java.time.Instant;
import java.util.List;

/**
 * v1.1: {@code GET /api/v1/me/notifications}: the user's inbox, newest first. {@code next}: pass it as
 * {@code before} for the next page; null on the last.
 */
public record NotificationList(List<Item> notifications, String next) {
  public NotificationList {
    notifications = List.copyOf(notifications);
  }

  /**
   * A message that mentions the user ({@code kind} "mention") or came in one of their DMs ("dm"); {@code read} once the
   * user's read marker in the room is at or past {@code seq}.
   */
  public record Item(String id, String room, long seq, String sender, String kind, String excerpt, Instant at,
      boolean read) {
    public Item {
      at = Json.millis(at);
    }
  }
}
