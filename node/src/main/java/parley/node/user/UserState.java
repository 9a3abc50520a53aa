package parley.node.user;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import parley.node.CborSerializable;

/**
 * Immutable; small maps copied on change. {@code rooms}: the user's rooms with read markers; {@code delivered}: per
 * room, the seq up to which one of the user's devices holds every entry (v1.1); {@code readHidden}: the user hides
 * their read marker from others (v1.1); {@code inbox}: the user's notifications, the last 500 (v1.1). The v1.1 fields
 * are null in a state stored before them.
 */
public record UserState(
    String passwordHash,
    Map<String, Instant> tokens,
    Map<String, Long> rooms,
    boolean online,
    Instant lastSeen,
    Map<String, Long> delivered,
    Boolean readHidden,
    java.util.List<Notification> inbox)
    implements CborSerializable {

  public UserState {
    delivered = delivered == null ? Map.of() : delivered;
    readHidden = Boolean.TRUE.equals(readHidden);
    inbox = inbox == null ? java.util.List.of() : inbox;
  }

  public UserState(String passwordHash, Map<String, Instant> tokens, Map<String, Long> rooms, boolean online, Instant lastSeen) {
    this(passwordHash, tokens, rooms, online, lastSeen, Map.of(), false, java.util.List.of());
  }


  /** Whether others may see the user's read markers (receipts); their own unread counts work either way. */
  boolean showsRead() {
    return !readHidden;
  }

  boolean exists() {
    return passwordHash != null;
  }

  boolean tokenValid(String tokenHash, Instant now) {
    Instant expiry = tokens.get(tokenHash);
    return expiry != null && expiry.isAfter(now);
  }

  UserState apply(UserAccount.Event event) {
    if (event instanceof UserAccount.Registered e) {
      return new UserState(e.passwordHash(), tokens, rooms, online, lastSeen, delivered, readHidden, inbox);
    } else if (event instanceof UserAccount.TokenIssued e) {
      Map<String, Instant> next = new HashMap<>();
      tokens.forEach((hash, expiry) -> {
        if (expiry.isAfter(e.at())) {
          next.put(hash, expiry);
        }
      });
      next.put(e.tokenHash(), e.expiresAt());
      return new UserState(passwordHash, Map.copyOf(next), rooms, online, lastSeen, delivered, readHidden, inbox);
    } else if (event instanceof UserAccount.TokenRevoked e) {
      Map<String, Instant> next = new HashMap<>(tokens);
      next.remove(e.tokenHash());
      return new UserState(passwordHash, Map.copyOf(next), rooms, online, lastSeen, delivered, readHidden, inbox);
    } else if (event instanceof UserAccount.RoomAdded e) {
      Map<String, Long> next = new HashMap<>(rooms);
      next.merge(e.roomId(), e.readSeq(), Math::max);
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, delivered, readHidden, inbox);
    } else if (event instanceof UserAccount.RoomRemoved e) {
      Map<String, Long> next = new HashMap<>(rooms);
      next.remove(e.roomId());
      Map<String, Long> nextDelivered = new HashMap<>(delivered);
      nextDelivered.remove(e.roomId());
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, Map.copyOf(nextDelivered), readHidden, inbox);
    } else if (event instanceof UserAccount.ReadMarkersMoved e) {
      Map<String, Long> next = new HashMap<>(rooms);
      e.markers().forEach((room, seq) -> next.computeIfPresent(room, (r, old) -> Math.max(old, seq)));
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, delivered, readHidden, inbox);
    } else if (event instanceof UserAccount.WentOnline) {
      return new UserState(passwordHash, tokens, rooms, true, lastSeen, delivered, readHidden, inbox);
    } else if (event instanceof UserAccount.WentOffline e) {
      return new UserState(passwordHash, tokens, rooms, false, e.at(), delivered, readHidden, inbox);
    } else if (event instanceof UserAccount.DeliveredMarkersMoved e) {
      Map<String, Long> next = new HashMap<>(delivered);
      e.markers().forEach((room, seq) -> {
        if (rooms.containsKey(room)) {
          next.merge(room, seq, Math::max);
        }
      });
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, Map.copyOf(next), readHidden, inbox);
    } else if (event instanceof UserAccount.ReadReceiptsSet e) {
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, delivered, !e.shown(), inbox);
    } else if (event instanceof UserAccount.Notified e) {
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, delivered, readHidden,
          Inbox.with(inbox, e.added()));
    }
    throw new IllegalArgumentException("unknown event " + event);
  }
}
