package parley.node.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import parley.node.CborSerializable;
import parley.node.room.ChatRoom;
import parley.node.room.History;
import parley.node.user.Notification;
import parley.node.user.UserAccount;
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
 * <p>This class is the actor: its protocol, and which part handles each message. Each concern is its own class,
 * sharing the session's {@link SessionCore} (who, the rooms followed, writing to the socket): {@link Hello} (the hello
 * sequence), {@link UserLink} (the user's entity and the token), {@link RoomCursors} (a {@link Cursor} per room, gaps
 * and resume), {@link RoomMembership} (rooms added and lost), {@link Intake} (frames in, and the socket's read gate),
 * {@link Sends} (sends in flight and their answers) and {@link Awareness} (typing, receipts, focus, presence,
 * notifications).
 */
public final class ClientSession extends AbstractBehavior<ClientSession.Command> {

  static final int MAX_IN_FLIGHT = 64;

  /** The socket's outbound side, as the session sees it. */
  public interface Outbound {
    /** Queue a text frame; false when the buffer is full. */
    boolean offer(PreparedText frame);

    /**
     * Queue frames that go together, in order; false when the buffer is full. A queue that takes them as one element
     * (the socket's) overrides this; here they are offered one by one.
     */
    default boolean offer(List<PreparedText> frames) {
      for (PreparedText frame : frames) {
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
  public record Entry(String roomId, long seq, PreparedText frame) implements Command {}

  /** From the hub: the room's last seq as of (re)subscription; fill any gap up to it. */
  public record RoomSynced(String roomId, long lastSeq) implements Command {}

  /**
   * From the hub: members of the session's rooms came or went (one batch window's worth). A change that goes to
   * many sessions at once comes with its frame, rendered and framed once by the hub; the session renders a batch of
   * its own, or what is left of one after it drops what its client already knows.
   */
  public record PresenceSeen(List<PresenceChange> changes, PreparedText frame) implements Command {

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
  public record Relayed(String from, PreparedText frame) implements Command {}

  /**
   * From the user entity: a notification (a mention, a DM), its frame rendered once for all the user's
   * connections. Not written to a connection that said it looks at that room ({@code focus}); dropped before hello
   * (hello counts the unread ones).
   */
  public record Notified(String roomId, String frame) implements Command {
    /** The frame as JSON: the user's entity and the session may be on different nodes. */
    public static Notified of(Notification n) {
      try {
        return new Notified(n.room(), Json.mapper().writeValueAsString(
            new ServerFrame.Notification(n.room(), n.seq(), n.sender(), n.kind(), n.excerpt())));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * From the user entity: the user blocked {@code user} ({@code on}) or unblocked them. Kept for the unread counts
   * of rooms added later, and told as a {@code block} frame (before hello, kept only: the client reads the list).
   */
  public record BlockChanged(String user, boolean on) implements Command {}

  /**
   * From the user entity: a frame of the user's own (an invitation and its answer), rendered once for all the
   * user's connections. Dropped before hello: the client reads what is waiting after hello.
   */

  public record UserFrame(String frame) implements Command {
    public static UserFrame of(ServerFrame frame) {
      try {
        return new UserFrame(Json.mapper().writeValueAsString(frame));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** From the user entity: the user joined a room (or a DM was opened); deliver entries after {@code afterSeq}. */
  public record RoomAdded(String roomId, long afterSeq) implements Command {}

  /** {@code removal}: why, when the user did not leave (kicked, banned, the room deleted); else null. */
  public record RoomRemoved(String roomId, Removal removal) implements Command {
    public RoomRemoved(String roomId) {
      this(roomId, null);
    }
  }

  /**
   * Why a user lost a room: {@code reason} is {@code kicked}, {@code banned} or {@code room_deleted}; {@code by}
   * who did it, {@code text} the reason they gave (or null).
   */
  public record Removal(String reason, String by, String text) implements CborSerializable {}

  /**
   * From the hub: this user was removed from the room (kicked, banned, or the room deleted) by the entry at
   * {@code seq}. The hub sends nothing more of it. The user's entity says the same ({@link RoomRemoved}, from the
   * HTTP call that did it), in a race with this: whichever comes first tells the client, once.
   */
  public record RemovedFromRoom(String roomId, long seq, Removal removal) implements Command {}

  /** Close the socket with this code (4001 on logout). */
  public record Close(int code, String reason) implements Command {}

  record Registered(UserAccount.Result result, Throwable failure) implements Command {}

  record HelloReady(List<RoomSummary> rooms, Set<String> memberOf) implements Command {}

  /** A room added after hello, with its summary for the {@code room_added} frame. */
  record AddedSummary(String roomId, long afterSeq, RoomSummary summary) implements Command {}

  /** Hello goes without waiting any longer for the hub to follow the rooms that have not confirmed yet. */
  enum HelloDeadline implements Command { INSTANCE }

  /**
   * What hello still waits for: the summaries, and the rooms the hub does not follow yet. Answered at once, in
   * order with the session's other messages, so a test learns the session's state without guessing at time.
   */
  record AwaitingHello(ActorRef<HelloWaits> replyTo) implements Command {}

  /** {@code sent}: hello went out, nothing waits. */
  record HelloWaits(boolean sent, boolean waitsForSummaries, Set<String> unconfirmedRooms) {}

  /** A room the hello could not summarize (it did not answer in time) is tracked once it answers. */
  record RetryTrack(String roomId) implements Command {}

  record TrackChecked(String roomId, ChatRoom.GetResult result, Throwable failure) implements Command {}

  record ReadAnswered(String roomId, UserAccount.Result result, Throwable failure) implements Command {}

  /** A page for the cursor that asked for it (a room left and joined again has a new one). */
  record Fetched(String roomId, Cursor cursor, ChatRoom.HistoryResult result, Throwable failure)
      implements Command {}

  record SendAnswered(ChatRoom.SendOutcome outcome) implements Command {}

  record FrameAnswered(ChatRoom.FrameRefused refused) implements Command {}

  /** A pause of reading for a client sending past its rate limit may be over. */
  enum ResumeReading implements Command { INSTANCE }

  /** The oldest send in flight may have waited its ask timeout. */
  enum SendDeadline implements Command { INSTANCE }

  record RetryFetch(String roomId) implements Command {}

  /** The user's incarnation this session registered with stopped. */
  record UserGone(ActorRef<UserAccount.Command> user) implements Command {}

  enum Reregister implements Command { INSTANCE }

  record Reregistered(UserAccount.Result result, Throwable failure) implements Command {}

  /** The token's expiry may have come: close with 4001 if it has. */
  enum TokenCheck implements Command { INSTANCE }

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


  private final SessionCore core;
  private final Hello hello;
  private final UserLink userLink;
  private final RoomCursors cursors;
  private final RoomMembership membership;
  private final Awareness awareness;
  private final Intake intake;
  private final Sends sends;

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
    this.core = new SessionCore(context, timers, username, tokenHash, resumeAfter, outbound, hub, history, settings);
    core.metrics.sessionOpened(username);
    this.userLink = new UserLink(core);
    this.cursors = new RoomCursors(core);
    this.membership = new RoomMembership(core, cursors);
    this.awareness = new Awareness(core, cursors);
    this.intake = new Intake(core, awareness);
    this.sends = intake.sends;
    this.hello = new Hello(core, userLink, cursors, stash, this);
  }

  /** Until hello: the user's answer, the hub's confirmations and the summaries; the client's frames wait. */
  private Behavior<Command> starting() {
    userLink.register(Registered::new);
    return Behaviors.receive(Command.class)
        .onMessage(Registered.class, hello::onRegistered)
        .onMessage(HelloReady.class, hello::onHelloReady)
        .onMessage(RoomSynced.class, hello::onSyncedBeforeHello)
        .onMessage(Entry.class, hello::onEntryBeforeHello)
        .onMessageEquals(HelloDeadline.INSTANCE, hello::onHelloDeadline)
        .onMessage(AwaitingHello.class, hello::onAwaitingHello)
        .onMessage(Close.class, this::onClose)
        .onMessageEquals(StreamDone.INSTANCE, Behaviors::stopped)
        .onMessage(StreamFailed.class, f -> Behaviors.stopped())
        .onSignal(PostStop.class, signal -> core.onStopped())
        .onMessage(Relayed.class, r -> Behaviors.same())
        .onMessage(Notified.class, n -> Behaviors.same())
        .onMessage(UserFrame.class, n -> Behaviors.same())
        .onMessage(BlockChanged.class, b -> {
          core.blockChanged(b.user(), b.on());
          return Behaviors.same();
        })
        .onMessage(Command.class, hello::stashOrClose)
        .build();
  }

  // Handlers answer Behaviors.same(), not this: inside withTimers (an interceptor) "this" is a new behaviour to the
  // interceptor, which then allocates a new InterceptorImpl on every message, one per delivery under fan-out.
  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StreamInit.class, intake::onStreamInit)
        .onMessage(StreamElement.class, intake::onStreamElement)
        .onMessageEquals(StreamDone.INSTANCE, Behaviors::stopped)
        .onMessage(StreamFailed.class, f -> Behaviors.stopped())
        .onMessage(Entry.class, cursors::onEntry)
        .onMessage(RoomSynced.class, cursors::onRoomSynced)
        .onMessage(Fetched.class, cursors::onFetched)
        .onMessage(RetryFetch.class, cursors::onRetryFetch)
        .onMessage(RetryTrack.class, membership::onRetryTrack)
        .onMessage(TrackChecked.class, membership::onTrackChecked)
        .onMessage(ReadAnswered.class, awareness::onReadAnswered)
        .onMessage(PresenceSeen.class, awareness::onPresenceSeen)
        .onMessage(Relayed.class, awareness::onRelayed)
        .onMessage(Notified.class, awareness::onNotified)
        .onMessage(FrameAnswered.class, awareness::onFrameAnswered)
        .onMessage(UserFrame.class, n -> SessionCore.sameIf(core.send(PreparedText.of(n.frame()))))
        .onMessage(BlockChanged.class, b -> {
          core.blockChanged(b.user(), b.on());
          return SessionCore.sameIf(core.send(PreparedText.of(UserFrame.of(new ServerFrame.Block(b.user(), b.on()))
              .frame())));
        })
        .onMessage(RoomAdded.class, membership::onRoomAdded)
        .onMessage(AddedSummary.class, membership::onAddedSummary)
        .onMessage(RoomRemoved.class, membership::onRoomRemoved)
        .onMessage(RemovedFromRoom.class, membership::onRemovedFromRoom)
        .onMessage(SendAnswered.class, sends::onSendAnswered)
        .onMessageEquals(SendDeadline.INSTANCE, sends::onSendDeadline)
        .onMessageEquals(ResumeReading.INSTANCE, intake::onResumeReading)
        .onMessage(Close.class, this::onClose)
        .onMessage(AwaitingHello.class, a -> {
          a.replyTo().tell(new HelloWaits(true, false, Set.of()));
          return Behaviors.same();
        })
        .onMessage(UserGone.class, userLink::onUserGone)
        .onMessageEquals(Reregister.INSTANCE, userLink::reregister)
        .onMessage(Reregistered.class, userLink::onReregistered)
        .onMessageEquals(TokenCheck.INSTANCE, userLink::onTokenCheck)
        .onSignal(PostStop.class, signal -> core.onStopped())
        .build();
  }

  private Behavior<Command> onClose(Close close) {
    return core.closeWith(close.code(), close.reason());
  }
}
