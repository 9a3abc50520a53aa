package parley.node.user;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import parley.node.CborSerializable;
import parley.node.room.ChatRoom;

/**
 * A user: a sharded, event-sourced entity keyed by lower-cased username. It keeps the BCrypt hash, login tokens
 * (as SHA-256 hashes, with expiry, revocable), the rooms the user belongs to with read markers, and presence.
 *
 * <p>Presence is derived from session lifetimes: each WebSocket session registers here and is death-watched, on
 * whichever node it lives. The user is online while one session lives; after the last one ends (closed, dropped,
 * or its node downed) and a short grace, the user goes offline with a last-seen time and the rooms they belong to
 * are told. Going offline is stored only once it has lasted {@code offlineStoreDelay}: a user back sooner (a
 * reconnect, a node's clients all coming back at once) writes nothing. Each session watches the incarnation that
 * accepted it and registers again when it stops (a move, a crashed node), so the next incarnation learns its
 * sessions without any periodic message; if none comes back within the re-register grace, the user is offline.
 *
 * <p>The entity stays in memory while it has sessions (sharding's idle passivation is off for users: a user with
 * silent sessions gets no messages at all) and passivates itself after {@code passivateAfter} with no session and
 * no command.
 *
 * <p>This class is the entity's protocol (its commands, replies and events, nested as the platform guide's entities
 * keep theirs, and kept here because the journal names each event by this class) and the wiring of its parts, each
 * adding the handlers of its own commands: the persistent account ({@link Credentials}, {@link UserRooms},
 * {@link Invitations}, {@link AccountClosure}) and the soft state of the moment ({@link UserSessions}: connected
 * sessions, presence, what they are told; {@link UserRates}: the rate buckets). Sessions hear of their user only as
 * {@link UserNotice}s. The state and its transitions are {@link UserState}, the inbox's rules {@link Inbox}.
 */
