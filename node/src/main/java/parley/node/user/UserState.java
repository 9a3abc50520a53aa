package parley.node.user;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import parley.node.CborSerializable;

/**
 * Immutable; small maps copied on change. {@code rooms}: the user's rooms with read markers; {@code delivered}: per
 * room, the seq up to which one of the user's devices holds every entry (v1.1); {@code readHidden}: the user hides
 * their read marker from others (v1.1); {@code inbox}: the user's notifications, the last 500 (v1.1). The v1.1 fields
 * are null in a state stored before them. {@code pastRooms} (v1.1): every room the user was ever added to, the ones
 * they left included (null in a state stored before: their rooms then); {@code closedAt} (v1.1): when the user closed
 * the account (null while it is open). A closed account keeps its name (never reusable) and nothing else.
 */
public record UserState(
    String passwordHash,
    Map<String, Instant> tokens,
    Map<String, Long> rooms,
    boolean online,
    Instant lastSeen,
    Map<String, Long> delivered,
    Boolean readHidden,
    java.util.List<Notification> inbox,
    Map<String, TokenInfo> tokenInfo,
    java.util.Set<String> pastRooms,
    Instant closedAt)
    implements CborSerializable {

  /**
   * What the user's device list shows of a token: when it was issued, from which address and user agent, and when
   * it was last used as stored (at most {@link UserAccount#TOUCH_EVERY} old while the token is in use). Tokens issued
   * before v1.1 have none (null address and agent, created = last used = unknown).
   */
  public record TokenInfo(Instant created, String address, String userAgent, Instant lastUsed)
      implements CborSerializable {}

  public UserState {
    delivered = delivered == null ? Map.of() : delivered;
    readHidden = Boolean.TRUE.equals(readHidden);
    inbox = inbox == null ? java.util.List.of() : inbox;
    tokenInfo = tokenInfo == null ? Map.of() : tokenInfo;
    pastRooms = pastRooms == null ? java.util.Set.copyOf(rooms.keySet()) : pastRooms;
  }

  public UserState(String passwordHash, Map<String, Instant> tokens, Map<String, Long> rooms, boolean online, Instant lastSeen) {
    this(passwordHash, tokens, rooms, online, lastSeen, Map.of(), false, java.util.List.of(), Map.of(), null, null);
  }

  /** The same state with this password hash and these tokens (their infos kept only for tokens that remain). */
  private UserState withTokens(String newPasswordHash, Map<String, Instant> nextTokens, Map<String, TokenInfo> nextInfo) {
    Map<String, TokenInfo> info = new HashMap<>(nextInfo);
    info.keySet().retainAll(nextTokens.keySet());
    return new UserState(newPasswordHash, Map.copyOf(nextTokens), rooms, online, lastSeen, delivered, readHidden, inbox,
        Map.copyOf(info), pastRooms, closedAt);
  }


  /** Whether others may see the user's read markers (receipts); their own unread counts work either way. */
  boolean showsRead() {
    return !readHidden;
  }

  /** Registered and not closed: a closed account is answered as no such user, but for its name. */
  boolean exists() {
    return passwordHash != null && closedAt == null;
  }

  /** The name is someone's, now or before (a closed account's name is never given again). */
  boolean nameTaken() {
    return passwordHash != null;
  }

  boolean closed() {
    return closedAt != null;
  }

  /** Every room the user is or was in: where a closed account's messages are, to be marked. */
  java.util.Set<String> everyRoom() {
    java.util.Set<String> all = new java.util.TreeSet<>(pastRooms);
    all.addAll(rooms.keySet());
    return all;
  }

  boolean tokenValid(String tokenHash, Instant now) {
    Instant expiry = tokens.get(tokenHash);
    return expiry != null && expiry.isAfter(now);
  }

  UserState apply(UserAccount.Event event) {
    if (event instanceof UserAccount.Registered e) {
      return new UserState(e.passwordHash(), tokens, rooms, online, lastSeen, delivered, readHidden, inbox, tokenInfo, pastRooms, closedAt);
    } else if (event instanceof UserAccount.TokenIssued e) {
      Map<String, Instant> next = new HashMap<>();
      tokens.forEach((hash, expiry) -> {
        if (expiry.isAfter(e.at())) {
          next.put(hash, expiry);
        }
      });
      next.put(e.tokenHash(), e.expiresAt());
      Map<String, TokenInfo> info = new HashMap<>(tokenInfo);
      info.put(e.tokenHash(), new TokenInfo(e.at(), e.address(), e.userAgent(), e.at()));
      return withTokens(passwordHash, next, info);
    } else if (event instanceof UserAccount.TokenRevoked e) {
      Map<String, Instant> next = new HashMap<>(tokens);
      next.remove(e.tokenHash());
      return withTokens(passwordHash, next, tokenInfo);
    } else if (event instanceof UserAccount.TokenUsed e) {
      if (!tokens.containsKey(e.tokenHash())) {
        return this;
      }
      Map<String, Instant> next = new HashMap<>(tokens);
      next.put(e.tokenHash(), e.expiresAt());
      Map<String, TokenInfo> info = new HashMap<>(tokenInfo);
      TokenInfo old = info.get(e.tokenHash());
      info.put(e.tokenHash(), old == null ? new TokenInfo(null, null, null, e.at())
          : new TokenInfo(old.created(), old.address(), old.userAgent(), e.at()));
      return withTokens(passwordHash, next, info);
    } else if (event instanceof UserAccount.PasswordChanged e) {
      Map<String, Instant> next = new HashMap<>();
      if (e.keptTokenHash() != null && tokens.containsKey(e.keptTokenHash())) {
        next.put(e.keptTokenHash(), tokens.get(e.keptTokenHash()));
      }
      return withTokens(e.passwordHash(), next, tokenInfo);
    } else if (event instanceof UserAccount.RoomAdded e) {
      Map<String, Long> next = new HashMap<>(rooms);
      next.merge(e.roomId(), e.readSeq(), Math::max);
      java.util.Set<String> past = pastRooms;
      if (!past.contains(e.roomId())) {
        past = new java.util.HashSet<>(past);
        past.add(e.roomId());
        past = java.util.Set.copyOf(past);
      }
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, delivered, readHidden, inbox, tokenInfo, past, closedAt);
    } else if (event instanceof UserAccount.RoomRemoved e) {
      Map<String, Long> next = new HashMap<>(rooms);
      next.remove(e.roomId());
      Map<String, Long> nextDelivered = new HashMap<>(delivered);
      nextDelivered.remove(e.roomId());
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, Map.copyOf(nextDelivered), readHidden, inbox, tokenInfo, pastRooms, closedAt);
    } else if (event instanceof UserAccount.ReadMarkersMoved e) {
      Map<String, Long> next = new HashMap<>(rooms);
      e.markers().forEach((room, seq) -> next.computeIfPresent(room, (r, old) -> Math.max(old, seq)));
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, delivered, readHidden, inbox, tokenInfo, pastRooms, closedAt);
    } else if (event instanceof UserAccount.WentOnline) {
      return new UserState(passwordHash, tokens, rooms, true, lastSeen, delivered, readHidden, inbox, tokenInfo, pastRooms, closedAt);
    } else if (event instanceof UserAccount.WentOffline e) {
      return new UserState(passwordHash, tokens, rooms, false, e.at(), delivered, readHidden, inbox, tokenInfo, pastRooms, closedAt);
    } else if (event instanceof UserAccount.DeliveredMarkersMoved e) {
      Map<String, Long> next = new HashMap<>(delivered);
      e.markers().forEach((room, seq) -> {
        if (rooms.containsKey(room)) {
          next.merge(room, seq, Math::max);
        }
      });
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, Map.copyOf(next), readHidden, inbox, tokenInfo, pastRooms, closedAt);
    } else if (event instanceof UserAccount.ReadReceiptsSet e) {
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, delivered, !e.shown(), inbox, tokenInfo, pastRooms, closedAt);
    } else if (event instanceof UserAccount.Notified e) {
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, delivered, readHidden,
          Inbox.with(inbox, e.added()), tokenInfo, pastRooms, closedAt);
    } else if (event instanceof UserAccount.AccountClosed e) {
      // Every token dies with the account; the rooms stay until each is told (ClosureSpread).
      return new UserState(passwordHash, Map.of(), rooms, false, e.at(), delivered, readHidden, java.util.List.of(), Map.of(),
          pastRooms, e.at());
    } else if (event instanceof UserAccount.ClosureSpread) {
      return new UserState(passwordHash, tokens, Map.of(), online, lastSeen, Map.of(), readHidden, inbox, tokenInfo,
          java.util.Set.of(), closedAt);
    }
    throw new IllegalArgumentException("unknown event " + event);
  }
}
