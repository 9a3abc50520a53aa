package parley.node.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import parley.node.CborSerializable;
import parley.node.Validation;
import parley.node.http.websocket.WebSocketUpgrades;
import parley.node.room.ChatRoom;
import parley.node.room.History;
import parley.node.room.TimelineEntry;
import parley.node.user.UserAccount;
import parley.protocol.ClientFrame;
import parley.protocol.Json;
import parley.protocol.Member;
import parley.protocol.RoomSummary;
import parley.protocol.ServerFrame;

/**
 * One WebSocket connection, and what decides what its socket is written. It registers with its user (presence,
 * logout) and watches the incarnation that accepted it, registering again when that one stops (a move, a crashed
 * node); it has the node's {@link RoomHub} follow its rooms, sends {@code hello} once the rooms confirmed (so every
 * presence change after hello reaches the client), then keeps, per room, the last seq written to the client: live
 * entries from the node's {@link RoomHub} are written in seq order, anything missing is fetched by seq, anything
 * already written is dropped. So the client sees every entry of its rooms once, in order, across room moves and
 * restarts. The hub writes the common case itself, through the room's cursor ({@link Lane}).
 *
 * <p>The outbound buffer is bounded: a client that cannot keep up is disconnected with 1008 and resumes by seq.
 * Inbound frames are backpressured: at most {@link #MAX_IN_FLIGHT} sends wait for the room at a time.
 *
 * <p>Its size (about 1,000 lines) is the protocol's state machine for one socket: registering with the user's entity,
 * the hello sequence, frames in (v1.1's typing, delivered and focus among them: a few lines each), delivery out,
 * all sharing the cursors, the outbound queue and the sends in flight.
 * What has state of its own is its own class: {@link Cursor} (one per room, the hub's {@link Lane}),
 * {@link SendsInFlight} and {@link Frames}.
 */
public final class ClientSession extends AbstractBehavior<ClientSession.Command> {

  static final int MAX_IN_FLIGHT = 64;
  private static final String UNKNOWN_TYPE =
      "a frame needs a \"type\" of send, read, delivered, typing, focus or ping";
  private static final long TYPING_HEARD_EVERY_NANOS = 1_000_000_000L;
  private static final int FETCH_PAGE = 200;
  private static final int MAX_BUFFERED_PER_ROOM = 10_000;
  /** How soon a catch-up waiting for room in the socket's buffer looks again. */
  private static final Duration PACE = Duration.ofMillis(100);

  /** The socket's outbound side, as the session sees it. */
  public interface Outbound {
    /** Queue a text frame; false when the buffer is full. */
    boolean offer(WebSocketUpgrades.PreparedText frame);

    /**
     * Queue frames that go together, in order; false when the buffer is full. A queue that takes them as one element
     * (the socket's) overrides this; here they are offered one by one.
     */
    default boolean offer(List<WebSocketUpgrades.PreparedText> frames) {
      for (WebSocketUpgrades.PreparedText frame : frames) {
        if (!offer(frame)) {
          return false;
        }
      }
      return true;
    }

    /** How many more frames the buffer takes now. */
    int free();

    /** How many frames the buffer holds at most. */
    int capacity();

    /** Close the WebSocket with this code and reason after what is queued. */
    void close(int code, String reason);
  }

  /** What arrives from the socket, already assembled and size-checked. */
  public sealed interface Inbound {
    record Text(String text) implements Inbound {}

    record TooBig() implements Inbound {}

    record Binary() implements Inbound {}
  }

  public sealed interface Command extends CborSerializable {}

  /** Inbound stream protocol (backpressured: the session acks each element). */
  public record StreamInit(ActorRef<StreamAck> ackTo) implements Command {}

  public record StreamElement(ActorRef<StreamAck> ackTo, Inbound frame) implements Command {}

  public enum StreamAck { INSTANCE }

  public enum StreamDone implements Command { INSTANCE }

  public record StreamFailed(Throwable cause) implements Command {}

  /** From the hub: a live entry, rendered. */
  public record Entry(String roomId, long seq, WebSocketUpgrades.PreparedText frame) implements Command {}

  /** From the hub: the room's last seq as of (re)subscription; fill any gap up to it. */
  public record RoomSynced(String roomId, long lastSeq) implements Command {}

  /**
   * From the hub: members of the session's rooms came or went (one batch window's worth). A change that goes to
   * many sessions at once comes with its frame, rendered and framed once by the hub; the session renders a batch of
   * its own, or what is left of one after it drops what its client already knows.
   */
  public record PresenceSeen(List<PresenceChange> changes, WebSocketUpgrades.PreparedText frame) implements Command {

    public static PresenceSeen of(List<PresenceChange> changes) {
      return new PresenceSeen(changes, Frames.presence(changes));
    }
  }

  /** A member's presence as it changed, its JSON rendered once (by the hub) for every session and batch. */
  public record PresenceChange(Member member, String json) {

