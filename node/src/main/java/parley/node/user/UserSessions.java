package parley.node.user;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import parley.node.room.ChatRoom;
import parley.node.user.UserAccount.Authenticated;
import parley.node.user.UserAccount.Command;
import parley.node.user.UserAccount.Event;
import parley.node.user.UserAccount.GetPresence;
import parley.node.user.UserAccount.OfflineGraceOver;
import parley.node.user.UserAccount.PresenceView;
import parley.node.user.UserAccount.ReregisterGraceOver;
import parley.node.user.UserAccount.Rejected;
import parley.node.user.UserAccount.Result;
import parley.node.user.UserAccount.StoreOffline;
import parley.node.user.UserAccount.TellPresence;
import parley.node.user.UserAccount.WentOffline;

/**
 * The user's soft state of the moment: the sessions connected now (on any node, each death-watched), the sockets
 * admitted and not registered yet, and presence derived from them. None of it is stored but the moments the user
 * goes online and offline; the rest is learnt again from the sessions, which register with each new incarnation.
 * Sessions hear what happened to their user as {@link UserNotice}s, told here.
 */
final class UserSessions {
  private final UserScope scope;
  private final NotificationSink sink;
  /** Live sessions (any node) and the token each was opened with. */
  private final Map<ActorRef<UserNotice>, String> sessions = new HashMap<>();
  /** When each socket admitted but not registered yet stops holding its place (nanoTime), oldest first. */
  private final ArrayDeque<Long> admissions = new ArrayDeque<>();
  /**
   * Soft until stored (after {@code offlineStoreDelay}): when the last session of a user stored as online ended, once
   * the user went offline. Null while presence is what is stored.
   */
  private Instant offlineSince;

  UserSessions(UserScope scope, NotificationSink sink) {
    this.scope = scope;
    this.sink = sink;
  }

  void addTo(CommandHandlerWithReplyBuilderByState<Command, Event, UserState, UserState> handler) {
    handler
        .onCommand(GetPresence.class, (s, c) -> scope.effect().reply(c.replyTo(), presence(s)))
        .onCommand(TellPresence.class, (s, c) -> scope.effect().reply(c.room(), presenceChange(s)))
        .onCommand(OfflineGraceOver.class, (s, c) -> goOfflineIfAlone(s, c.lastSeen()))
        .onCommand(ReregisterGraceOver.class, (s, c) -> goOfflineIfAlone(s, scope.now()))
        .onCommand(StoreOffline.class, (s, c) -> onStoreOffline());
  }

  boolean isEmpty() {
    return sessions.isEmpty();
  }

  /** The same notice to every session of the user. */
  void tell(UserNotice notice) {
    sessions.keySet().forEach(session -> session.tell(notice));
  }

  /** Sessions opened with {@code tokenHash} end: the token is dead. */
  void signOut(String tokenHash, String why) {
    sessions.forEach((session, token) -> {
      if (token.equals(tokenHash)) {
        session.tell(new UserNotice.SignedOut(why));
      }
    });
  }

  /** Sessions of tokens no longer valid (revoked, or dropped by a password change) end. */
  void signOutWithout(UserState state, String why) {
    sessions.forEach((session, token) -> {
      if (!state.tokens().containsKey(token)) {
        session.tell(new UserNotice.SignedOut(why));
      }
    });
  }

  /** A new notification: told to every connection of the user; with none, to the {@link NotificationSink}. */
  void notified(Notification notification) {
    if (sessions.isEmpty()) {
      sink.offline(scope.username(), notification);
    } else {
      tell(new UserNotice.Notified(notification));
    }
  }

  /** A socket with this token may open: it is valid and the user holds fewer sockets than the limit. */
  Result admit(UserState state, String tokenHash) {
    if (!state.tokenValid(tokenHash, scope.now())) {
      return UserScope.unauthorized();
    }
    long now = System.nanoTime();
    while (!admissions.isEmpty() && admissions.peekFirst() - now <= 0) {
      admissions.pollFirst();
    }
    UserSettings.Limits limits = scope.settings().limits();
    int max = limits.socketsPerUser();
    if (sessions.size() + admissions.size() >= max) {
      return new Rejected("too_many_sockets", "you have " + max + " connections open, the limit per user "
          + "(parley.limits.sockets-per-user); close one and try again");
    }
    admissions.addLast(now + limits.admissionHold().toNanos());
    return new Authenticated(scope.username(), tokenHash);
  }

