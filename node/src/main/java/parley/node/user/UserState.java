package parley.node.user;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import parley.node.CborSerializable;

/** Immutable; small maps copied on change. */
public record UserState(
    String passwordHash, Map<String, Instant> tokens, Map<String, Long> rooms, boolean online, Instant lastSeen)
    implements CborSerializable {

  boolean exists() {
    return passwordHash != null;
  }

  boolean tokenValid(String tokenHash, Instant now) {
    Instant expiry = tokens.get(tokenHash);
    return expiry != null && expiry.isAfter(now);
  }

  UserState apply(UserAccount.Event event) {
    if (event instanceof UserAccount.Registered e) {
      return new UserState(e.passwordHash(), tokens, rooms, online, lastSeen);
    } else if (event instanceof UserAccount.TokenIssued e) {
      Map<String, Instant> next = new HashMap<>();
      tokens.forEach((hash, expiry) -> {
        if (expiry.isAfter(e.at())) {
          next.put(hash, expiry);
        }
      });
      next.put(e.tokenHash(), e.expiresAt());
      return new UserState(passwordHash, Map.copyOf(next), rooms, online, lastSeen);
    } else if (event instanceof UserAccount.TokenRevoked e) {
      Map<String, Instant> next = new HashMap<>(tokens);
      next.remove(e.tokenHash());
      return new UserState(passwordHash, Map.copyOf(next), rooms, online, lastSeen);
    } else if (event instanceof UserAccount.RoomAdded e) {
      Map<String, Long> next = new HashMap<>(rooms);
      next.merge(e.roomId(), e.readSeq(), Math::max);
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen);
    } else if (event instanceof UserAccount.RoomRemoved e) {
      Map<String, Long> next = new HashMap<>(rooms);
      next.remove(e.roomId());
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen);
    } else if (event instanceof UserAccount.ReadMarkersMoved e) {
      Map<String, Long> next = new HashMap<>(rooms);
      e.markers().forEach((room, seq) -> next.computeIfPresent(room, (r, old) -> Math.max(old, seq)));
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen);
    } else if (event instanceof UserAccount.WentOnline) {
      return new UserState(passwordHash, tokens, rooms, true, lastSeen);
    } else if (event instanceof UserAccount.WentOffline e) {
      return new UserState(passwordHash, tokens, rooms, false, e.at());
    }
    throw new IllegalArgumentException("unknown event " + event);
  }
}