    public static PresenceChange of(Member member) {
      try {
        return new PresenceChange(member, Json.mapper().writeValueAsString(member));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * From the hub: something of the moment from {@code from} in one of the session's rooms (typing), rendered and
   * framed once by the hub. Not for {@code from}'s own connections; dropped before hello, never stashed.
   */
  public record Relayed(String from, WebSocketUpgrades.PreparedText frame) implements Command {}

  /**
   * v1.1, from the user entity: a notification (a mention, a DM), its frame rendered once for all the user's
   * connections. Not written to a connection that said it looks at that room ({@code focus}); dropped before hello
   * (hello counts the unread ones).
   */
  public record Notified(String roomId, String frame) implements Command {
    /** The frame as JSON: the user's entity and the session may be on different nodes. */
    public static Notified of(parley.node.user.Notification n) {
      try {
        return new Notified(n.room(), Json.mapper().writeValueAsString(
            new ServerFrame.Notification(n.room(), n.seq(), n.sender(), n.kind(), n.excerpt())));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** From the user entity: the user joined a room (or a DM was opened); deliver entries after {@code afterSeq}. */
  public record RoomAdded(String roomId, long afterSeq) implements Command {}

  /** {@code removal} (v1.1): why, when the user did not leave (kicked, banned, the room deleted); else null. */
  public record RoomRemoved(String roomId, Removal removal) implements Command {
    public RoomRemoved(String roomId) {
      this(roomId, null);
    }
  }

  /**
   * v1.1: why a user lost a room: {@code reason} is {@code kicked}, {@code banned} or {@code room_deleted}; {@code by}
   * who did it, {@code text} the reason they gave (or null).
   */
  public record Removal(String reason, String by, String text) implements CborSerializable {}

  /**
   * v1.1, from the hub: this user was removed from the room (kicked, banned, or the room deleted) by the entry at
   * {@code seq}. The hub sends nothing more of it. The user's entity says the same ({@link RoomRemoved}, from the
   * HTTP call that did it), in a race with this: whichever comes first tells the client, once.
   */
  public record RemovedFromRoom(String roomId, long seq, Removal removal) implements Command {}

  /** Close the socket with this code (4001 on logout). */
  public record Close(int code, String reason) implements Command {}

  private record Registered(UserAccount.Result result, Throwable failure) implements Command {}

  private record HelloReady(List<RoomSummary> rooms, java.util.Set<String> memberOf) implements Command {}

  /** Hello goes without waiting any longer for the hub to follow the rooms that have not confirmed yet. */
  private enum HelloDeadline implements Command { INSTANCE }

  /** A room the hello could not summarize (it did not answer in time) is tracked once it answers. */
  private record RetryTrack(String roomId) implements Command {}

  private record TrackChecked(String roomId, ChatRoom.GetResult result, Throwable failure) implements Command {}

  private record ReadAnswered(String roomId, UserAccount.Result result, Throwable failure) implements Command {}

  /** A page for the cursor that asked for it (a room left and joined again has a new one). */
  private record Fetched(String roomId, Cursor cursor, ChatRoom.HistoryResult result, Throwable failure)
      implements Command {}

  private record SendAnswered(ChatRoom.SendOutcome outcome) implements Command {}

  private record FrameAnswered(ChatRoom.FrameRefused refused) implements Command {}


  /** A pause of reading for a client sending past its rate limit may be over. */
  private enum ResumeReading implements Command { INSTANCE }

  /** The oldest send in flight may have waited its ask timeout. */
  private enum SendDeadline implements Command { INSTANCE }

  private record RetryFetch(String roomId) implements Command {}

  /** The user's incarnation this session registered with stopped. */
  private record UserGone(ActorRef<UserAccount.Command> user) implements Command {}

  private enum Reregister implements Command { INSTANCE }

  private record Reregistered(UserAccount.Result result, Throwable failure) implements Command {}

  /** The token's expiry may have come: close with 4001 if it has. */
  private enum TokenCheck implements Command { INSTANCE }

  /** An open socket renews its token's lifetime this long before it would expire. */
  private static final Duration RENEW_BEFORE = Duration.ofDays(1);

  /** Timers longer than this are split: the scheduler's limit is far above it, a token's life may not be. */
  private static final Duration LONGEST_TIMER = Duration.ofDays(1);

  /**
   * {@code typingPerSecond}: typing frames passed on per second, the rest dropped; {@code receiptsBurst} and
   * {@code receiptsPerSecond}: the bucket of delivered and read frames (past it: {@code rate_limited}).
   */
  public record Settings(Duration askTimeout, int typingPerSecond, int receiptsBurst, double receiptsPerSecond) {
    public Settings(Duration askTimeout) {
      this(askTimeout, 4, 100, 20);
    }
  }

  /**
   * {@code resumeAfter}: for each room the client names on the handshake, the seq it has seen up to. The socket
   * then sends that room's entries from the next seq on (what the client missed, from storage, then live ones),
   * instead of from the room's {@code lastSeq} in {@code hello}.
   */
  public static Behavior<Command> create(
      String username,
      String tokenHash,
      Map<String, Long> resumeAfter,
      Outbound outbound,
      ActorRef<RoomHub.Command> hub,
      History history,
      Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(1000, stash ->
        new ClientSession(ctx, timers, stash, username, tokenHash, resumeAfter, outbound, hub, history, settings)
            .starting())));
  }

  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final String username;
  private final String tokenHash;
  private final Map<String, Long> resumeAfter;
  private final Outbound outbound;
  private final ActorRef<RoomHub.Command> hub;
  private final History history;
  private final Settings settings;
  private final ClusterSharding sharding;
  private final parley.node.NodeMetrics metrics;
  private final Map<String, Cursor> rooms = new HashMap<>();
  /**
   * Rooms hello listed unavailable, and the seq their frames start after: the handshake's {@code after}, else the
   * read marker hello gave. Followed from there once the room answers (RetryTrack).
   */
  private final Map<String, Long> startAfter = new HashMap<>();
  /** What the client was last told of each room mate, to tell it once when the mate shares several rooms. */
  private final Map<String, Member> presenceSeen = new HashMap<>();
  /** Before hello: rooms the hub does not follow yet, and the highest seq heard of each room (hub or live entry). */
  private final java.util.Set<String> unconfirmed = new java.util.HashSet<>();
  private final Map<String, Long> heardBeforeHello = new HashMap<>();
  /** The user's incarnation that accepted this session (watched), null while registering again. */
  private ActorRef<UserAccount.Command> userIncarnation;
  private java.time.Instant tokenExpiresAt;
  /** Registered again to renew the token (once per expiry it was told). */
  private boolean renewing;
  private HelloReady helloReady;
  private boolean helloDeadlinePassed;
  private ActorRef<StreamAck> ackTo;
  private boolean ackHeld;
  /**
   * System.nanoTime() until which the socket is not read: a send was refused {@code rate_limited}, so the client has
   * nothing to send before then that could be stored. A flooder is slowed by TCP instead of costing the node a parse and
   * an error frame per frame it pushes.
   */
  private long readPausedUntil;
  /** A frame the socket delivered during a pause, handled when it ends. */
  private Inbound heldFrame;
  /** Sends in flight (at most {@link #MAX_IN_FLIGHT}), with one timer for the oldest one's deadline. */
  private final SendsInFlight unanswered = new SendsInFlight();
  /** Where the rooms answer this session's sends; one address for its whole life. */
  private final ActorRef<ChatRoom.SendOutcome> sendOutcomes;
  private final ActorRef<ChatRoom.FrameRefused> frameRefusals;
  /** v1.1: delivered and read frames; made at the first. */
  private parley.node.limits.TokenBucket receipts;
  /** v1.1: typing frames passed on in the second that began at {@code typingWindowStart} (System.nanoTime()). */
  private long typingWindowStart;
  private int typingInWindow;
  /** v1.1: the room the client says it shows, or null. */
  private String focused;
  /** v1.1: the user's unread notifications as they registered, for hello. */
  private long notificationsAtHello;
  private boolean closed;

  private ClientSession(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      StashBuffer<Command> stash,
      String username,
      String tokenHash,
      Map<String, Long> resumeAfter,
      Outbound outbound,
      ActorRef<RoomHub.Command> hub,
      History history,
      Settings settings) {
    super(context);
    this.resumeAfter = resumeAfter;
    this.timers = timers;
    this.stash = stash;
    this.username = username;
    this.tokenHash = tokenHash;
    this.outbound = outbound;
    this.hub = hub;
    this.history = history;
    this.settings = settings;
    this.sharding = ClusterSharding.get(context.getSystem());
    this.metrics = parley.node.NodeMetrics.get(context.getSystem());
    metrics.sessionOpened(username);
    this.sendOutcomes = context.messageAdapter(ChatRoom.SendOutcome.class, SendAnswered::new);
    this.frameRefusals = context.messageAdapter(ChatRoom.FrameRefused.class, FrameAnswered::new);
  }

  // ---------------------------------------------------------------------------------------------- starting

  private Behavior<Command> starting() {
    register(Registered::new);
    return Behaviors.receive(Command.class)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(HelloReady.class, this::onHelloReady)
        .onMessage(RoomSynced.class, this::onSyncedBeforeHello)
        .onMessage(Entry.class, this::onEntryBeforeHello)
        .onMessageEquals(HelloDeadline.INSTANCE, this::onHelloDeadline)
        .onMessage(Close.class, this::onClose)
        .onMessageEquals(StreamDone.INSTANCE, Behaviors::stopped)
        .onMessage(StreamFailed.class, f -> Behaviors.stopped())
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, signal -> onStopped())
        .onMessage(Relayed.class, r -> Behaviors.same())
        .onMessage(Notified.class, n -> Behaviors.same())
        .onMessage(Command.class, cmd -> {
          if (stash.isFull()) {
            return closeWith(1008, "too many frames before hello");
          }
          stash.stash(cmd);
          return Behaviors.same();
        })
        .build();
  }

  /**
   * Asks for the hello's summaries and, at the same time, has the node's hub follow every room. Hello waits for
   * both: a room reports presence changes only to hubs it has confirmed, so a change made after hello reaches this
   * connection, and a client that reads members after hello misses none.
   */
  private Behavior<Command> onRegistered(Registered msg) {
    if (!(msg.result() instanceof UserAccount.Accepted accepted)) {
      return closeWith(msg.failure() == null ? 4001 : 1011, msg.failure() == null ? "logged out" : "try again");
    }
    accepted(accepted);
    notificationsAtHello = accepted.notifications();
    java.util.Set<String> memberOf = accepted.rooms().keySet();
    unconfirmed.addAll(memberOf);
    for (String roomId : memberOf) {
      hub.tell(new RoomHub.Subscribe(roomId, getContext().getSelf(), username));
    }
    // A room that does not answer holds hello no longer than its summary would.
    timers.startSingleTimer(HelloDeadline.INSTANCE, settings.askTimeout());
    CompletionStage<List<RoomSummary>> all =
        RoomSummaries.of(sharding, username, accepted.rooms(), settings.askTimeout());
    getContext().pipeToSelf(all, (list, failure) -> new HelloReady(failure == null ? list : List.of(), memberOf));
    return Behaviors.same();
  }

  private Behavior<Command> onSyncedBeforeHello(RoomSynced synced) {
    heardBeforeHello.merge(synced.roomId(), synced.lastSeq(), Math::max);
    unconfirmed.remove(synced.roomId());
    return helloIfReady();
  }

  /** Not written before hello, nor kept: its seq is enough, the cursor fetches it from storage after hello. */
  private Behavior<Command> onEntryBeforeHello(Entry entry) {
    heardBeforeHello.merge(entry.roomId(), entry.seq(), Math::max);
    return Behaviors.same();
  }

  private Behavior<Command> onHelloReady(HelloReady msg) {
    helloReady = msg;
    return helloIfReady();
  }

  private Behavior<Command> onHelloDeadline() {
    helloDeadlinePassed = true;
    return helloIfReady();
  }

  private Behavior<Command> helloIfReady() {
    if (helloReady == null || !(unconfirmed.isEmpty() || helloDeadlinePassed)) {
      return Behaviors.same();
    }
    timers.cancel(HelloDeadline.INSTANCE);
    List<RoomSummary> sorted = helloReady.rooms();
    if (!write(new ServerFrame.Hello(username, sorted, notificationsAtHello))) {
      return Behaviors.stopped();
    }
    for (RoomSummary room : sorted) {
      Long after = resumeAfter.get(room.id());
      if (Boolean.TRUE.equals(room.unavailable())) {
        // Not followed until it answers (the memberOf loop below asks it); its frames start where the client expects.
        startAfter.put(room.id(), after == null ? room.lastSeq() : after);
        continue;
      }
      long delivered = after == null ? room.lastSeq() : resumePoint(room.id(), after, room.lastSeq());
      if (delivered < 0) {
        return Behaviors.stopped();
      }
      long heard = heardBeforeHello.getOrDefault(room.id(), room.lastSeq());
      // Already followed at the hub: a room that confirms later tells this session its last seq then.
      follow(room.id(), delivered, Math.max(room.lastSeq(), heard));
    }
    for (String roomId : helloReady.memberOf()) {
      if (!rooms.containsKey(roomId)) {
        getContext().getSelf().tell(new RetryTrack(roomId));
      }
    }
    heardBeforeHello.clear();
    unconfirmed.clear();
    helloReady = null;
    return stash.unstashAll(this);
  }

  // ---------------------------------------------------------------------------------------------- running

  // Handlers answer Behaviors.same(), not this: inside withTimers (an interceptor) "this" is a new behaviour to the
  // interceptor, which then allocates a new InterceptorImpl on every message, one per delivery under fan-out.
  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StreamInit.class, this::onStreamInit)
        .onMessage(StreamElement.class, this::onStreamElement)
        .onMessageEquals(StreamDone.INSTANCE, Behaviors::stopped)
        .onMessage(StreamFailed.class, f -> Behaviors.stopped())
        .onMessage(Entry.class, this::onEntry)
        .onMessage(RoomSynced.class, this::onRoomSynced)
        .onMessage(Fetched.class, this::onFetched)
        .onMessage(RetryFetch.class, r -> {
          Cursor c = rooms.get(r.roomId());
          if (c != null) {
            c.lock.lock();
            try {
              if (!c.fetching && c.target > c.delivered) {
                fetchWhenThereIsRoom(r.roomId(), c);
              }
            } finally {
              c.lock.unlock();
            }
          }
          return Behaviors.same();
        })
        .onMessage(RetryTrack.class, this::onRetryTrack)
        .onMessage(TrackChecked.class, this::onTrackChecked)
        .onMessage(ReadAnswered.class, this::onReadAnswered)
        .onMessage(PresenceSeen.class, this::onPresenceSeen)
        .onMessage(Relayed.class, r -> username.equals(r.from()) || send(r.frame()) ? Behaviors.same() : Behaviors.stopped())
        .onMessage(Notified.class, n -> n.roomId().equals(focused)
            || send(WebSocketUpgrades.PreparedText.of(n.frame())) ? Behaviors.same() : Behaviors.stopped())
        .onMessage(FrameAnswered.class, t -> error(t.refused().code(), t.refused().message() + ": " + t.refused().roomId(), null))
        .onMessage(RoomAdded.class, this::onRoomAdded)
        .onMessage(RoomRemoved.class, this::onRoomRemoved)
        .onMessage(RemovedFromRoom.class, this::onRemovedFromRoom)
        .onMessage(SendAnswered.class, this::onSendAnswered)
        .onMessageEquals(SendDeadline.INSTANCE, this::onSendDeadline)
        .onMessageEquals(ResumeReading.INSTANCE, this::onResumeReading)
        .onMessage(Close.class, this::onClose)
        .onMessage(UserGone.class, this::onUserGone)
        .onMessageEquals(Reregister.INSTANCE, this::reregister)
        .onMessage(Reregistered.class, this::onReregistered)
        .onMessageEquals(TokenCheck.INSTANCE, this::onTokenCheck)
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, signal -> onStopped())
        .build();
  }

