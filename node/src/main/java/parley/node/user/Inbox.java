package parley.node.user;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A user's notifications, oldest first, the last {@link #KEPT}: stored in the user's record (batched with the
 * markers), listed newest first by {@code GET /me/notifications}. A notification is read once the user's read marker
 * in its room is at or past it (or the user left the room).
 */
final class Inbox {
  static final int KEPT = 500;

  private Inbox() {}

  /** {@code inbox} then {@code added}, the oldest dropped past {@link #KEPT}. */
  static List<Notification> with(List<Notification> inbox, List<Notification> added) {
    List<Notification> all = new ArrayList<>(inbox.size() + added.size());
    all.addAll(inbox);
    all.addAll(added);
    return List.copyOf(all.subList(Math.max(0, all.size() - KEPT), all.size()));
  }

  static boolean isRead(Notification n, Map<String, Long> readMarkers) {
    Long marker = readMarkers.get(n.room());
    return marker == null || marker >= n.seq();
  }

  static long unread(List<Notification> inbox, Map<String, Long> readMarkers) {
    return inbox.stream().filter(n -> !isRead(n, readMarkers)).count();
  }

  /** Up to {@code limit} notifications with an id below {@code before} (all if null), newest first. */
  static List<Notification> page(List<Notification> inbox, Long before, int limit) {
    List<Notification> page = new ArrayList<>(Math.min(limit, inbox.size()));
    for (int i = inbox.size() - 1; i >= 0 && page.size() < limit; i--) {
      if (before == null || inbox.get(i).id() < before) {
        page.add(inbox.get(i));
      }
    }
    return page;
  }
}