public final class UserAccount
    extends EventSourcedBehaviorWithEnforcedReplies<UserAccount.Command, UserAccount.Event, UserState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "User");

  public static void init(ActorSystem<?> system) {
    init(system, NotificationSink.NONE);
  }

  /** With a push gateway: {@code sink} hears of each notification of a user with no open connection. */
  public static void init(ActorSystem<?> system, NotificationSink sink) {
    UserSettings settings = UserSettings.fromConfig(system.settings().config());
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings, Clock.systemUTC(), ctx.getShard(), sink))
            // The entity passivates itself (see passivateAfter): the idle strategy would stop a user whose sessions
            // are all silent, and each of them would then start it again.
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy())
            // A handoff (rebalance, a node leaving) stores what is only in memory before the entity stops.
            .withStopMessage(HandOff.INSTANCE));
  }

  public static PersistenceId persistenceId(String username) {
    return PersistenceId.of(ENTITY_KEY.name(), username);
  }

  /** Without a shard (an entity under test) the user never passivates itself. */
  public static Behavior<Command> create(String username, UserSettings settings, Clock clock) {
    return create(username, settings, clock, null, NotificationSink.NONE);
  }

  static Behavior<Command> create(String username, UserSettings settings, Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard, NotificationSink sink) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new UserAccount(username, settings, clock, ctx, timers, shard, sink)));
  }

  // ---------------------------------------------------------------------------------------------- protocol

  public sealed interface Command extends CborSerializable {}

  public record Register(String passwordHash, ActorRef<Result> replyTo) implements Command {}

  /**
   * The stored password hash, null if the user does not exist: what a node of an earlier version asks at login,
   * during a rolling upgrade (this version asks CheckLogin).
   */
  public record GetPasswordHash(ActorRef<PasswordHash> replyTo) implements Command {}

  /**
   * A login is about to be checked: the hash, unless this account's failed logins hold it back. They hold back only
   * an address that failed too ({@code addressClean} false): a correct password from elsewhere goes through.
   */
  public record CheckLogin(boolean addressClean, ActorRef<LoginCheck> replyTo) implements Command {}

  /** The password given to a login was wrong (counted against the account if it exists). */
  public record LoginFailed() implements Command {}

  /**
   * The gate of every send, from a socket, over HTTP, or an upload's admission: one token from the user's message
   * bucket (over all their connections and nodes), then forwarded to the room, which decides the rest and answers
   * {@code sending.replyTo()}; or refused there with {@code rate_limited}. One hop more than sending to the room, and
   * no round trip through this entity.
   */
  public record SendThrough(String roomId, ChatRoom.Sending sending) implements Command {}

  /**
   * A download ticket may be issued to the session of {@code tokenHash} (parley.limits.tickets, and per session):
   * Done, or Throttled.
   */
  public record TakeTicketToken(String tokenHash, ActorRef<Result> replyTo) implements Command {}

  /** A search may run (parley.limits.search): Done, or Throttled. */
  public record TakeSearch(ActorRef<Result> replyTo) implements Command {}

  /**
   * May {@code from}, whose rooms are {@code fromRooms}, put this user in a DM or group DM? Answered with
   * {@link Reach}: whether the user exists, blocks them, and shares a room with them (then no invitation is needed).
   */
  public record CheckReach(String from, Set<String> fromRooms, ActorRef<Reach> replyTo) implements Command {}

  /** An invitation for this user; ignored if they block its sender, are in the room, or have it already. */
  public record AddInvite(Invite invite) implements Command {}

  /** The user answered the invitation to {@code roomId}: Done, or Rejected {@code no_such_invite}. */
  public record EndInvite(String roomId, boolean accepted, ActorRef<Result> replyTo) implements Command {}

  public record GetInvites(ActorRef<InvitesView> replyTo) implements Command {}

  /** Block {@code target} (their invitations go too), or unblock them: Done, or Rejected. */
  public record SetBlocked(String target, boolean blocked, ActorRef<Result> replyTo) implements Command {}

  /** A DM's room asks whether the user blocks {@code other}; answered with {@link ChatRoom.BlockKnown}. */
  public record TellBlock(String other, ActorRef<ChatRoom.Command> room) implements Command {}

  public record GetBlocks(ActorRef<BlocksView> replyTo) implements Command {}

  /** {@code address} and {@code userAgent}: where the login came from, for the user's list of sessions (may be null). */
  public record IssueToken(String tokenHash, Instant expiresAt, String address, String userAgent, ActorRef<Result> replyTo)
      implements Command {
    public IssueToken(String tokenHash, Instant expiresAt, ActorRef<Result> replyTo) {
      this(tokenHash, expiresAt, null, null, replyTo);
    }
  }

  /**
   * A new password (its hash; the caller checked the current one). Every token but {@code keptTokenHash} (the
   * caller's) is revoked and its sessions signed out, on every node.
   */
  public record ChangePassword(String passwordHash, String keptTokenHash, ActorRef<Result> replyTo) implements Command {}

  /**
   * Close the account (the caller checked the password). Every token dies and every session is signed out; the
   * name is never given again; each room the user is or was in is told, and marks the user's messages there
   * {@code senderDeleted}. Answered once the closure is stored; the rooms are told after, until each confirms.
   */
  public record CloseAccount(ActorRef<Result> replyTo) implements Command {}

  /** A room has recorded the closure (see {@link ChatRoom.CloseMember}). */
  record RoomToldOfClosure(String roomId) implements Command {}

  /** Tell again the rooms that have not confirmed the closure yet. */
  enum SpreadClosure implements Command { INSTANCE }

  /** The user's live tokens, as devices; {@code currentTokenHash} is the caller's. */
  public record ListSessions(String currentTokenHash, ActorRef<SessionsView> replyTo) implements Command {}

  /** Revoke the token whose public id is {@code id} (as {@link ListSessions} shows it). */
  public record RevokeSession(String id, ActorRef<Result> replyTo) implements Command {}

  public record Authenticate(String tokenHash, ActorRef<Result> replyTo) implements Command {}

  /**
   * A WebSocket handshake with a bearer token: authenticated, and admitted if the user holds fewer than the limit of
   * sockets (answered {@code too_many_sockets} otherwise). The admission holds a place until the session registers.
   */
  public record AdmitSocket(String tokenHash, ActorRef<Result> replyTo) implements Command {}

  /** Logout: the token is dead, and every session opened with it is signed out. */
  public record RevokeToken(String tokenHash, ActorRef<Result> replyTo) implements Command {}

  /** v1.4, by a server admin: every token of the account ends, and every connection with it, on every node. */
  public record EndAllSessions(String why, ActorRef<Result> replyTo) implements Command {}

  public record IssueTicket(String tokenHash, String ticketHash, Instant expiresAt, ActorRef<Result> replyTo)
      implements Command {}

  /**
   * Single use: a redeemed ticket is gone. Answered with the token hash the ticket was issued under, and admitted as
   * {@link AdmitSocket} is (a ticket opens a WebSocket).
   */
  public record RedeemTicket(String ticketHash, ActorRef<Result> replyTo) implements Command {}

  public record AddRoom(String roomId, long joinSeq, ActorRef<Result> replyTo) implements Command {}

  /** {@code removal}: why, when the user was removed rather than left (told to their sessions); else null. */
  public record RemoveRoom(String roomId, UserNotice.Removal removal, ActorRef<Result> replyTo) implements Command {
    public RemoveRoom(String roomId, ActorRef<Result> replyTo) {
      this(roomId, null, replyTo);
    }
  }

  /** Move a read marker forward (never back). replyTo may be null. */
  public record MarkRead(String roomId, long seq, ActorRef<Result> replyTo) implements Command {}

  /** A room (recovered, or just joined) asks the user's markers in it; answered with MarkersMoved. */
  public record GetMarkers(String roomId, ActorRef<ChatRoom.Command> replyTo) implements Command {}

  /** Show or hide the user's read markers to others. */
  public record SetReadReceipts(boolean shown, ActorRef<Result> replyTo) implements Command {}

  public record GetSettings(ActorRef<SettingsView> replyTo) implements Command {}

  /**
   * From a room: a stored message mentions the user, or came in one of their DMs. Kept in the inbox (stored in
   * the next marker batch), told at once to every connection of the user; with none, to the {@link NotificationSink}.
   */
  public record Notify(String roomId, long seq, String sender, String kind, String excerpt) implements Command {}

  /** The inbox, newest first: up to {@code limit} with an id below {@code before} (null: the newest). */
  public record GetNotifications(Long before, int limit, ActorRef<NotificationsView> replyTo) implements Command {}

  public record GetSummary(ActorRef<Summary> replyTo) implements Command {}

  public record GetPresence(ActorRef<PresenceView> replyTo) implements Command {}

  /** A room (recovered, or just joined) asks the user's presence; answered with PresenceChanged. */
  public record TellPresence(ActorRef<ChatRoom.Command> room) implements Command {}

  /**
   * A session opened, or registers again because the incarnation that accepted it stopped; answered with Accepted or
   * Rejected.
   */
  public record SessionStarted(ActorRef<UserNotice> session, String tokenHash, ActorRef<Result> replyTo)
      implements Command {}

  record SessionEnded(ActorRef<UserNotice> session) implements Command {}

  record OfflineGraceOver(Instant lastSeen) implements Command {}

  enum ReregisterGraceOver implements Command { INSTANCE }

  enum FlushMarkers implements Command { INSTANCE }

  private enum IdleCheck implements Command { INSTANCE }

  /** The user has been offline for {@code offlineStoreDelay}: store it. */
  enum StoreOffline implements Command { INSTANCE }

  /** Sharding stops the entity (handoff or passivation): store pending markers and an offline not stored yet. */
  enum HandOff implements Command { INSTANCE }

  public interface Result extends CborSerializable {}

  public enum Done implements Result { INSTANCE }

  public record Rejected(String code, String message) implements Result {}

  /** One token as a device of the user's. {@code id}: public, derived from the token's hash. */
  public record DeviceSession(String id, Instant created, Instant lastUsed, String address, String userAgent,
      boolean current, Instant expiresAt) implements CborSerializable {}

  public record SessionsView(List<DeviceSession> sessions, int limit, List<UserState.EndedSession> ended)
      implements CborSerializable {}

  public record Reach(String username, boolean exists, boolean blocks, boolean sharesRoom) implements CborSerializable {}

  public record InvitesView(List<Invite> invites) implements CborSerializable {}

  public record BlocksView(List<String> blocked) implements CborSerializable {}

  /** {@code rate_limited}: try again in {@code retryAfterMs}. */
  public record Throttled(long retryAfterMs, String message) implements Result {}

  public record Authenticated(String username, String tokenHash) implements Result {}

  /**
   * A session is registered: the user's rooms with read markers, when the session's token expires, and the
   * incarnation that accepted it (the session watches it, and registers again when it stops).
   */
  public record Accepted(
      String username, Map<String, Long> rooms, Instant tokenExpiresAt, ActorRef<Command> user, long notifications,
      Set<String> blocks) implements Result {}

  public record PasswordHash(String hash) implements CborSerializable {}

  /**
   * The hash to check the password against (null for no such user), or, when {@code retryAfterMs} > 0, how long the
   * caller waits before this account's password is checked for it.
   */
  public record LoginCheck(String hash, long retryAfterMs) implements CborSerializable {}

  /** {@code blocks}: whom the user blocks (their messages count in no unread count of the user's). */
  public record Summary(String username, boolean exists, Map<String, Long> rooms, Set<String> blocks)
      implements CborSerializable {}

  public record PresenceView(String username, boolean exists, boolean online, Instant lastSeen)
      implements CborSerializable {}

  public record SettingsView(boolean exists, boolean readReceipts) implements CborSerializable {}

  /** A page of the inbox, each with whether it is read; {@code next}: the {@code before} of the next page, or null. */
  public record NotificationsView(List<Notification> notifications, List<Boolean> read, Long next)
      implements CborSerializable {}

  // ---------------------------------------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {}

  public record Registered(String passwordHash, Instant at) implements Event {}

  /** Tokens expired at {@code at} are dropped with it; {@code address} and {@code userAgent}: null in older events. */
  public record TokenIssued(String tokenHash, Instant expiresAt, Instant at, String address, String userAgent)
      implements Event {
    public TokenIssued(String tokenHash, Instant expiresAt, Instant at) {
      this(tokenHash, expiresAt, at, null, null);
    }
  }

  /** A token was used: its lifetime slides to {@code expiresAt}. Stored at most once per {@link Credentials#TOUCH_EVERY}. */
  public record TokenUsed(String tokenHash, Instant at, Instant expiresAt) implements Event {}

  /** The password changed; only {@code keptTokenHash} (the changer's token) stays valid. */
  public record PasswordChanged(String passwordHash, String keptTokenHash, Instant at) implements Event {}

  public record TokenRevoked(String tokenHash) implements Event {}

  /** An invitation came (see {@link Invite}). */
  public record Invited(Invite invite) implements Event {}

  /** The invitation to the room was accepted or declined. */
  public record InviteEnded(String roomId, boolean accepted) implements Event {}

  /** The user blocked {@code username}; their waiting invitations went with it. */
  public record Blocked(String username) implements Event {}

  public record Unblocked(String username) implements Event {}

  /** A login went past {@code parley.auth.max-sessions}: this token, the least recently used, ended with it. */
  public record TokenEvicted(String tokenHash, Instant at, Instant lastUsed) implements Event {}

  public record RoomAdded(String roomId, long readSeq) implements Event {}

  public record RoomRemoved(String roomId) implements Event {}

  public record ReadMarkersMoved(Map<String, Long> markers) implements Event {}

  /**
   * Written before rooms kept delivered markers ({@code DeliveredMarkers}): replayed, never written now. The
   * room takes the higher of this and its own.
   */
  public record DeliveredMarkersMoved(Map<String, Long> markers) implements Event {}

  public record ReadReceiptsSet(boolean shown) implements Event {}

  public record Notified(List<Notification> added) implements Event {}

  public record WentOnline(Instant at) implements Event {}

  public record WentOffline(Instant at) implements Event {}

  /** The account is closed: its tokens are dead, its name kept. */
  public record AccountClosed(Instant at) implements Event {}

  /** Every room of a closed account has recorded the closure; the account holds no room any more. */
  public record ClosureSpread() implements Event {}

  // ---------------------------------------------------------------------------------------------- behavior

  private final UserScope scope;
  /** Null under test: the entity then never passivates itself. */
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final UserSessions sessions;
  private final UserRates rates;
  private final Credentials credentials;
  private final UserRooms rooms;
  private final Invitations invitations;
  private final AccountClosure closure;
  /** System.nanoTime() of the last command other than the idle check. */
  private long lastCommandAt = System.nanoTime();

  private UserAccount(
      String username,
      UserSettings settings,
      Clock clock,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      NotificationSink sink) {
    // A failed journal write or replay stops the user, as it stops a room (ChatRoom's constructor says why not a
    // restart); sharding starts a new one with the next message, and sessions register with it (UserGone).
    super(persistenceId(username));
    this.scope = new UserScope(username, settings, clock, context, timers, ClusterSharding.get(context.getSystem()),
        Effect());
    this.shard = shard;
    this.sessions = new UserSessions(scope, sink);
    this.rates = new UserRates(scope);
    this.credentials = new Credentials(scope, sessions, rates);
    this.rooms = new UserRooms(scope, sessions);
    this.invitations = new Invitations(scope, sessions);
    this.closure = new AccountClosure(scope, credentials, rooms);
    scheduleIdleCheck(settings.passivateAfter());
  }

  @Override
  public UserState emptyState() {
    return new UserState(null, Map.of(), Map.of(), false, null);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public SignalHandler<UserState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state.online()) {
                sessions.awaitReregistering();
              }
              // Closed, and some room may not know yet (the node stopped while it was told): tell them again.
              if (state.closed() && !state.everyRoom().isEmpty()) {
                closure.spread(state);
              }
            })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, UserState> commandHandler() {
    CommandHandlerWithReplyBuilderByState<Command, Event, UserState, UserState> builder =
        newCommandHandlerWithReplyBuilder().forAnyState();
    credentials.addTo(builder);
    rates.addTo(builder);
    rooms.addTo(builder);
    invitations.addTo(builder);
    closure.addTo(builder);
    sessions.addTo(builder);
    CommandHandlerWithReply<Command, Event, UserState> handler = builder
        .onCommand(SessionStarted.class, this::onSessionStarted)
        .onCommand(SessionEnded.class, (s, c) -> {
          if (sessions.ended(c.session())) {
            scheduleIdleCheck(scope.settings().passivateAfter());
          }
          return Effect().noReply();
        })
        .onCommand(IdleCheck.class, this::onIdleCheck)
        .onCommand(HandOff.class, this::onHandOff)
        .build();
    return (state, command) -> {
      if (command != IdleCheck.INSTANCE) {
        lastCommandAt = System.nanoTime();
      }
      return handler.apply(state, command);
    };
  }

  /** A session registers: it learns the user's rooms with their markers and the unread notifications. */
  private ReplyEffect<Event, UserState> onSessionStarted(UserState state, SessionStarted cmd) {
    if (!state.tokenValid(cmd.tokenHash(), scope.now())) {
      cmd.session().tell(new UserNotice.SignedOut("logged out"));
      return Effect().reply(cmd.replyTo(), UserScope.unauthorized());
    }
    boolean comesOnline = sessions.started(state, cmd.session(), cmd.tokenHash());
    Map<String, Long> markers = rooms.rooms(state);
    Accepted accepted = new Accepted(scope.username(), markers, state.tokens().get(cmd.tokenHash()),
        scope.context().getSelf(), Inbox.unread(rooms.inbox(state), markers), state.blocked());
    if (!comesOnline) {
      return credentials.replyTouching(state, cmd.tokenHash(), cmd.replyTo(), accepted);
    }
    return Effect().persist(new WentOnline(scope.now())).thenRun(sessions::tellRooms)
        .thenReply(cmd.replyTo(), s -> accepted);
  }

  /**
   * No session, no command for {@code passivateAfter}, nothing waiting to be stored or decided: the entity leaves
   * memory (the next command starts it again from its snapshot). Tickets are dropped with it; they live 30 s. The
   * check runs only while the entity has no session: from its start, and from when its last session ends.
   */
  private ReplyEffect<Event, UserState> onIdleCheck(UserState state, IdleCheck cmd) {
    if (!sessions.isEmpty()) {
      return Effect().noReply();
    }
    long quiet = System.nanoTime() - lastCommandAt;
    long after = scope.settings().passivateAfter().toNanos();
    if (quiet >= after && rooms.markersSettled() && closure.settled() && sessions.settled()
        && !rates.recentLoginFailures()) {
      shard.tell(new ClusterSharding.Passivate<>(scope.context().getSelf()));
    } else {
      scheduleIdleCheck(Duration.ofNanos(Math.max(after - quiet, Duration.ofSeconds(1).toNanos())));
    }
    return Effect().noReply();
  }

  private void scheduleIdleCheck(Duration in) {
    if (shard != null) {
      scope.timers().startSingleTimer(IdleCheck.INSTANCE, in);
    }
  }

  private ReplyEffect<Event, UserState> onHandOff(UserState state, HandOff cmd) {
    List<Event> events = new ArrayList<>(rooms.pendingEvents());
    WentOffline offline = sessions.unstoredOffline();
    if (offline != null) {
      events.add(offline);
    }
    return events.isEmpty() ? Effect().stop().thenNoReply() : Effect().persist(events).thenStop().thenNoReply();
  }

  @Override
  public EventHandler<UserState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(UserState::apply);
  }
}