  // ---------------------------------------------------------------------------------------------- the user

  /**
   * Registered with {@code accepted.user()}: watch it, and close the socket when the token expires. Nothing goes to
   * the user while the session is quiet; logout reaches the session from the user (Close), expiry from this timer.
   */
  private void accepted(UserAccount.Accepted accepted) {
    if (!accepted.user().equals(userIncarnation)) {
      if (userIncarnation != null) {
        getContext().unwatch(userIncarnation);
      }
      userIncarnation = accepted.user();
      getContext().watchWith(userIncarnation, new UserGone(userIncarnation));
    }
    tokenExpiresAt = accepted.tokenExpiresAt();
    renewing = false;
    scheduleTokenCheck();
  }

  /** The check runs a day before the token expires (or at its expiry, for a token with less than that left). */
  private void scheduleTokenCheck() {
    if (tokenExpiresAt == null) {
      return;
    }
    java.time.Instant now = java.time.Instant.now();
    Duration left = Duration.between(now, tokenExpiresAt);
    Duration untilRenewal = left.minus(RENEW_BEFORE);
    Duration in = untilRenewal.isNegative() ? left : untilRenewal;
    timers.startSingleTimer(TokenCheck.INSTANCE,
        in.isNegative() ? Duration.ZERO : in.compareTo(LONGEST_TIMER) > 0 ? LONGEST_TIMER : in);
  }

