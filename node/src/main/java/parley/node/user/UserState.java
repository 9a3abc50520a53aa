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
    java.util.List<Notification> inbox,
    Map<String, TokenInfo> tokenInfo)
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
  }

  public UserState(String passwordHash, Map<String, Instant> tokens, Map<String, Long> rooms, boolean online, Instant lastSeen) {
    this(passwordHash, tokens, rooms, online, lastSeen, Map.of(), false, java.util.List.of(), Map.of());
  }

  /** The same state with this password hash and these tokens (their infos kept only for tokens that remain). */
  private UserState withTokens(String newPasswordHash, Map<String, Instant> nextTokens, Map<String, TokenInfo> nextInfo) {
    Map<String, TokenInfo> info = new HashMap<>(nextInfo);
    info.keySet().retainAll(nextTokens.keySet());
    return new UserState(newPasswordHash, Map.copyOf(nextTokens), rooms, online, lastSeen, delivered, readHidden, inbox,
        Map.copyOf(info));
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
      return new UserState(e.passwordHash(), tokens, rooms, online, lastSeen, delivered, readHidden, inbox, tokenInfo);
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
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, delivered, readHidden, inbox, tokenInfo);
    } else if (event instanceof UserAccount.RoomRemoved e) {
      Map<String, Long> next = new HashMap<>(rooms);
      next.remove(e.roomId());
      Map<String, Long> nextDelivered = new HashMap<>(delivered);
      nextDelivered.remove(e.roomId());
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, Map.copyOf(nextDelivered), readHidden, inbox, tokenInfo);
    } else if (event instanceof UserAccount.ReadMarkersMoved e) {
      Map<String, Long> next = new HashMap<>(rooms);
      e.markers().forEach((room, seq) -> next.computeIfPresent(room, (r, old) -> Math.max(old, seq)));
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, delivered, readHidden, inbox, tokenInfo);
    } else if (event instanceof UserAccount.WentOnline) {
      return new UserState(passwordHash, tokens, rooms, true, lastSeen, delivered, readHidden, inbox, tokenInfo);
    } else if (event instanceof UserAccount.WentOffline e) {
      return new UserState(passwordHash, tokens, rooms, false, e.at(), delivered, readHidden, inbox, tokenInfo);
    } else if (event instanceof UserAccount.DeliveredMarkersMoved e) {
      Map<String, Long> next = new HashMap<>(delivered);
      e.markers().forEach((room, seq) -> {
        if (rooms.containsKey(room)) {
          next.merge(room, seq, Math::max);
        }
      });
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, Map.copyOf(next), readHidden, inbox, tokenInfo);
    } else if (event instanceof UserAccount.ReadReceiptsSet e) {
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, delivered, !e.shown(), inbox, tokenInfo);
    } else if (event instanceof UserAccount.Notified e) {
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, delivered, readHidden,
          Inbox.with(inbox, e.added()), tokenInfo);
    }
    throw new IllegalArgumentException("unknown event " + event);
  }
}