  /**
   * A session with a valid token registers (watched from now on). True when the user comes online with it, which is
   * then to be stored; false when presence is right already (online, or back before an offline was stored).
   */
  boolean started(UserState state, ActorRef<UserNotice> session, String tokenHash) {
    if (!sessions.containsKey(session)) {
      // A session admitted here takes over the place its admission held (one registering again after a move had none).
      admissions.pollFirst();
      sessions.put(session, tokenHash);
      scope.context().watchWith(session, new UserAccount.SessionEnded(session));
    }
    scope.timers().cancel(ReregisterGraceOver.INSTANCE);
    scope.timers().cancel(OfflineGraceOver.class);
    if (offlineSince != null) {
      // Back before the offline was stored: stored presence is right again, and nothing is written.
      offlineSince = null;
      scope.timers().cancel(StoreOffline.INSTANCE);
      tellRooms(state);
      return false;
    }
    return !state.online();
  }

  /** A session ended; true when it was the user's last (who goes offline after the grace). */
  boolean ended(ActorRef<UserNotice> session) {
    sessions.remove(session);
    if (!sessions.isEmpty()) {
      return false;
    }
    scope.timers().startSingleTimer(OfflineGraceOver.class, new OfflineGraceOver(scope.now()),
        scope.settings().offlineGrace());
    return true;
  }

  /** Presence waits on nothing: no offline to store, no grace running. */
  boolean settled() {
    return offlineSince == null
        && !scope.timers().isTimerActive(OfflineGraceOver.class)
        && !scope.timers().isTimerActive(ReregisterGraceOver.INSTANCE);
  }

  /** The previous incarnation had sessions: they register again as they see it stop, or the user is offline. */
  void awaitReregistering() {
    scope.timers().startSingleTimer(ReregisterGraceOver.INSTANCE, scope.settings().reregisterGrace());
  }

  private ReplyEffect<Event, UserState> goOfflineIfAlone(UserState state, Instant lastSeen) {
    if (!sessions.isEmpty() || !state.online() || offlineSince != null) {
      return scope.effect().noReply();
    }
    if (scope.settings().offlineStoreDelay().isZero()) {
      return scope.effect().persist(new WentOffline(lastSeen)).thenRun(this::tellRooms).thenNoReply();
    }
    offlineSince = lastSeen;
    scope.timers().startSingleTimer(StoreOffline.INSTANCE, scope.settings().offlineStoreDelay());
    tellRooms(state);
    return scope.effect().noReply();
  }

  private ReplyEffect<Event, UserState> onStoreOffline() {
    WentOffline event = unstoredOffline();
    return event == null ? scope.effect().noReply() : scope.effect().persist(event).thenNoReply();
  }

  /** The offline not stored yet, as its event (null if none), forgotten here: the caller stores it. */
  WentOffline unstoredOffline() {
    if (offlineSince == null) {
      return null;
    }
    WentOffline event = new WentOffline(offlineSince);
    offlineSince = null;
    return event;
  }

  /** Every room of the user hears their presence as their room mates are to see it. */
  void tellRooms(UserState state) {
    ChatRoom.PresenceChanged change = presenceChange(state);
    for (String roomId : state.rooms().keySet()) {
      scope.room(roomId).tell(change);
    }
  }

  /** Online and last seen as the user's room mates see them: stored, or gone offline and not stored yet. */
  private boolean online(UserState state) {
    return state.online() && offlineSince == null;
  }

  private Instant lastSeen(UserState state) {
    return offlineSince != null ? offlineSince : state.lastSeen();
  }

  private ChatRoom.PresenceChanged presenceChange(UserState state) {
    return new ChatRoom.PresenceChanged(scope.username(), online(state), lastSeen(state));
  }

  private PresenceView presence(UserState state) {
    return new PresenceView(scope.username(), state.exists(), online(state), lastSeen(state));
  }
}