  /**
   * A token's lifetime slides on use, and an open socket is a use: a day before its expiry the session registers
   * again, which slides it (the answer brings the new expiry). A token revoked meanwhile ends the socket with 4001.
   */
  private Behavior<Command> onTokenCheck() {
    java.time.Instant now = java.time.Instant.now();
    if (tokenExpiresAt != null && !now.isBefore(tokenExpiresAt)) {
      return closeWith(4001, "token expired");
    }
    if (tokenExpiresAt != null && !now.isBefore(tokenExpiresAt.minus(RENEW_BEFORE)) && !renewing) {
      renewing = true;
      return reregister();
    }
    scheduleTokenCheck();
    return Behaviors.same();
  }

  /**
   * The incarnation this session registered with stopped (passivation cannot stop it while a session lives: a
   * handoff, a rebalance, its node downed). Registering again starts the next one wherever sharding puts it, so it
   * knows this session before its re-register grace ends.
   */
  private Behavior<Command> onUserGone(UserGone gone) {
    if (!gone.user().equals(userIncarnation)) {
      return Behaviors.same();
    }
    userIncarnation = null;
    return reregister();
  }

  private Behavior<Command> reregister() {
    register(Reregistered::new);
    return Behaviors.same();
  }

  /** Registers with whichever incarnation of the user sharding reaches; the answer comes back as {@code answer}. */
  private void register(org.apache.pekko.japi.function.Function2<UserAccount.Result, Throwable, Command> answer) {
    getContext().pipeToSelf(
        user().<UserAccount.Result>ask(
            replyTo -> new UserAccount.SessionStarted(getContext().getSelf(), tokenHash, replyTo),
            settings.askTimeout()),
        answer);
  }

  private Behavior<Command> onReregistered(Reregistered answer) {
    if (answer.result() instanceof UserAccount.Accepted accepted) {
      accepted(accepted);
      // A room joined while no incarnation knew this session was not announced to it: follow it now.
      for (String roomId : accepted.rooms().keySet()) {
        if (!rooms.containsKey(roomId)) {
          getContext().getSelf().tell(new RetryTrack(roomId));
        }
      }
      return Behaviors.same();
    }
    if (answer.result() instanceof UserAccount.Rejected) {
      return closeWith(4001, "logged out");
    }
    // Not answered in time (the entity may be starting on another node): ask again.
    timers.startSingleTimer(Reregister.INSTANCE, Duration.ofSeconds(1));
    return Behaviors.same();
  }

  // ---------------------------------------------------------------------------------------------- frames

  private Behavior<Command> onStreamInit(StreamInit init) {
    ackTo = init.ackTo();
    init.ackTo().tell(StreamAck.INSTANCE);
    return Behaviors.same();
  }

  private Behavior<Command> onStreamElement(StreamElement element) {
    ackTo = element.ackTo();
    if (readingPaused()) {
      // Pulled before the pause began: handled when it ends, and nothing more is read meanwhile.
      heldFrame = element.frame();
      ackHeld = true;
      return Behaviors.same();
    }
    return handleThenAck(element.frame());
  }

  private Behavior<Command> handleThenAck(Inbound frame) {
    Behavior<Command> next = handleFrame(frame);
    if (unanswered.size() < MAX_IN_FLIGHT && !readingPaused()) {
      ackHeld = false;
      ackTo.tell(StreamAck.INSTANCE);
    } else {
      ackHeld = true;
    }
    return next;
  }

