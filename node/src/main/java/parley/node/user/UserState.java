package parley.node.user;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import parley.node.CborSerializable;

/**
 * Immutable; small maps copied on change. {@code rooms}: the user's rooms with read markers; {@code delivered}: per
 * room, the seq up to which one of the user's devices holds every entry; {@code readHidden}: the user hides their read
 * marker from others; {@code inbox}: the user's notifications, the last 500; {@code pastRooms}: every room the user was
 * ever added to, the ones they left included; {@code closedAt}: when the user closed the account (null while it is
 * open). A closed account keeps its name (never reusable) and nothing else. Snapshots are read as they were stored, and
 * one stored before the account kept a field has it null: the constructor reads each such field as empty (and
 * {@code pastRooms} as the rooms), so no other code meets the null.
 */
public record UserState(
    String passwordHash,
    Map<String, Instant> tokens,
    Map<String, Long> rooms,
    boolean online,
    Instant lastSeen,
    Map<String, Long> delivered,
    Boolean readHidden,
    List<Notification> inbox,
    Map<String, TokenInfo> tokenInfo,
    Set<String> pastRooms,
    Instant closedAt,
    List<EndedSession> ended,
    Map<String, Invite> invites,
    Set<String> blocked)
    implements CborSerializable {

  /**
   * What the user's device list shows of a token: when it was issued, from which address and user agent, and when
   * it was last used as stored (at most {@link Credentials#TOUCH_EVERY} old while the token is in use). A token issued
   * before the account kept this has none (null address and agent, created = last used = unknown).
   */
  public record TokenInfo(Instant created, String address, String userAgent, Instant lastUsed)
      implements CborSerializable {}

  /**
   * A session (login token) the node ended because the account reached {@code parley.auth.max-sessions}: what the
   * device list showed of it, and when. The last {@link #ENDED_KEPT} are kept, for {@code GET /me/sessions}.
   */
  public record EndedSession(String id, Instant created, Instant lastUsed, String address, String userAgent,
      Instant endedAt) implements CborSerializable {}

  static final int ENDED_KEPT = 10;

  public UserState {
    ended = ended == null ? List.of() : ended;
    invites = invites == null ? Map.of() : invites;
    blocked = blocked == null ? Set.of() : blocked;
    delivered = delivered == null ? Map.of() : delivered;
    readHidden = Boolean.TRUE.equals(readHidden);
    inbox = inbox == null ? List.of() : inbox;
    tokenInfo = tokenInfo == null ? Map.of() : tokenInfo;
    pastRooms = pastRooms == null ? Set.copyOf(rooms.keySet()) : pastRooms;
  }

  public UserState(String passwordHash, Map<String, Instant> tokens, Map<String, Long> rooms, boolean online, Instant lastSeen) {
    this(passwordHash, tokens, rooms, online, lastSeen, Map.of(), false, List.of(), Map.of(), null, null, null,
        null, null);
  }

  /** The same state with this password hash and these tokens (their infos kept only for tokens that remain). */
  private UserState withTokens(String newPasswordHash, Map<String, Instant> nextTokens, Map<String, TokenInfo> nextInfo) {
    Map<String, TokenInfo> info = new HashMap<>(nextInfo);
    info.keySet().retainAll(nextTokens.keySet());
    return new UserState(newPasswordHash, Map.copyOf(nextTokens), rooms, online, lastSeen, delivered, readHidden, inbox,
        Map.copyOf(info), pastRooms, closedAt, ended, invites, blocked);
  }


  private UserState withReach(Map<String, Invite> nextInvites, Set<String> nextBlocked) {
    return new UserState(passwordHash, tokens, rooms, online, lastSeen, delivered, readHidden, inbox, tokenInfo,
        pastRooms, closedAt, ended, nextInvites, nextBlocked);
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
  Set<String> everyRoom() {
    Set<String> all = new TreeSet<>(pastRooms);
    all.addAll(rooms.keySet());
    return all;
  }

  boolean tokenValid(String tokenHash, Instant now) {
    Instant expiry = tokens.get(tokenHash);
    return expiry != null && expiry.isAfter(now);
  }

  UserState apply(UserAccount.Event event) {
    if (event instanceof UserAccount.Registered e) {
      return new UserState(e.passwordHash(), tokens, rooms, online, lastSeen, delivered, readHidden, inbox, tokenInfo, pastRooms, closedAt, ended, invites, blocked);
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
    } else if (event instanceof UserAccount.TokenEvicted e) {
      Map<String, Instant> next = new HashMap<>(tokens);
      next.remove(e.tokenHash());
      TokenInfo info = tokenInfo.get(e.tokenHash());
      List<EndedSession> nextEnded = new ArrayList<>(ended);
      nextEnded.add(0, new EndedSession(Credentials.sessionId(e.tokenHash()), info == null ? null : info.created(),
          e.lastUsed(), info == null ? null : info.address(), info == null ? null : info.userAgent(), e.at()));
      UserState without = withTokens(passwordHash, next, tokenInfo);
      return new UserState(passwordHash, without.tokens, rooms, online, lastSeen, delivered, readHidden, inbox,
          without.tokenInfo, pastRooms, closedAt,
          List.copyOf(nextEnded.subList(0, Math.min(ENDED_KEPT, nextEnded.size()))), invites, blocked);
    } else if (event instanceof UserAccount.Invited e) {
      Map<String, Invite> next = new HashMap<>(invites);
      next.put(e.invite().roomId(), e.invite());
      return withReach(Map.copyOf(next), blocked);
    } else if (event instanceof UserAccount.InviteEnded e) {
      Map<String, Invite> next = new HashMap<>(invites);
      next.remove(e.roomId());
      return withReach(Map.copyOf(next), blocked);
    } else if (event instanceof UserAccount.Blocked e) {
      Set<String> next = new TreeSet<>(blocked);
      next.add(e.username());
      Map<String, Invite> left = new HashMap<>(invites);
      left.values().removeIf(invite -> invite.from().equals(e.username()));
      return withReach(Map.copyOf(left), Set.copyOf(next));
    } else if (event instanceof UserAccount.Unblocked e) {
      Set<String> next = new TreeSet<>(blocked);
      next.remove(e.username());
      return withReach(invites, Set.copyOf(next));
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
      Set<String> past = pastRooms;
      if (!past.contains(e.roomId())) {
        past = new HashSet<>(past);
        past.add(e.roomId());
        past = Set.copyOf(past);
      }
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, delivered, readHidden, inbox, tokenInfo, past, closedAt, ended, invites, blocked);
    } else if (event instanceof UserAccount.RoomRemoved e) {
      Map<String, Long> next = new HashMap<>(rooms);
      next.remove(e.roomId());
      Map<String, Long> nextDelivered = new HashMap<>(delivered);
      nextDelivered.remove(e.roomId());
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, Map.copyOf(nextDelivered), readHidden, inbox, tokenInfo, pastRooms, closedAt, ended, invites, blocked);
    } else if (event instanceof UserAccount.ReadMarkersMoved e) {
      Map<String, Long> next = new HashMap<>(rooms);
      e.markers().forEach((room, seq) -> next.computeIfPresent(room, (r, old) -> Math.max(old, seq)));
      return new UserState(passwordHash, tokens, Map.copyOf(next), online, lastSeen, delivered, readHidden, inbox, tokenInfo, pastRooms, closedAt, ended, invites, blocked);
    } else if (event instanceof UserAccount.WentOnline) {
      return new UserState(passwordHash, tokens, rooms, true, lastSeen, delivered, readHidden, inbox, tokenInfo, pastRooms, closedAt, ended, invites, blocked);
    } else if (event instanceof UserAccount.WentOffline e) {
      return new UserState(passwordHash, tokens, rooms, false, e.at(), delivered, readHidden, inbox, tokenInfo, pastRooms, closedAt, ended, invites, blocked);
    } else if (event instanceof UserAccount.DeliveredMarkersMoved e) {
      Map<String, Long> next = new HashMap<>(delivered);
      e.markers().forEach((room, seq) -> {
        if (rooms.containsKey(room)) {
          next.merge(room, seq, Math::max);
        }
      });
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, Map.copyOf(next), readHidden, inbox, tokenInfo, pastRooms, closedAt, ended, invites, blocked);
    } else if (event instanceof UserAccount.ReadReceiptsSet e) {
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, delivered, !e.shown(), inbox, tokenInfo, pastRooms, closedAt, ended, invites, blocked);
    } else if (event instanceof UserAccount.Notified e) {
      return new UserState(passwordHash, tokens, rooms, online, lastSeen, delivered, readHidden,
          Inbox.with(inbox, e.added()), tokenInfo, pastRooms, closedAt, ended, invites, blocked);
    } else if (event instanceof UserAccount.AccountClosed e) {
      // Every token dies with the account; the rooms stay until each is told (ClosureSpread).
      return new UserState(passwordHash, Map.of(), rooms, false, e.at(), delivered, readHidden, List.of(), Map.of(),
          pastRooms, e.at(), ended, Map.of(), Set.of());
    } else if (event instanceof UserAccount.ClosureSpread) {
      return new UserState(passwordHash, tokens, Map.of(), online, lastSeen, Map.of(), readHidden, inbox, tokenInfo,
          Set.of(), closedAt, ended, invites, blocked);
    }
    throw new IllegalArgumentException("unknown event " + event);
  }
}
