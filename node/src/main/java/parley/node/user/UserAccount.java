package parley.node.user;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import parley.node.CborSerializable;
import parley.node.delivery.ClientSession;
import parley.node.limits.FailureBackoff;
import parley.node.limits.TokenBucket;
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
 * <p>Its size (about 780 lines) is its protocol (commands, replies and events, nested as the platform guide's entities
 * keep theirs) and one handler per command; the state and its transitions are {@link UserState}, the inbox's rules
 * {@link Inbox}. Sessions, presence, markers and notifications share the entity's soft state (who is connected, what
 * is not stored yet, written in one batch a second), so they stay together here.
 */
public final class UserAccount
    extends EventSourcedBehaviorWithEnforcedReplies<UserAccount.Command, UserAccount.Event, UserState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "User");

  /** A token's use is stored (TokenUsed: last used, and its lifetime slid) at most this often. */
  public static final Duration TOUCH_EVERY = Duration.ofHours(1);

  /**
   * {@code offlineStoreDelay}: how long a user is offline before {@code WentOffline} is stored. One back sooner
   * stores nothing, neither {@code WentOffline} nor {@code WentOnline}: a reconnect storm or a flapping network is
   * then no write at all. Zero stores it as the user goes offline.
   */
  public record Settings(
      Duration offlineGrace,
      Duration offlineStoreDelay,
      Duration reregisterGrace,
      Duration markerFlush,
      Duration passivateAfter,
      Limits limits,
      Duration tokenTtl) {
    public Settings(Duration offlineGrace, Duration offlineStoreDelay, Duration reregisterGrace, Duration markerFlush,
        Duration passivateAfter) {
      this(offlineGrace, offlineStoreDelay, reregisterGrace, markerFlush, passivateAfter, Limits.DEFAULT,
          Duration.ofDays(30));
    }

    public static Settings fromConfig(com.typesafe.config.Config config) {
      return new Settings(
          config.getDuration("parley.presence.offline-grace"),
          config.getDuration("parley.presence.offline-store-delay"),
          config.getDuration("parley.presence.reregister-grace"),
          Duration.ofSeconds(1),
          config.getDuration("parley.user.passivate-after"),
          new Limits(
              config.getInt("parley.limits.sockets-per-user"),
              config.getInt("parley.limits.rooms-per-window"),
              config.getDuration("parley.limits.room-window"),
              config.getDuration("parley.ask-timeout").multipliedBy(2),
              config.getInt("parley.limits.messages.burst"),
              config.getDouble("parley.limits.messages.per-second"),
              FailureBackoff.Rule.fromConfig(config.getConfig("parley.limits.login.per-account"))),
          config.getDuration("parley.auth.token-ttl"));
    }
  }

  /**
   * What one user may hold or do: {@code socketsPerUser} WebSockets at once (admitted here, one at a time, so racing
   * handshakes cannot pass it together: each admission holds a place for {@code admissionHold} until its session
   * registers), {@code roomsPerWindow} new rooms per {@code roomWindow}, messages at the rate of a token bucket
   * ({@code messageBurst}, {@code messagesPerSecond}), and logins after failures as {@code loginRule} says.
   */
  public record Limits(int socketsPerUser, int roomsPerWindow, Duration roomWindow, Duration admissionHold,
      int messageBurst, double messagesPerSecond, FailureBackoff.Rule loginRule) {
    static final Limits DEFAULT = new Limits(32, 20, Duration.ofHours(1), Duration.ofSeconds(20), 30, 10,
        new FailureBackoff.Rule(5, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofMinutes(15)));
  }

  public static void init(ActorSystem<?> system) {
    init(system, NotificationSink.NONE);
  }

  /** With a push gateway: {@code sink} hears of each notification of a user with no open connection. */
  public static void init(ActorSystem<?> system, NotificationSink sink) {
    Settings settings = Settings.fromConfig(system.settings().config());
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
  public static Behavior<Command> create(String username, Settings settings, Clock clock) {
    return create(username, settings, clock, null, NotificationSink.NONE);
  }

  static Behavior<Command> create(String username, Settings settings, Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard, NotificationSink sink) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new UserAccount(username, settings, clock, ctx, timers, shard, sink)));
  }

  // ---------------------------------------------------------------------------------------------- protocol

  public sealed interface Command extends CborSerializable {}

  public record Register(String passwordHash, ActorRef<Result> replyTo) implements Command {}

  /** The stored password hash, null if the user does not exist (the caller checks it off the actor). */
  /** What a node of an earlier version asks at login, during a rolling upgrade; this version asks CheckLogin. */
  public record GetPasswordHash(ActorRef<PasswordHash> replyTo) implements Command {}

  /**
   * A login is about to be checked: the hash, unless this account's failed logins hold it back. They hold back only
   * an address that failed too ({@code addressClean} false): a correct password from elsewhere goes through.
   */
  public record CheckLogin(boolean addressClean, ActorRef<LoginCheck> replyTo) implements Command {}

  /** The password given to a login was wrong (counted against the account if it exists). */
  public record LoginFailed() implements Command {}

  /**
   * A session's send, through the user's message bucket: forwarded to the room, or refused with {@code rate_limited}
   * to {@code send.replyTo()}. One hop more than sending to the room, and no round trip: the room answers the session.
   */
  public record SendThrough(String roomId, ChatRoom.Send send) implements Command {}

  /** A message posted over HTTP takes a token from the same bucket: {@code Done}, or {@code Throttled}. */
  public record TakeMessageToken(ActorRef<Result> replyTo) implements Command {}

  /** {@code address} and {@code userAgent}: where the login came from, for the user's list of sessions (may be null). */
  public record IssueToken(String tokenHash, Instant expiresAt, String address, String userAgent, ActorRef<Result> replyTo)
      implements Command {
    public IssueToken(String tokenHash, Instant expiresAt, ActorRef<Result> replyTo) {
      this(tokenHash, expiresAt, null, null, replyTo);
    }
  }

  /**
   * v1.1: a new password (its hash; the caller checked the current one). Every token but {@code keptTokenHash} (the
   * caller's) is revoked and its sockets closed with 4001, on every node.
   */
  public record ChangePassword(String passwordHash, String keptTokenHash, ActorRef<Result> replyTo) implements Command {}

  /**
   * v1.1: close the account (the caller checked the password). Every token dies and every socket closes (4001); the
   * name is never given again; each room the user is or was in is told, and marks the user's messages there
   * {@code senderDeleted}. Answered once the closure is stored; the rooms are told after, until each confirms.
   */
  public record CloseAccount(ActorRef<Result> replyTo) implements Command {}

  /** A room has recorded the closure (see {@link ChatRoom.CloseMember}). */
  private record RoomToldOfClosure(String roomId) implements Command {}

  /** Tell again the rooms that have not confirmed the closure yet. */
  private enum SpreadClosure implements Command { INSTANCE }

  /** v1.1: the user's live tokens, as devices; {@code currentTokenHash} is the caller's. */
  public record ListSessions(String currentTokenHash, ActorRef<SessionsView> replyTo) implements Command {}

  /** v1.1: revoke the token whose public id is {@code id} (as {@link ListSessions} shows it). */
  public record RevokeSession(String id, ActorRef<Result> replyTo) implements Command {}

  public record Authenticate(String tokenHash, ActorRef<Result> replyTo) implements Command {}

  /**
   * A WebSocket handshake with a bearer token: authenticated, and admitted if the user holds fewer than the limit of
   * sockets (answered {@code too_many_sockets} otherwise). The admission holds a place until the session registers.
   */
  public record AdmitSocket(String tokenHash, ActorRef<Result> replyTo) implements Command {}

  /** The user is about to create a room: answered Done, or {@code too_many_rooms} past the limit per window. */
  public record CountRoomCreation(ActorRef<Result> replyTo) implements Command {}

  /** Logout: the token is dead, and every session opened with it is closed (4001). */
  public record RevokeToken(String tokenHash, ActorRef<Result> replyTo) implements Command {}

  public record IssueTicket(String tokenHash, String ticketHash, Instant expiresAt, ActorRef<Result> replyTo)
      implements Command {}

  /**
   * Single use: a redeemed ticket is gone. Answered with the token hash the ticket was issued under, and admitted as
   * {@link AdmitSocket} is (a ticket opens a WebSocket).
   */
  public record RedeemTicket(String ticketHash, ActorRef<Result> replyTo) implements Command {}

  public record AddRoom(String roomId, long joinSeq, ActorRef<Result> replyTo) implements Command {}

  /** {@code removal} (v1.1): why, when the user was removed rather than left (told to their sessions); else null. */
  public record RemoveRoom(String roomId, ClientSession.Removal removal, ActorRef<Result> replyTo) implements Command {
    public RemoveRoom(String roomId, ActorRef<Result> replyTo) {
      this(roomId, null, replyTo);
    }
  }

  /** Move a read marker forward (never back). replyTo may be null. */
  public record MarkRead(String roomId, long seq, ActorRef<Result> replyTo) implements Command {}

  /** v1.1: a room (recovered, or just joined) asks the user's markers in it; answered with MarkersMoved. */
  public record GetMarkers(String roomId, ActorRef<ChatRoom.Command> replyTo) implements Command {}

  /** v1.1: show or hide the user's read markers to others. */
  public record SetReadReceipts(boolean shown, ActorRef<Result> replyTo) implements Command {}

  public record GetSettings(ActorRef<SettingsView> replyTo) implements Command {}

  /**
   * v1.1, from a room: a stored message mentions the user, or came in one of their DMs. Kept in the inbox (stored in
   * the next marker batch), told at once to every connection of the user; with none, to the {@link NotificationSink}.
   */
  public record Notify(String roomId, long seq, String sender, String kind, String excerpt) implements Command {}

  /** v1.1: the inbox, newest first: up to {@code limit} with an id below {@code before} (null: the newest). */
  public record GetNotifications(Long before, int limit, ActorRef<NotificationsView> replyTo) implements Command {}

  public record GetSummary(ActorRef<Summary> replyTo) implements Command {}

  public record GetPresence(ActorRef<PresenceView> replyTo) implements Command {}

  /**
   * A session opened, or registers again because the incarnation that accepted it stopped; answered with Accepted or
   * Rejected.
   */
  public record SessionStarted(ActorRef<ClientSession.Command> session, String tokenHash, ActorRef<Result> replyTo)
      implements Command {}

  private record SessionEnded(ActorRef<ClientSession.Command> session) implements Command {}

  private record OfflineGraceOver(Instant lastSeen) implements Command {}

  private enum ReregisterGraceOver implements Command { INSTANCE }

  private enum FlushMarkers implements Command { INSTANCE }

  private enum IdleCheck implements Command { INSTANCE }

  /** The user has been offline for {@code offlineStoreDelay}: store it. */
  private enum StoreOffline implements Command { INSTANCE }

  /** Sharding stops the entity (handoff or passivation): store pending markers and an offline not stored yet. */
  enum HandOff implements Command { INSTANCE }

  public interface Result extends CborSerializable {}

  public enum Done implements Result { INSTANCE }

  public record Rejected(String code, String message) implements Result {}

  /** v1.1: one token as a device of the user's. {@code id}: public, derived from the token's hash. */
  public record DeviceSession(String id, Instant created, Instant lastUsed, String address, String userAgent,
      boolean current, Instant expiresAt) implements CborSerializable {}

  public record SessionsView(List<DeviceSession> sessions) implements CborSerializable {}

  /** {@code rate_limited}: try again in {@code retryAfterMs}. */
  public record Throttled(long retryAfterMs, String message) implements Result {}

  public record Authenticated(String username, String tokenHash) implements Result {}

  /**
   * A session is registered: the user's rooms with read markers, when the session's token expires, and the
   * incarnation that accepted it (the session watches it, and registers again when it stops).
   */
  public record Accepted(
      String username, Map<String, Long> rooms, Instant tokenExpiresAt, ActorRef<Command> user, long notifications)
      implements Result {}

  public record PasswordHash(String hash) implements CborSerializable {}

  /**
   * The hash to check the password against (null for no such user), or, when {@code retryAfterMs} > 0, how long the
   * caller waits before this account's password is checked for it.
   */
  public record LoginCheck(String hash, long retryAfterMs) implements CborSerializable {}

  public record Summary(String username, boolean exists, Map<String, Long> rooms) implements CborSerializable {}

  public record PresenceView(String username, boolean exists, boolean online, Instant lastSeen)
      implements CborSerializable {}

  public record SettingsView(boolean exists, boolean readReceipts) implements CborSerializable {}

  /** A page of the inbox, each with whether it is read; {@code next}: the {@code before} of the next page, or null. */
  public record NotificationsView(List<Notification> notifications, List<Boolean> read, Long next)
      implements CborSerializable {}

  // ---------------------------------------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {}

  public record Registered(String passwordHash, Instant at) implements Event {}

  /** Tokens expired at {@code at} are dropped with it. */
  /** {@code address} and {@code userAgent}: null in events stored before v1.1. */
  public record TokenIssued(String tokenHash, Instant expiresAt, Instant at, String address, String userAgent)
      implements Event {
    public TokenIssued(String tokenHash, Instant expiresAt, Instant at) {
      this(tokenHash, expiresAt, at, null, null);
    }
  }

  /** A token was used: its lifetime slides to {@code expiresAt}. Stored at most once per {@link #TOUCH_EVERY}. */
  public record TokenUsed(String tokenHash, Instant at, Instant expiresAt) implements Event {}

  /** The password changed; only {@code keptTokenHash} (the changer's token) stays valid. */
  public record PasswordChanged(String passwordHash, String keptTokenHash, Instant at) implements Event {}

  public record TokenRevoked(String tokenHash) implements Event {}

  public record RoomAdded(String roomId, long readSeq) implements Event {}

  public record RoomRemoved(String roomId) implements Event {}

  public record ReadMarkersMoved(Map<String, Long> markers) implements Event {}

  /**
   * v1.1, written before rooms kept delivered markers ({@code DeliveredMarkers}): replayed, never written now. The
   * room takes the higher of this and its own.
   */
  public record DeliveredMarkersMoved(Map<String, Long> markers) implements Event {}

  public record ReadReceiptsSet(boolean shown) implements Event {}

  public record Notified(List<Notification> added) implements Event {}

  public record WentOnline(Instant at) implements Event {}

  public record WentOffline(Instant at) implements Event {}

  /** v1.1: the account is closed: its tokens are dead, its name kept. */
  public record AccountClosed(Instant at) implements Event {}

  /** v1.1: every room of a closed account has recorded the closure; the account holds no room any more. */
  public record ClosureSpread() implements Event {}

  // ---------------------------------------------------------------------------------------------- behavior

  private final String username;
  private final Settings settings;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ClusterSharding sharding;
  /** Soft: live sessions (any node) and the token each was opened with. */
  private final Map<ActorRef<ClientSession.Command>, String> sessions = new HashMap<>();
  /** Soft: WebSocket tickets by hash: the token they were issued under, and their expiry. */
  private final Map<String, Map.Entry<String, Instant>> tickets = new HashMap<>();
  /** Soft until flushed (within a second): read markers moved since the last flush. */
  private final Map<String, Long> pendingMarkers = new HashMap<>();
  /** Soft until flushed with the markers: notifications since the last flush, oldest first. */
  private final List<Notification> pendingNotifications = new ArrayList<>();
  private final NotificationSink sink;
  /** Soft: when each socket admitted but not registered yet stops holding its place (nanoTime), oldest first. */
  private final java.util.ArrayDeque<Long> admissions = new java.util.ArrayDeque<>();
  /** Soft: when each token was last let in (stored at most once per TOUCH_EVERY; this is the exact time). */
  private final Map<String, Instant> usedAt = new HashMap<>();
  /** Soft: the user's message bucket (sends from all sessions and HTTP), made at the first send. */
  private TokenBucket messages;
  /** Soft: this account's failed logins within the window (the entity stays in memory while there are any). */
  private FailureBackoff loginFailures;
  /** Soft: when this user created rooms within the last room window (nanoTime), oldest first. */
  private final java.util.ArrayDeque<Long> roomsCreated = new java.util.ArrayDeque<>();
  /**
   * Soft until stored (after {@code offlineStoreDelay}): when the last session of a user stored as online ended, once
   * the user went offline. Null while presence is what is stored.
   */
  private Instant offlineSince;
  /** Null under test: the entity then never passivates itself. */
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  /** Soft: the rooms of a closed account that have not confirmed the closure yet (see {@link CloseAccount}). */
  private final java.util.Set<String> closureUnconfirmed = new java.util.HashSet<>();
  /** System.nanoTime() of the last command other than the idle check. */
  private long lastCommandAt = System.nanoTime();

  private UserAccount(
      String username,
      Settings settings,
      Clock clock,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      NotificationSink sink) {
    // A failed journal write or replay stops the user, as it stops a room (ChatRoom's constructor says why not a
    // restart); sharding starts a new one with the next message, and sessions register with it (UserGone).
    super(persistenceId(username));
    this.username = username;
    this.sink = sink;
    this.settings = settings;
    this.clock = clock;
    this.context = context;
    this.timers = timers;
    this.sharding = ClusterSharding.get(context.getSystem());
    this.shard = shard;
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
              // The previous incarnation had sessions; they register again as they see it stop, or the user is offline.
              if (state.online()) {
                timers.startSingleTimer(ReregisterGraceOver.INSTANCE, settings.reregisterGrace());
              }
              // Closed, and some room may not know yet (the node stopped while it was told): tell them again.
              if (state.closed() && !state.everyRoom().isEmpty()) {
                spreadClosure(state);
              }
            })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, UserState> commandHandler() {
    CommandHandlerWithReply<Command, Event, UserState> handler = newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(GetPasswordHash.class, (s, c) -> Effect().reply(c.replyTo(), new PasswordHash(s.passwordHash())))
        .onCommand(CheckLogin.class, this::onCheckLogin)
        .onCommand(LoginFailed.class, (s, c) -> {
          if (s.exists()) {
            failures().failed(System.nanoTime());
          }
          return Effect().noReply();
        })
        .onCommand(SendThrough.class, this::onSendThrough)
        .onCommand(TakeMessageToken.class, (s, c) -> {
          long wait = takeMessageToken();
          if (wait > 0) {
            parley.node.NodeMetrics.get(context.getSystem()).rateLimited("messages");
          }
          return Effect().reply(c.replyTo(), wait == 0 ? Done.INSTANCE : messagesThrottled(wait));
        })
        .onCommand(IssueToken.class, this::onIssueToken)
        .onCommand(Authenticate.class, this::onAuthenticate)
        .onCommand(AdmitSocket.class, (s, c) -> replyTouching(s, c.tokenHash(), c.replyTo(), admit(s, c.tokenHash())))
        .onCommand(ChangePassword.class, this::onChangePassword)
        .onCommand(CloseAccount.class, this::onCloseAccount)
        .onCommand(RoomToldOfClosure.class, this::onRoomToldOfClosure)
        .onCommand(SpreadClosure.class, (s, c) -> {
          tellRoomsOfClosure();
          return Effect().noReply();
        })
        .onCommand(ListSessions.class, (s, c) -> Effect().reply(c.replyTo(), sessionsView(s, c.currentTokenHash())))
        .onCommand(RevokeSession.class, this::onRevokeSession)
        .onCommand(CountRoomCreation.class, this::onCountRoomCreation)
        .onCommand(RevokeToken.class, this::onRevokeToken)
        .onCommand(IssueTicket.class, this::onIssueTicket)
        .onCommand(RedeemTicket.class, this::onRedeemTicket)
        .onCommand(AddRoom.class, this::onAddRoom)
        .onCommand(RemoveRoom.class, this::onRemoveRoom)
        .onCommand(MarkRead.class, this::onMarkRead)
        .onCommand(FlushMarkers.class, this::onFlushMarkers)
        .onCommand(GetMarkers.class, (s, c) -> {
          if (s.rooms().containsKey(c.roomId())) {
            c.replyTo().tell(markersIn(s, c.roomId(), true));
          }
          return Effect().noReply();
        })
        .onCommand(SetReadReceipts.class, this::onSetReadReceipts)
        .onCommand(GetSettings.class, (s, c) -> Effect().reply(c.replyTo(), new SettingsView(s.exists(), s.showsRead())))
        .onCommand(Notify.class, this::onNotify)
        .onCommand(GetNotifications.class, this::onGetNotifications)
        .onCommand(GetSummary.class, (s, c) -> Effect().reply(c.replyTo(), new Summary(username, s.exists(), rooms(s))))
        .onCommand(GetPresence.class, (s, c) -> Effect().reply(c.replyTo(), presence(s)))
        .onCommand(SessionStarted.class, this::onSessionStarted)
        .onCommand(SessionEnded.class, this::onSessionEnded)
        .onCommand(OfflineGraceOver.class, this::onOfflineGraceOver)
        .onCommand(ReregisterGraceOver.class, (s, c) -> goOfflineIfAlone(s, now()))
        .onCommand(IdleCheck.class, this::onIdleCheck)
        .onCommand(StoreOffline.class, (s, c) -> onStoreOffline(s))
        .onCommand(HandOff.class, this::onHandOff)
        .build();
    return (state, command) -> {
      if (command != IdleCheck.INSTANCE) {
        lastCommandAt = System.nanoTime();
      }
      return handler.apply(state, command);
    };
  }

  private ReplyEffect<Event, UserState> onRegister(UserState state, Register cmd) {
    if (state.nameTaken()) {
      return Effect().reply(cmd.replyTo(), new Rejected("username_taken", "that username is taken"));
    }
    return Effect().persist(new Registered(cmd.passwordHash(), now())).thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onIssueToken(UserState state, IssueToken cmd) {
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), unauthorized());
    }
    return Effect()
        .persist(new TokenIssued(cmd.tokenHash(), cmd.expiresAt(), now(), cmd.address(), cmd.userAgent()))
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  /** A socket with this token may open: it is valid and the user holds fewer sockets than the limit. */
  private Result admit(UserState state, String tokenHash) {
    if (!state.tokenValid(tokenHash, now())) {
      return unauthorized();
    }
    long now = System.nanoTime();
    while (!admissions.isEmpty() && admissions.peekFirst() - now <= 0) {
      admissions.pollFirst();
    }
    int max = settings.limits().socketsPerUser();
    if (sessions.size() + admissions.size() >= max) {
      return new Rejected("too_many_sockets", "you have " + max + " connections open, the limit per user "
          + "(parley.limits.sockets-per-user); close one and try again");
    }
    admissions.addLast(now + settings.limits().admissionHold().toNanos());
    return new Authenticated(username, tokenHash);
  }

  private ReplyEffect<Event, UserState> onCheckLogin(UserState state, CheckLogin cmd) {
    long wait = loginFailures == null || cmd.addressClean() ? 0 : loginFailures.waitMillis(System.nanoTime());
    // A closed account has no password to match: its login fails as an unknown user's does.
    return Effect().reply(cmd.replyTo(), new LoginCheck(wait == 0 && state.exists() ? state.passwordHash() : null, wait));
  }

  private FailureBackoff failures() {
    if (loginFailures == null) {
      loginFailures = new FailureBackoff(settings.limits().loginRule());
    }
    return loginFailures;
  }

  private ReplyEffect<Event, UserState> onSendThrough(UserState state, SendThrough cmd) {
    long wait = takeMessageToken();
    ChatRoom.Send send = cmd.send();
    if (wait == 0) {
      sharding.entityRefFor(ChatRoom.ENTITY_KEY, cmd.roomId()).tell(send);
    } else {
      parley.node.NodeMetrics.get(context.getSystem()).rateLimited("messages");
      send.replyTo().tell(new ChatRoom.SendRefused(cmd.roomId(), send.clientMsgId(), "rate_limited",
          messagesThrottled(wait).message(), wait));
    }
    return Effect().noReply();
  }

  /** 0, or the milliseconds until the user may send again. */
  private long takeMessageToken() {
    long now = System.nanoTime();
    if (messages == null) {
      messages = new TokenBucket(settings.limits().messageBurst(), settings.limits().messagesPerSecond(), now);
    }
    return messages.take(now);
  }

  private Throttled messagesThrottled(long wait) {
    return new Throttled(wait, "you may send " + settings.limits().messageBurst() + " messages at once and "
        + TokenBucket.rate(settings.limits().messagesPerSecond()) + " a second after that, from all your connections "
        + "(parley.limits.messages); send again in " + wait + " ms with the same clientMsgId");
  }

  private ReplyEffect<Event, UserState> onCountRoomCreation(UserState state, CountRoomCreation cmd) {
    long now = System.nanoTime();
    Duration window = settings.limits().roomWindow();
    while (!roomsCreated.isEmpty() && now - roomsCreated.peekFirst() >= window.toNanos()) {
      roomsCreated.pollFirst();
    }
    int max = settings.limits().roomsPerWindow();
    if (roomsCreated.size() >= max) {
      return Effect().reply(cmd.replyTo(), new Rejected("too_many_rooms", "you created " + max + " rooms in the last "
          + humane(window) + ", the limit (parley.limits.rooms-per-window); try again later"));
    }
    roomsCreated.addLast(now);
    return Effect().reply(cmd.replyTo(), Done.INSTANCE);
  }

  private static String humane(Duration d) {
    if (d.toHoursPart() == 0 && d.toMinutesPart() == 0) {
      return d.toSeconds() + " s";
    }
    return d.toMinutes() % 60 == 0 ? d.toHours() + (d.toHours() == 1 ? " hour" : " hours") : d.toMinutes() + " minutes";
  }

  private ReplyEffect<Event, UserState> onAuthenticate(UserState state, Authenticate cmd) {
    if (!state.tokenValid(cmd.tokenHash(), now())) {
      return Effect().reply(cmd.replyTo(), unauthorized());
    }
    return replyTouching(state, cmd.tokenHash(), cmd.replyTo(), new Authenticated(username, cmd.tokenHash()));
  }

  /**
   * Replies {@code result}; when it lets a token in, that is a use of the token: its lifetime slides from now (the
   * token's own lifetime, from its last stored use to its expiry), stored at most once per {@link #TOUCH_EVERY}.
   */
  private <R> ReplyEffect<Event, UserState> replyTouching(UserState state, String tokenHash, ActorRef<R> replyTo,
      R result) {
    Instant now = now();
    if (result instanceof Authenticated || result instanceof Accepted) {
      usedAt.put(tokenHash, now);
      Instant expiry = state.tokens().get(tokenHash);
      UserState.TokenInfo info = state.tokenInfo().get(tokenHash);
      Instant stored = info == null ? null : info.lastUsed();
      if (expiry != null && (stored == null || !stored.plus(TOUCH_EVERY).isAfter(now))) {
        Duration life = stored == null ? settings.tokenTtl() : Duration.between(stored, expiry);
        return Effect().persist(new TokenUsed(tokenHash, now, now.plus(life))).thenReply(replyTo, s -> result);
      }
    }
    return Effect().reply(replyTo, result);
  }

  private ReplyEffect<Event, UserState> onChangePassword(UserState state, ChangePassword cmd) {
    if (!state.tokenValid(cmd.keptTokenHash(), now())) {
      return Effect().reply(cmd.replyTo(), unauthorized());
    }
    return Effect().persist(new PasswordChanged(cmd.passwordHash(), cmd.keptTokenHash(), now()))
        .thenRun(s -> closeSessionsWithout(s, "password changed"))
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onCloseAccount(UserState state, CloseAccount cmd) {
    if (state.closed()) {
      return Effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), unauthorized());
    }
    pendingMarkers.clear();
    pendingNotifications.clear();
    return Effect().persist(new AccountClosed(now()))
        .thenRun(s -> {
          closeSessionsWithout(s, "account closed");
          tickets.clear();
          spreadClosure(s);
        })
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  /** Tells every room of the closed account, and again every few seconds those that have not confirmed. */
  private void spreadClosure(UserState state) {
    closureUnconfirmed.addAll(state.everyRoom());
    tellRoomsOfClosure();
  }

  private void tellRoomsOfClosure() {
    if (closureUnconfirmed.isEmpty()) {
      return;
    }
    ActorRef<ChatRoom.MemberClosed> confirmations =
        context.messageAdapter(ChatRoom.MemberClosed.class, c -> new RoomToldOfClosure(c.roomId()));
    for (String roomId : closureUnconfirmed) {
      sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId).tell(new ChatRoom.CloseMember(username, confirmations));
    }
    timers.startSingleTimer(SpreadClosure.INSTANCE, Duration.ofSeconds(3));
  }

  private ReplyEffect<Event, UserState> onRoomToldOfClosure(UserState state, RoomToldOfClosure cmd) {
    if (!closureUnconfirmed.remove(cmd.roomId()) || !closureUnconfirmed.isEmpty()) {
      return Effect().noReply();
    }
    timers.cancel(SpreadClosure.INSTANCE);
    return Effect().persist(new ClosureSpread()).thenNoReply();
  }

  /** Sockets and tickets of tokens no longer valid (revoked, or dropped by a password change) end: 4001. */
  private void closeSessionsWithout(UserState state, String why) {
    tickets.values().removeIf(t -> !state.tokens().containsKey(t.getKey()));
    usedAt.keySet().retainAll(state.tokens().keySet());
    sessions.forEach((session, tokenHash) -> {
      if (!state.tokens().containsKey(tokenHash)) {
        session.tell(new ClientSession.Close(4001, why));
      }
    });
  }

  /** The public id of a token: derived from its hash, and no use to anyone who has it. */
  static String sessionId(String tokenHash) {
    return parley.node.Secrets.sha256("session:" + tokenHash).substring(0, 16);
  }

  private SessionsView sessionsView(UserState state, String current) {
    Instant now = now();
    List<DeviceSession> list = new ArrayList<>();
    state.tokens().forEach((hash, expiry) -> {
      if (expiry.isAfter(now)) {
        UserState.TokenInfo info = state.tokenInfo().get(hash);
        Instant used = usedAt.getOrDefault(hash, info == null ? null : info.lastUsed());
        list.add(new DeviceSession(sessionId(hash), info == null ? null : info.created(), used,
            info == null ? null : info.address(), info == null ? null : info.userAgent(), hash.equals(current), expiry));
      }
    });
    list.sort(java.util.Comparator.comparing(DeviceSession::lastUsed, java.util.Comparator.nullsFirst(
        java.util.Comparator.<Instant>naturalOrder())).reversed());
    return new SessionsView(List.copyOf(list));
  }

  private ReplyEffect<Event, UserState> onRevokeSession(UserState state, RevokeSession cmd) {
    for (String hash : state.tokens().keySet()) {
      if (sessionId(hash).equals(cmd.id())) {
        return Effect().persist(new TokenRevoked(hash))
            .thenRun(s -> closeSessionsWithout(s, "logged out"))
            .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
      }
    }
    return Effect().reply(cmd.replyTo(), new Rejected("no_such_session", "you have no session with that id"));
  }

  private ReplyEffect<Event, UserState> onRevokeToken(UserState state, RevokeToken cmd) {
    tickets.values().removeIf(t -> t.getKey().equals(cmd.tokenHash()));
    sessions.forEach((session, tokenHash) -> {
      if (tokenHash.equals(cmd.tokenHash())) {
        session.tell(new ClientSession.Close(4001, "logged out"));
      }
    });
    if (!state.tokens().containsKey(cmd.tokenHash())) {
      return Effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    return Effect().persist(new TokenRevoked(cmd.tokenHash())).thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onIssueTicket(UserState state, IssueTicket cmd) {
    if (!state.tokenValid(cmd.tokenHash(), now())) {
      return Effect().reply(cmd.replyTo(), unauthorized());
    }
    Instant now = now();
    tickets.values().removeIf(t -> !t.getValue().isAfter(now));
    tickets.put(cmd.ticketHash(), Map.entry(cmd.tokenHash(), cmd.expiresAt()));
    return Effect().reply(cmd.replyTo(), Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onRedeemTicket(UserState state, RedeemTicket cmd) {
    Map.Entry<String, Instant> ticket = tickets.remove(cmd.ticketHash());
    if (ticket == null || !ticket.getValue().isAfter(now())) {
      return Effect().reply(cmd.replyTo(), unauthorized());
    }
    return replyTouching(state, ticket.getKey(), cmd.replyTo(), admit(state, ticket.getKey()));
  }

  private ReplyEffect<Event, UserState> onAddRoom(UserState state, AddRoom cmd) {
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), new Rejected("no_such_user", "there is no such user"));
    }
    for (ActorRef<ClientSession.Command> session : sessions.keySet()) {
      session.tell(new ClientSession.RoomAdded(cmd.roomId(), Math.max(0, cmd.joinSeq() - 1)));
    }
    if (state.rooms().containsKey(cmd.roomId())) {
      return Effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    // The room asked for the markers at the join, and that ask may have come before this: told now, as known already.
    return Effect()
        .persist(new RoomAdded(cmd.roomId(), Math.max(0, cmd.joinSeq())))
        .thenRun(s -> sharding.entityRefFor(ChatRoom.ENTITY_KEY, cmd.roomId()).tell(markersIn(s, cmd.roomId(), true)))
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onRemoveRoom(UserState state, RemoveRoom cmd) {
    for (ActorRef<ClientSession.Command> session : sessions.keySet()) {
      session.tell(new ClientSession.RoomRemoved(cmd.roomId(), cmd.removal()));
    }
    pendingMarkers.remove(cmd.roomId());
    if (!state.rooms().containsKey(cmd.roomId())) {
      return Effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    return Effect().persist(new RoomRemoved(cmd.roomId())).thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onMarkRead(UserState state, MarkRead cmd) {
    if (!state.rooms().containsKey(cmd.roomId())) {
      if (cmd.replyTo() != null) {
        cmd.replyTo().tell(new Rejected("not_a_member", "you are not a member of this room"));
      }
      return Effect().noReply();
    }
    // Markers move often (every message read or sent): they are batched into one event a second.
    long current = Math.max(state.rooms().get(cmd.roomId()), pendingMarkers.getOrDefault(cmd.roomId(), 0L));
    if (cmd.seq() > current) {
      pendingMarkers.put(cmd.roomId(), cmd.seq());
      markersMoved(state, cmd.roomId());
    }
    if (cmd.replyTo() != null) {
      cmd.replyTo().tell(Done.INSTANCE);
    }
    return Effect().noReply();
  }

  /** A marker moved: stored with the next flush (within a second); the room hears of it now, for its receipts. */
  private void markersMoved(UserState state, String roomId) {
    if (!timers.isTimerActive(FlushMarkers.INSTANCE)) {
      timers.startSingleTimer(FlushMarkers.INSTANCE, settings.markerFlush());
    }
    sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId).tell(markersIn(state, roomId, false));
  }

  private ChatRoom.MarkersMoved markersIn(UserState state, String roomId, boolean asked) {
    long read = Math.max(state.rooms().getOrDefault(roomId, 0L), pendingMarkers.getOrDefault(roomId, 0L));
    return new ChatRoom.MarkersMoved(username, delivered(state, roomId), read, state.showsRead(), asked);
  }

  private long delivered(UserState state, String roomId) {
    return state.delivered().getOrDefault(roomId, 0L);
  }

  private ReplyEffect<Event, UserState> onSetReadReceipts(UserState state, SetReadReceipts cmd) {
    if (state.showsRead() == cmd.shown()) {
      return Effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    return Effect().persist(new ReadReceiptsSet(cmd.shown()))
        .thenRun(s -> s.rooms().keySet().forEach(roomId ->
            sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId).tell(markersIn(s, roomId, false))))
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onFlushMarkers(UserState state, FlushMarkers cmd) {
    List<Event> events = pendingMarkerEvents();
    return events.isEmpty() ? Effect().noReply() : Effect().persist(events).thenNoReply();
  }

  private ReplyEffect<Event, UserState> onNotify(UserState state, Notify cmd) {
    if (!state.exists() || !state.rooms().containsKey(cmd.roomId())) {
      return Effect().noReply();
    }
    List<Notification> inbox = inbox(state);
    long id = inbox.isEmpty() ? 1 : inbox.get(inbox.size() - 1).id() + 1;
    Notification n = new Notification(id, cmd.roomId(), cmd.seq(), cmd.sender(), cmd.kind(), cmd.excerpt(), now());
    pendingNotifications.add(n);
    if (!timers.isTimerActive(FlushMarkers.INSTANCE)) {
      timers.startSingleTimer(FlushMarkers.INSTANCE, settings.markerFlush());
    }
    if (sessions.isEmpty()) {
      sink.offline(username, n);
    } else {
      ClientSession.Notified live = ClientSession.Notified.of(n);
      sessions.keySet().forEach(session -> session.tell(live));
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, UserState> onGetNotifications(UserState state, GetNotifications cmd) {
    Map<String, Long> rooms = rooms(state);
    List<Notification> inbox = inbox(state);
    List<Notification> page = Inbox.page(inbox, cmd.before(), cmd.limit());
    List<Boolean> read = page.stream().map(n -> Inbox.isRead(n, rooms)).toList();
    Long next = page.size() == cmd.limit() && page.get(page.size() - 1).id() > inbox.get(0).id()
        ? page.get(page.size() - 1).id() : null;
    return Effect().reply(cmd.replyTo(), new NotificationsView(page, read, next));
  }

  /** The inbox as stored, and the notifications not stored yet. */
  private List<Notification> inbox(UserState state) {
    return pendingNotifications.isEmpty() ? state.inbox() : Inbox.with(state.inbox(), pendingNotifications);
  }

  /** The markers moved since the last flush, as events (none if none moved), forgotten here. */
  private List<Event> pendingMarkerEvents() {
    List<Event> events = new ArrayList<>(3);
    if (!pendingNotifications.isEmpty()) {
      events.add(new Notified(List.copyOf(pendingNotifications)));
      pendingNotifications.clear();
    }
    if (!pendingMarkers.isEmpty()) {
      events.add(new ReadMarkersMoved(Map.copyOf(pendingMarkers)));
      pendingMarkers.clear();
    }
    return events;
  }

  private ReplyEffect<Event, UserState> onSessionStarted(UserState state, SessionStarted cmd) {
    if (!state.tokenValid(cmd.tokenHash(), now())) {
      cmd.session().tell(new ClientSession.Close(4001, "logged out"));
      return Effect().reply(cmd.replyTo(), unauthorized());
    }
    if (!sessions.containsKey(cmd.session())) {
      // A session admitted here takes over the place its admission held (one registering again after a move had none).
      admissions.pollFirst();
      sessions.put(cmd.session(), cmd.tokenHash());
      context.watchWith(cmd.session(), new SessionEnded(cmd.session()));
    }
    timers.cancel(ReregisterGraceOver.INSTANCE);
    timers.cancel(OfflineGraceOver.class);
    Map<String, Long> rooms = rooms(state);
    Accepted accepted = new Accepted(username, rooms, state.tokens().get(cmd.tokenHash()), context.getSelf(),
        Inbox.unread(inbox(state), rooms));
    if (offlineSince != null) {
      // Back before the offline was stored: stored presence is right again, and nothing is written.
      offlineSince = null;
      timers.cancel(StoreOffline.INSTANCE);
      tellRooms(state);
      return replyTouching(state, cmd.tokenHash(), cmd.replyTo(), accepted);
    }
    if (state.online()) {
      return replyTouching(state, cmd.tokenHash(), cmd.replyTo(), accepted);
    }
    return Effect().persist(new WentOnline(now())).thenRun(s -> tellRooms(s)).thenReply(cmd.replyTo(), s -> accepted);
  }

  private ReplyEffect<Event, UserState> onSessionEnded(UserState state, SessionEnded cmd) {
    sessions.remove(cmd.session());
    if (sessions.isEmpty()) {
      timers.startSingleTimer(OfflineGraceOver.class, new OfflineGraceOver(now()), settings.offlineGrace());
      scheduleIdleCheck(settings.passivateAfter());
    }
    return Effect().noReply();
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
    long after = settings.passivateAfter().toNanos();
    if (quiet >= after
        && pendingMarkers.isEmpty()
        && closureUnconfirmed.isEmpty()
        && offlineSince == null
        && (loginFailures == null || !loginFailures.recent(System.nanoTime()))
        && !timers.isTimerActive(OfflineGraceOver.class)
        && !timers.isTimerActive(ReregisterGraceOver.INSTANCE)) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    } else {
      scheduleIdleCheck(Duration.ofNanos(Math.max(after - quiet, Duration.ofSeconds(1).toNanos())));
    }
    return Effect().noReply();
  }

  private void scheduleIdleCheck(Duration in) {
    if (shard != null) {
      timers.startSingleTimer(IdleCheck.INSTANCE, in);
    }
  }

  private ReplyEffect<Event, UserState> onOfflineGraceOver(UserState state, OfflineGraceOver cmd) {
    return goOfflineIfAlone(state, cmd.lastSeen());
  }

  private ReplyEffect<Event, UserState> goOfflineIfAlone(UserState state, Instant lastSeen) {
    if (!sessions.isEmpty() || !state.online() || offlineSince != null) {
      return Effect().noReply();
    }
    if (settings.offlineStoreDelay().isZero()) {
      return Effect().persist(new WentOffline(lastSeen)).thenRun(this::tellRooms).thenNoReply();
    }
    offlineSince = lastSeen;
    timers.startSingleTimer(StoreOffline.INSTANCE, settings.offlineStoreDelay());
    tellRooms(state);
    return Effect().noReply();
  }

  private ReplyEffect<Event, UserState> onStoreOffline(UserState state) {
    if (offlineSince == null) {
      return Effect().noReply();
    }
    WentOffline event = new WentOffline(offlineSince);
    offlineSince = null;
    return Effect().persist(event).thenNoReply();
  }

  private ReplyEffect<Event, UserState> onHandOff(UserState state, HandOff cmd) {
    List<Event> events = pendingMarkerEvents();
    if (offlineSince != null) {
      events.add(new WentOffline(offlineSince));
      offlineSince = null;
    }
    return events.isEmpty() ? Effect().stop().thenNoReply() : Effect().persist(events).thenStop().thenNoReply();
  }

  /** Online and last seen as the user's room mates see them: stored, or gone offline and not stored yet. */
  private boolean online(UserState state) {
    return state.online() && offlineSince == null;
  }

  private Instant lastSeen(UserState state) {
    return offlineSince != null ? offlineSince : state.lastSeen();
  }

  private void tellRooms(UserState state) {
    ChatRoom.PresenceChanged change = new ChatRoom.PresenceChanged(username, online(state), lastSeen(state));
    for (String roomId : state.rooms().keySet()) {
      sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId).tell(change);
    }
  }

  private Map<String, Long> rooms(UserState state) {
    if (pendingMarkers.isEmpty()) {
      return state.rooms();
    }
    Map<String, Long> merged = new HashMap<>(state.rooms());
    pendingMarkers.forEach((room, seq) -> merged.computeIfPresent(room, (r, old) -> Math.max(old, seq)));
    return Map.copyOf(merged);
  }

  private PresenceView presence(UserState state) {
    return new PresenceView(username, state.exists(), online(state), lastSeen(state));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static Rejected unauthorized() {
    return new Rejected("unauthorized", "missing, bad, expired or revoked token");
  }

  @Override
  public EventHandler<UserState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(UserState::apply);
  }
}