  private Behavior<Command> handleFrame(Inbound frame) {
    if (frame instanceof Inbound.TooBig) {
      return closeWith(1009, "frame over 64 KiB");
    }
    if (frame instanceof Inbound.Binary) {
      return error("invalid_frame", "binary frames are not supported; send JSON text frames", null);
    }
    String text = ((Inbound.Text) frame).text();
    ClientFrame parsed;
    try {
      parsed = Json.mapper().readValue(text, ClientFrame.class);
    } catch (InvalidTypeIdException e) {
      return error("unknown_type", UNKNOWN_TYPE, null);
    } catch (MismatchedInputException e) {
      // A field of the frame's own (unknown ones are ignored) holding the wrong kind of value: named, as it is ours.
      String field = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
      return error("invalid_frame", field == null ? "a frame is one JSON object with a \"type\""
          : "\"" + field + "\" holds the wrong kind of value for this frame (see docs/protocol.md)", null);
    } catch (JsonProcessingException e) {
      return error("invalid_json", "the frame is not valid JSON", null);
    }
    if (parsed instanceof ClientFrame.Ping) {
      write(new ServerFrame.Pong());
      return Behaviors.same();
    } else if (parsed instanceof ClientFrame.Send send) {
      return onSend(send, TimelineEntry.MESSAGE, null);
    } else if (parsed instanceof ClientFrame.Read read) {
      return onRead(read);
    } else if (parsed instanceof ClientFrame.Typing typing) {
      return onTyping(typing);
    } else if (parsed instanceof ClientFrame.Delivered delivered) {
      return onDelivered(delivered);
    } else if (parsed instanceof ClientFrame.Focus focus) {
      return onFocus(focus);
    } else if (parsed instanceof ClientFrame.Edit e) {
      if (e.seq() == null) {
        return error("invalid_frame", "edit needs a room, a seq, a text and a clientMsgId", e.clientMsgId());
      }
      return onSend(new ClientFrame.Send(e.room(), e.clientMsgId(), e.text()), TimelineEntry.EDIT, e.seq());
    } else if (parsed instanceof ClientFrame.Delete d) {
      if (d.seq() == null) {
        return error("invalid_frame", "delete needs a room, a seq and a clientMsgId", d.clientMsgId());
      }
      return onSend(new ClientFrame.Send(d.room(), d.clientMsgId(), null), TimelineEntry.DELETE, d.seq());
    } else if (parsed instanceof ClientFrame.React r) {
      if (r.seq() == null || r.emoji() == null) {
        return error("invalid_frame", "react needs a room, a seq and an emoji", r.clientMsgId());
      }
      // Without a clientMsgId a reaction is not deduplicated (the ack then names one made here).
      String id = r.clientMsgId() != null ? r.clientMsgId() : "react-" + java.util.UUID.randomUUID();
      return onSend(new ClientFrame.Send(r.room(), id, r.emoji()), TimelineEntry.REACTION, r.seq());
    }
    return error("unknown_type", UNKNOWN_TYPE, null);
  }

  /** A send, or (v1.1) an edit or a delete of the message at {@code target}: the same path, the same ack. */
  private Behavior<Command> onSend(ClientFrame.Send send, String kind, Long target) {
    // The room decides membership: a room joined a moment ago over HTTP may not be tracked here yet.
    if (send.room() == null) {
      return error("invalid_frame", "send needs a room, a clientMsgId and a text", send.clientMsgId());
    }
    if (!Validation.isValidRoomId(send.room())) {
      return error("no_such_room", "there is no such room", send.clientMsgId());
    }
    var problem = TimelineEntry.DELETE.equals(kind) ? Validation.clientMsgId(send.clientMsgId())
        : TimelineEntry.REACTION.equals(kind)
            ? Validation.clientMsgId(send.clientMsgId()).or(() -> Validation.emoji(send.text()))
        : Validation.message(send.clientMsgId(), send.text());
    if (problem.isPresent()) {
      return error(problem.get().code(), problem.get().message(), send.clientMsgId());
    }
    if (readingPaused()) {
      metrics.rateLimited("messages");
      // Read before the pause began (frames in the socket's pipeline): the user's bucket is empty until then.
      long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(readPausedUntil - System.nanoTime()));
      return write(new ServerFrame.Error("rate_limited", "you are sending faster than your limit "
          + "(parley.limits.messages); send again in " + wait + " ms with the same clientMsgId", send.clientMsgId(), wait))
          ? Behaviors.same() : Behaviors.stopped();
    }
    unanswered.add(send.room(), send.clientMsgId(), System.nanoTime() + settings.askTimeout().toNanos());
    if (!timers.isTimerActive(SendDeadline.INSTANCE)) {
      timers.startSingleTimer(SendDeadline.INSTANCE, settings.askTimeout());
    }
    // Through the user's entity, which keeps the user's message bucket over all their connections and nodes.
    user().tell(new UserAccount.SendThrough(send.room(),
        new ChatRoom.Send(username, send.clientMsgId(), send.text(), sendOutcomes, kind, target, send.replyTo())));
    return Behaviors.same();
  }

  /**
   * Typing goes to the room, which decides membership and relays it. A client that says it types more than once a
   * second per room is heard once a second (the room relays at most one per 2 s anyway), and at most
   * {@code parley.limits.typing-per-second} typing frames a second (stops included, any rooms) leave a connection: the rest
   * are dropped without an error.
   */
  private Behavior<Command> onTyping(ClientFrame.Typing typing) {
    if (typing.room() == null) {
      return error("invalid_frame", "typing needs a room (and stop: true when the user stopped)", null);
    }
    if (!Validation.isValidRoomId(typing.room())) {
      return error("no_such_room", "there is no such room: " + typing.room(), null);
    }
    boolean stop = Boolean.TRUE.equals(typing.stop());
    long now = System.nanoTime();
    Cursor cursor = rooms.get(typing.room());
    if (cursor != null) {
      if (!stop && cursor.typingToldAt != 0 && now - cursor.typingToldAt < TYPING_HEARD_EVERY_NANOS) {
        return Behaviors.same();
      }
      cursor.typingToldAt = stop ? 0 : now;
    }
    if (now - typingWindowStart >= 1_000_000_000L) {
      typingWindowStart = now;
      typingInWindow = 0;
    }
    if (++typingInWindow > settings.typingPerSecond()) {
      return Behaviors.same();
    }
    sharding.entityRefFor(ChatRoom.ENTITY_KEY, typing.room())
        .tell(new ChatRoom.Typing(username, stop, frameRefusals));
    return Behaviors.same();
  }

  private Behavior<Command> onSendAnswered(SendAnswered answer) {
    ChatRoom.SendOutcome outcome = answer.outcome();
    // The oldest such send (a resend may be in flight with its first copy): answers come mostly in order, so near
    // the head.
    SendsInFlight.Send inFlight = unanswered.answered(outcome.roomId(), outcome.clientMsgId());
    if (inFlight == null) {
      // Answered after its timeout: the client was told to send again, and a resend gets this seq.
      return Behaviors.same();
    }
    settled();
    if (outcome instanceof ChatRoom.SendStored stored) {
      metrics.ackTook(System.nanoTime() - (inFlight.deadline() - settings.askTimeout().toNanos()));
      write(new ServerFrame.Ack(stored.clientMsgId(), stored.roomId(), stored.seq(), stored.sentAt()));
      return Behaviors.same();
    }
    ChatRoom.SendRefused refused = (ChatRoom.SendRefused) outcome;
    if ("rate_limited".equals(refused.code()) && refused.retryAfterMs() != null) {
      pauseReading(refused.retryAfterMs());
    }
    return write(new ServerFrame.Error(refused.code(), refused.message(), refused.clientMsgId(), refused.retryAfterMs()))
        ? Behaviors.same() : Behaviors.stopped();
  }

  private Behavior<Command> onSendDeadline() {
    long now = System.nanoTime();
    SendsInFlight.Send oldest;
    while ((oldest = unanswered.overdue(now)) != null) {
      if (!write(new ServerFrame.Error(
          "unavailable", "the room did not answer in time; send again with the same clientMsgId", oldest.clientMsgId()))) {
        return Behaviors.stopped();
      }
      settled();
    }
    unanswered.nextDeadline(now).ifPresent(in -> timers.startSingleTimer(SendDeadline.INSTANCE, in));
    return Behaviors.same();
  }

  private boolean readingPaused() {
    return readPausedUntil != 0 && readPausedUntil - System.nanoTime() > 0;
  }

  /** Reads nothing more from the socket for {@code millis} (the frames already read are handled). */
  private void pauseReading(long millis) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    if (readPausedUntil == 0 || until - readPausedUntil > 0) {
      readPausedUntil = until;
      timers.startSingleTimer(ResumeReading.INSTANCE, Duration.ofMillis(millis));
    }
  }

  private Behavior<Command> onResumeReading() {
    if (readingPaused()) {
      timers.startSingleTimer(ResumeReading.INSTANCE,
          Duration.ofNanos(Math.max(1_000_000, readPausedUntil - System.nanoTime())));
    } else {
      readPausedUntil = 0;
      if (heldFrame != null) {
        Inbound frame = heldFrame;
        heldFrame = null;
        return handleThenAck(frame);
      }
      settled();
    }
    return Behaviors.same();
  }

  /** A send was answered or given up on: the socket may read the next frame if it waited for that. */
  private void settled() {
    // A frame held through a pause is handled by ResumeReading first (its timer runs while the frame waits).
    if (ackHeld && heldFrame == null && unanswered.size() < MAX_IN_FLIGHT && !readingPaused()) {
      ackHeld = false;
      ackTo.tell(StreamAck.INSTANCE);
    }
  }

  private Behavior<Command> onRead(ClientFrame.Read read) {
    if (read.room() == null || read.seq() == null || read.seq() < 0) {
      return error("invalid_frame", "read needs a room and a seq >= 0", null);
    }
    if (receiptsThrottled()) {
      return Behaviors.same();
    }
    long seq = knownUpTo(read.room(), read.seq());
    getContext().pipeToSelf(
        user().<UserAccount.Result>ask(r -> new UserAccount.MarkRead(read.room(), seq, r), settings.askTimeout()),
        (result, failure) -> new ReadAnswered(read.room(), result, failure));
    return Behaviors.same();
  }

  /**
   * Takes a token from the connection's receipts bucket; without one, the client is told {@code rate_limited} and the
   * frame is dropped (markers are cumulative: the client's next one says it all).
   */
  private boolean receiptsThrottled() {
    long now = System.nanoTime();
    if (receipts == null) {
      receipts = new parley.node.limits.TokenBucket(settings.receiptsBurst(), settings.receiptsPerSecond(), now);
    }
    long wait = receipts.take(now);
    if (wait == 0) {
      return false;
    }
    metrics.rateLimited("receipts");
    write(new ServerFrame.Error("rate_limited", "this connection may send " + settings.receiptsBurst()
        + " read and delivered frames at once and " + parley.node.limits.TokenBucket.rate(settings.receiptsPerSecond()) + " a second after that "
        + "(parley.limits.receipts); this one was dropped, send the marker again in " + wait + " ms", null, wait));
    return true;
  }

  /** v1.1: the room the client shows (null: none); its notifications are not written to this connection. */
  private Behavior<Command> onFocus(ClientFrame.Focus focus) {
    if (focus.room() != null && !rooms.containsKey(focus.room())) {
      return error("not_a_member", "you are not a member of room " + focus.room() + " (or it is not followed yet)", null);
    }
    focused = focus.room();
    return Behaviors.same();
  }

  /** v1.1: the client holds the room's entries up to seq; the room keeps the marker and tells. */
  private Behavior<Command> onDelivered(ClientFrame.Delivered delivered) {
    if (delivered.room() == null || delivered.seq() == null || delivered.seq() < 0) {
      return error("invalid_frame", "delivered needs a room and a seq >= 0", null);
    }
    if (!rooms.containsKey(delivered.room())) {
      // A client holds entries of the rooms its connection follows only: nothing else reaches a room's entity.
      return error("not_a_member", "you are not a member of room " + delivered.room() + " (or it is not followed yet)",
          null);
    }
    if (receiptsThrottled()) {
      return Behaviors.same();
    }
    // Told, not asked (a client says it about every room once a second): the room answers a refusal only.
    sharding.entityRefFor(ChatRoom.ENTITY_KEY, delivered.room())
        .tell(new ChatRoom.MarkDelivered(username, knownUpTo(delivered.room(), delivered.seq()), frameRefusals));
    return Behaviors.same();
  }

  /**
   * A marker cannot point past what the room has: {@code seq}, lowered to the newest seq this connection knows of in
   * the room (unread counts and receipts clamp it for rooms not tracked yet).
   */
  private long knownUpTo(String roomId, long seq) {
    Cursor cursor = rooms.get(roomId);
    if (cursor == null) {
      return seq;
    }
    cursor.lock.lock();
    try {
      return Math.min(seq, Math.max(cursor.delivered, cursor.target));
    } finally {
      cursor.lock.unlock();
    }
  }

  private Behavior<Command> onReadAnswered(ReadAnswered answer) {
    if (answer.result() instanceof UserAccount.Rejected rejected) {
      return error(rejected.code(), rejected.message() + ": " + answer.roomId(), null);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRetryTrack(RetryTrack retry) {
    getContext().pipeToSelf(
        sharding.entityRefFor(ChatRoom.ENTITY_KEY, retry.roomId())
            .<ChatRoom.GetResult>ask(r -> new ChatRoom.GetSummary(username, r), settings.askTimeout()),
        (result, failure) -> new TrackChecked(retry.roomId(), result, failure));
    return Behaviors.same();
  }

  private Behavior<Command> onTrackChecked(TrackChecked checked) {
    if (rooms.containsKey(checked.roomId())) {
      return Behaviors.same();
    }
    if (checked.result() instanceof ChatRoom.SummaryView v && v.isMember()) {
      // A room hello listed unavailable starts where the client is.
      Long start = startAfter.remove(checked.roomId());
      long from = start == null ? v.lastSeq()
          : resumeAfter.containsKey(checked.roomId()) ? resumePoint(checked.roomId(), start, v.lastSeq())
          : Math.min(start, v.lastSeq()); // the user's read marker, which the room has reached unless state was lost
      if (from < 0) {
        return Behaviors.stopped();
      }
      track(checked.roomId(), from, v.lastSeq());
    } else if (checked.failure() != null) {
      timers.startSingleTimer("track-" + checked.roomId(), new RetryTrack(checked.roomId()), Duration.ofSeconds(1));
    } else {
      // Not a member (any more): the hub was asked to follow it before hello.
      startAfter.remove(checked.roomId());
      hub.tell(new RoomHub.Unsubscribe(checked.roomId(), getContext().getSelf()));
    }
    return Behaviors.same();
  }

  // ---------------------------------------------------------------------------------------------- delivery

  /** An entry the hub could not write through the room's lane (or sent before the lane was open). */
  private Behavior<Command> onEntry(Entry entry) {
    Cursor cursor = rooms.get(entry.roomId());
    if (cursor == null) {
      return Behaviors.same();
    }
    cursor.lock.lock();
    try {
      if (entry.seq() <= cursor.delivered) {
        return Behaviors.same();
      }
      cursor.target = Math.max(cursor.target, entry.seq());
      if (!cursor.fetching && entry.seq() == cursor.delivered + 1) {
        if (!send(entry.frame())) {
          return Behaviors.stopped();
        }
        cursor.delivered = entry.seq();
        return cursor.drainBuffered(this::send) ? Behaviors.same() : Behaviors.stopped();
      }
      if (cursor.buffered.size() < MAX_BUFFERED_PER_ROOM) {
        cursor.buffered.put(entry.seq(), entry.frame());
      }
      if (!cursor.fetching) {
        fetchWhenThereIsRoom(entry.roomId(), cursor);
      }
    } finally {
      cursor.lock.unlock();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRoomSynced(RoomSynced synced) {
    Cursor cursor = rooms.get(synced.roomId());
    if (cursor == null) {
      return Behaviors.same();
    }
    cursor.lock.lock();
    try {
      cursor.target = Math.max(cursor.target, synced.lastSeq());
      if (!cursor.fetching && cursor.target > cursor.delivered) {
        fetchWhenThereIsRoom(synced.roomId(), cursor);
      }
    } finally {
      cursor.lock.unlock();
    }
    return Behaviors.same();
  }

  /**
   * Fetches the next page once the socket's buffer has room for it, so a long catch-up (a client resuming from
   * far back) goes at the client's pace instead of filling the buffer and closing the socket with 1008.
   */
  private void fetchWhenThereIsRoom(String roomId, Cursor cursor) {
    // Called with the cursor's lock held.
    if (outbound.free() >= Math.min(2 * fetchPage(), outbound.capacity())) {
      fetch(roomId, cursor);
    } else {
      timers.startSingleTimer("fetch-" + roomId, new RetryFetch(roomId), PACE);
    }
  }

  /**
   * A catch-up page: 200 entries, or a quarter of a smaller socket buffer (parley.session.outbound-buffer), so that
   * the room the next fetch waits for (two pages, or the whole buffer if that is less) is there once the client has
   * read what it holds. Waiting for more room than the buffer has would stall the catch-up for good.
   */
  private int fetchPage() {
    return Math.max(1, Math.min(FETCH_PAGE, outbound.capacity() / 4));
  }

  private void fetch(String roomId, Cursor cursor) {
    cursor.fetching = true;
    getContext().pipeToSelf(
        history.page(roomId, username, null, cursor.delivered, fetchPage()),
        (result, failure) -> new Fetched(roomId, cursor, result, failure));
  }

  private Behavior<Command> onFetched(Fetched fetched) {
    Cursor cursor = rooms.get(fetched.roomId());
    if (cursor == null || cursor != fetched.cursor()) {
      return Behaviors.same();
    }
    cursor.lock.lock();
    try {
      return onFetched(fetched, cursor);
    } finally {
      cursor.lock.unlock();
    }
  }

  private Behavior<Command> onFetched(Fetched fetched, Cursor cursor) {
    cursor.fetching = false;
    if (fetched.result() instanceof ChatRoom.Rejected) {
      // Not a member any more: stop following the room.
      rooms.remove(fetched.roomId());
      cursor.dropped = true;
      hub.tell(new RoomHub.Unsubscribe(fetched.roomId(), getContext().getSelf()));
      return Behaviors.same();
    }
    if (fetched.result() instanceof ChatRoom.CursorAhead ahead) {
      // The room restarted without entries this connection was given: say so, and go on from where it is now.
      if (!reset(fetched.roomId(), cursor.delivered, ahead.lastSeq())) {
        return Behaviors.stopped();
      }
      cursor.delivered = ahead.lastSeq();
      cursor.target = ahead.lastSeq();
      cursor.buffered.clear();
      return Behaviors.same();
    }
    if (!(fetched.result() instanceof ChatRoom.Page page)) {
      // The room did not answer in time (it may be moving): try again shortly.
      timers.startSingleTimer("fetch-" + fetched.roomId(), new RetryFetch(fetched.roomId()), Duration.ofSeconds(1));
      return Behaviors.same();
    }
    if (page.floorSeq() != null && page.floorSeq() > cursor.delivered + 1) {
      // The room's retention removed what comes next for this connection: said, and it goes on from the floor.
      if (!write(new ServerFrame.Trimmed(fetched.roomId(), page.floorSeq()))) {
        return Behaviors.stopped();
      }
      cursor.delivered = page.floorSeq() - 1;
      cursor.target = Math.max(cursor.target, cursor.delivered);
    }
    for (TimelineEntry e : page.entries()) {
      if (e.seq() == cursor.delivered + 1) {
        if (!write(ServerFrame.MessageFrame.of(page.toWire(fetched.roomId(), e)))) {
          return Behaviors.stopped();
        }
        cursor.delivered = e.seq();
        cursor.target = Math.max(cursor.target, e.seq());
      }
    }
    if (!cursor.drainBuffered(this::send)) {
      return Behaviors.stopped();
    }
    boolean progressed = !page.entries().isEmpty();
    if (cursor.target > cursor.delivered && (progressed || page.hasMore())) {
      fetchWhenThereIsRoom(fetched.roomId(), cursor);
    } else if (cursor.target > cursor.delivered) {
      timers.startSingleTimer("fetch-" + fetched.roomId(), new RetryFetch(fetched.roomId()), Duration.ofSeconds(1));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onPresenceSeen(PresenceSeen seen) {
    // Not about the user themselves, and not what the client was already told (a mate in several shared rooms).
    List<PresenceChange> news = null;
    for (PresenceChange change : seen.changes()) {
      Member member = change.member();
      if (member.username().equals(username) || member.equals(presenceSeen.put(member.username(), member))) {
        continue;
      }
      if (news == null) {
        news = new ArrayList<>(seen.changes().size());
      }
      news.add(change);
    }
    if (news == null) {
      return Behaviors.same();
    }
    WebSocketUpgrades.PreparedText frame = seen.frame() != null && news.size() == seen.changes().size()
        ? seen.frame()
        : Frames.presence(news);
    return send(frame) ? Behaviors.same() : Behaviors.stopped();
  }

  private Behavior<Command> onRoomAdded(RoomAdded added) {
    if (!rooms.containsKey(added.roomId())) {
      track(added.roomId(), added.afterSeq(), added.afterSeq());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRemovedFromRoom(RemovedFromRoom removed) {
    Cursor cursor = rooms.remove(removed.roomId());
    startAfter.remove(removed.roomId());
    if (cursor == null) {
      return Behaviors.same();
    }
    cursor.lock.lock();
    try {
      cursor.dropped = true;
    } finally {
      cursor.lock.unlock();
    }
    return tellRemoved(removed.roomId(), removed.removal()) ? Behaviors.same() : Behaviors.stopped();
  }

  /** v1.1: the {@code removed} or {@code room_deleted} frame; false if the socket is closed. */
  private boolean tellRemoved(String roomId, Removal removal) {
    ServerFrame frame = parley.node.room.TimelineEntry.DELETED.equals(removal.reason())
        ? new ServerFrame.RoomDeleted(roomId)
        : new ServerFrame.Removed(roomId, removal.reason(), removal.by(), removal.text());
    return write(frame);
  }

  private Behavior<Command> onRoomRemoved(RoomRemoved removed) {
    Cursor cursor = rooms.remove(removed.roomId());
    boolean followed = cursor != null;
    if (followed) {
      cursor.lock.lock();
      try {
        cursor.dropped = true;
      } finally {
        cursor.lock.unlock();
      }
    }
    boolean waiting = startAfter.remove(removed.roomId()) != null;
    if (followed || waiting) {
      hub.tell(new RoomHub.Unsubscribe(removed.roomId(), getContext().getSelf()));
    }
    if (followed && removed.removal() != null && !tellRemoved(removed.roomId(), removed.removal())) {
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }

  /**
   * Follows a room from {@code delivered} on; entries up to {@code target} are fetched, later ones come live. The hub
   * answers with the room's last seq, which covers any entry it handed over before the cursor was there.
   */
  private void track(String roomId, long delivered, long target) {
    hub.tell(new RoomHub.Subscribe(roomId, getContext().getSelf(), username));
    follow(roomId, delivered, target);
  }

  /** The cursor for a room the hub already follows for this session, and the room's lane for the hub. */
  private void follow(String roomId, long delivered, long target) {
    // Not shared yet: the hub gets the lane below (the message publishes what is set here).
    Cursor cursor = new Cursor(delivered, outbound, username);
    cursor.target = target;
    rooms.put(roomId, cursor);
    if (target > delivered) {
      fetch(roomId, cursor);
    }
    // After the Subscribe (same sender, same receiver): the hub has the membership to open the lane on.
    hub.tell(new RoomHub.OpenLane(roomId, getContext().getSelf(), cursor));
  }

  /**
   * Where a room's frames start for a client that named {@code after} for it: there, unless the room has not reached
   * it. Such a seq can only come from entries the server lost (or from another server): the client is told with a
   * {@code reset} frame and frames start after the room's {@code lastSeq}. -1 if the socket is closed.
   */
  private long resumePoint(String roomId, long after, long lastSeq) {
    if (after <= lastSeq) {
      return after;
    }
    return reset(roomId, after, lastSeq) ? lastSeq : -1;
  }

  private boolean reset(String roomId, long after, long lastSeq) {
    getContext().getLog().error(
        "{} resumed room {} after seq {}, past its last seq {}: entries they saw are not in the journal",
        username, roomId, after, lastSeq);
    return write(ServerFrame.Reset.cursorAhead(roomId, after, lastSeq));
  }

  // ---------------------------------------------------------------------------------------------- writing

  /** However the session ends, the socket ends with it (a no-op if it is already closing). */
  private Behavior<Command> onStopped() {
    if (!closed) {
      closed = true;
      // Mostly the client's close or a dropped connection (the stream ended, and with it the session).
      metrics.webSocketClosed("peer");
      outbound.close(1011, "session ended; reconnect and resume by seq");
    }
    // Last, so a scrape that sees the session gone also sees how it closed.
    metrics.sessionClosed(username);
    return Behaviors.same();
  }

  private Behavior<Command> onClose(Close close) {
    return closeWith(close.code(), close.reason());
  }

  private Behavior<Command> closeWith(int code, String reason) {
    if (!closed) {
      closed = true;
      metrics.webSocketClosed(Integer.toString(code));
      outbound.close(code, reason);
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> error(String code, String message, String ref) {
    return write(new ServerFrame.Error(code, message, ref)) ? Behaviors.same() : Behaviors.stopped();
  }

  private boolean write(ServerFrame frame) {
    return send(Frames.render(frame));
  }

  /** False (and the socket closed with 1008) when the client is too far behind. */
  private boolean send(WebSocketUpgrades.PreparedText frame) {
    if (closed) {
      return false;
    }
    if (!outbound.offer(frame)) {
      closed = true;
      metrics.webSocketClosed("1008");
      outbound.close(1008, "too slow: reconnect and resume by seq");
      return false;
    }
    return true;
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<UserAccount.Command> user() {
    return sharding.entityRefFor(UserAccount.ENTITY_KEY, username);
  }
}
