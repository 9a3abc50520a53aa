package parley.node.room;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import parley.node.CborSerializable;
import parley.node.Secrets;
import parley.node.Validation;
import parley.node.delivery.RoomHub;

/**
 * A chat room (or a DM): a sharded, event-sourced entity that owns the room's one timeline. Every event is exactly
 * one timeline entry, and the entry's seq equals the event's journal sequence number, so an older page of history
 * is a primary-key range read of the journal.
 *
 * <p>The room decides joins one at a time (passcode, capacity), deduplicates sends by (sender, clientMsgId), and
 * replies to a send only after its event is stored. Live entries go once to each node's {@link RoomHub}, which
 * writes them to that node's sessions. Presence of members and the set of hubs are soft state, rebuilt after a
 * restart (hubs resubscribe; members' presence is asked of their user entities).
 *
 * <p>Its size (about 670 lines) is its protocol, nested here as the platform guide's entities keep theirs (commands,
 * replies and events: some 250 lines), and one handler per command. What has state of its own is its own class:
 * {@link RoomState} (the state, its transitions, snapshots and pages), {@link PendingSends} (sends waiting for
 * their write), {@link RoomAudience} (hubs, members' presence, the directory's listing) and {@link RoomAwareness}
 * (v1.1: typing, receipts, notifications).
 */
public final class ChatRoom
    extends EventSourcedBehaviorWithEnforcedReplies<ChatRoom.Command, ChatRoom.Event, RoomState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Room");
  public static final String KIND_ROOM = "room";
  public static final String KIND_DM = "dm";
  /** v1.1: a group DM: 3 to 10 people, one room per set of them, whoever opens it. */
  public static final String KIND_GROUP = "group";
  static final Duration ONLINE_REPORT_EVERY = Duration.ofSeconds(1);


  /** Tunables from {@code parley.room} and {@code parley.typing}. */
  public record Settings(
      int recentEntries, int dedupeWindow, int snapshotEvery, Duration typingRelayEvery, Duration typingExpiresAfter,
      int typingStartsPerSecond, Duration retentionCheckEvery) {
    public Settings(int recentEntries, int dedupeWindow, int snapshotEvery) {
      this(recentEntries, dedupeWindow, snapshotEvery, Duration.ofSeconds(2), Duration.ofSeconds(6), 4);
    }

    public Settings(int recentEntries, int dedupeWindow, int snapshotEvery, Duration typingRelayEvery,
        Duration typingExpiresAfter, int typingStartsPerSecond) {
      this(recentEntries, dedupeWindow, snapshotEvery, typingRelayEvery, typingExpiresAfter, typingStartsPerSecond,
          Duration.ofHours(1));
    }

    public static Settings fromConfig(com.typesafe.config.Config config) {
      return new Settings(
          config.getInt("parley.room.recent-entries"),
          config.getInt("parley.room.dedupe-window"),
          config.getInt("parley.room.snapshot-every"),
          config.getDuration("parley.typing.relay-every"),
          config.getDuration("parley.typing.expires-after"),
          config.getInt("parley.typing.room-starts-per-second"),
          config.getDuration("parley.room.retention-check-every"));
    }
  }

  public static void init(ActorSystem<?> system) {
    Settings settings = Settings.fromConfig(system.settings().config());
    ClusterSharding.get(system)
        // What a room logs (its failures included) names it: the JSON log format's "room".
        .init(Entity.of(ENTITY_KEY, ctx -> Behaviors.withMdc(Command.class, java.util.Map.of("room", ctx.getEntityId()),
            create(ctx.getEntityId(), settings, Clock.systemUTC()))));
  }

  public static PersistenceId persistenceId(String roomId) {
    return PersistenceId.of(ENTITY_KEY.name(), roomId);
  }

  /** The one id of the DM between two users, whichever of them asks. */
  public static String dmId(String a, String b) {
    return a.compareTo(b) < 0 ? "dm:" + a + ":" + b : "dm:" + b + ":" + a;
  }

  public static Behavior<Command> create(String roomId, Settings settings, Clock clock) {
    return Behaviors.setup(ctx -> new ChatRoom(roomId, settings, clock, ctx));
  }

  // ---------------------------------------------------------------------------------------------- protocol

  public sealed interface Command extends CborSerializable {}

  /** Create the room; {@code others} join with the owner (a DM's second member). */
  public record Create(
      String name,
      String kind,
      String owner,
      String passcodeHash,
      int capacity,
      List<String> others,
      ActorRef<CreateResult> replyTo)
      implements Command {}

  public record Join(String user, String passcode, ActorRef<JoinResult> replyTo) implements Command {}

  public record Leave(String user, ActorRef<LeaveResult> replyTo) implements Command {}

  /**
   * {@code kind} (v1.1): {@code message}, {@code edit} or {@code delete} (then {@code target} is the message's seq);
   * {@code replyTo}: the seq a message answers, or null.
   */
  public record Post(String user, String clientMsgId, String text, ActorRef<PostResult> replyTo, String kind,
      Long target, Long answers, parley.protocol.FileRef file) implements Command {
    public Post(String user, String clientMsgId, String text, ActorRef<PostResult> replyTo) {
      this(user, clientMsgId, text, replyTo, TimelineEntry.MESSAGE, null, null);
    }

    public Post(String user, String clientMsgId, String text, ActorRef<PostResult> replyTo, String kind,
        Long target, Long answers) {
      this(user, clientMsgId, text, replyTo, kind, target, answers, null);
    }
  }

  /**
   * A send from a session's socket. Unlike {@link Post} it is told, not asked: the outcome names its room and
   * clientMsgId, so one stable reply address (the session's) serves every send, and the session keeps the timeout
   * itself. An ask would make a temporary actor and a timeout task per send, and its reply address would be new to
   * remoting every time.
   */
  public record Send(String user, String clientMsgId, String text, ActorRef<SendOutcome> replyTo, String kind,
      Long target, Long answers) implements Command {
    public Send(String user, String clientMsgId, String text, ActorRef<SendOutcome> replyTo) {
      this(user, clientMsgId, text, replyTo, TimelineEntry.MESSAGE, null, null);
    }
  }

  /** The room in full; {@code asUser} decides what a non-member may see. */
  public record Get(String asUser, ActorRef<GetResult> replyTo) implements Command {}

  /**
   * Just what a user's room list needs (no member list): for hello and {@code /me}. {@code readSeq}: the user's read
   * marker, which the unread count starts from.
   */
  public record GetSummary(String asUser, long readSeq, ActorRef<GetResult> replyTo) implements Command {
    public GetSummary(String asUser, ActorRef<GetResult> replyTo) {
      this(asUser, 0, replyTo);
    }
  }

  /** A page of history: at most one of before/after, both null for the latest. */
  public record GetHistory(String user, Long before, Long after, int limit, ActorRef<HistoryResult> replyTo)
      implements Command {}

  /** A node's hub wants this room's live entries; answered with {@link RoomHub.Subscribed}. Idempotent. */
  public record SubscribeHub(ActorRef<RoomHub.Command> hub) implements Command {}

  /** The hub has no more subscribers for this room. */
  public record UnsubscribeHub(ActorRef<RoomHub.Command> hub) implements Command {}

  /**
   * v1.1: {@code user} is typing (or, {@code stop}, no longer). Never stored: relayed to the room's hubs, at most once
   * per {@code parley.typing.relay-every} per member. Answered only when refused.
   */
  public record Typing(String user, boolean stop, ActorRef<FrameRefused> replyTo) implements Command {}

  /** v1.1: a typing or delivered frame the room refused (unknown room, not a member). */
  public record FrameRefused(String roomId, String code, String message) implements CborSerializable {}

  /**
   * v1.1: {@code user}'s devices hold the room's entries up to {@code seq}. Kept for receipts, clamped to the room's
   * last seq, never moved back; stored by the room's {@link DeliveredMarkers} in one batch a second. Answered only when
   * refused.
   */
  public record MarkDelivered(String user, long seq, ActorRef<FrameRefused> replyTo) implements Command {}

  /** v1.1: the room's stored delivered markers, from its {@link DeliveredMarkers} once recovered. */
  record DeliveredRecovered(java.util.Map<String, Long> markers) implements Command {}

  /**
   * v1.1: a member's markers as their user entity has them (it tells the room each move, and answers the room's ask
   * after a restart or a join): kept for receipts, never stored here.
   */
  public record MarkersMoved(String user, long deliveredSeq, long readSeq, boolean readShown, boolean asked)
      implements Command {}

  /** v1.1: every member's receipt, for a member. */
  public record GetReceipts(String asUser, ActorRef<ReceiptsResult> replyTo) implements Command {}

  public interface ReceiptsResult extends CborSerializable {}

  public record ReceiptsView(List<parley.protocol.RoomReceipts.Member> members) implements ReceiptsResult {}

  /** Receipts that moved go out (at most once a second). */
  enum FlushReceipts implements Command { INSTANCE }

  /** Typing that was not renewed in time ends. */
  enum TypingExpiry implements Command { INSTANCE }

  /** v1.1: typing and receipts held for an entry to ride with go alone (see {@link RoomAudience#MOMENTS_HOLD}). */
  enum FlushMoments implements Command { INSTANCE }

  /**
   * v1.1: {@code user} closed their account (from their user entity, again until confirmed; idempotent). A member
   * leaves with an {@code account_closed} entry; in a room where they only wrote before, the entry marks their
   * messages; where they have nothing, nothing is written. Confirmed with {@link MemberClosed}.
   */
  public record CloseMember(String user, ActorRef<MemberClosed> replyTo) implements Command {}

  public record MemberClosed(String roomId) implements CborSerializable {}

  /**
   * v1.1, moderation: the owner or an admin changes the room. Null fields stay as they are; {@code passcodeGiven} with
   * a null hash removes the passcode. Answered with the room, or refused.
   */
  public record Change(String user, String name, String topic, boolean passcodeGiven, String passcodeHash,
      Integer capacity, ActorRef<ModerationResult> replyTo, parley.protocol.Retention retention) implements Command {
    public Change(String user, String name, String topic, boolean passcodeGiven, String passcodeHash,
        Integer capacity, ActorRef<ModerationResult> replyTo) {
      this(user, name, topic, passcodeGiven, passcodeHash, capacity, replyTo, null);
    }
  }

  /**
   * v1.1, retention: see whether entries fall outside the room's retention, and trim them. {@code timer}: the age
   * check's own tick, which schedules the next; {@code eager}: a new limit, applied to the entry (not in steps).
   */
  public record CheckRetention(boolean timer, boolean eager) implements Command {
    public CheckRetention(boolean timer) {
      this(timer, false);
    }
  }

  /** v1.1, retention: the first seq younger than the room's age limit, read from the journal. */
  private record AgeFloorFound(long floor, Throwable failure) implements Command {}

  /** v1.1, moderation: {@code action} is {@code kick}, {@code ban} or {@code unban}; {@code reason} may be null. */
  public record Moderate(String user, String action, String target, String reason,
      ActorRef<ModerationResult> replyTo) implements Command {}

  /** v1.1, moderation: the owner gives {@code target} the role {@code admin}, {@code member} or {@code owner}. */
  public record SetRole(String user, String target, String role, ActorRef<ModerationResult> replyTo)
      implements Command {}

  public interface ModerationResult extends CborSerializable {}

  /**
   * v1.1: the owner deletes the room: its members are told ({@code room_deleted}), it leaves every listing, its
   * history is erased from the journal, and it answers as no such room from then on. Answered with the members it
   * had (whose lists drop it), or refused.
   */
  public record Delete(String user, ActorRef<DeleteResult> replyTo) implements Command {}

  public interface DeleteResult extends CborSerializable {}

  public record Deleted(List<String> members) implements DeleteResult {}

  /** A member came or went (from their user entity). */
  public record PresenceChanged(String user, boolean online, Instant lastSeen) implements Command {}

  private record PasscodeChecked(String user, boolean ok, ActorRef<JoinResult> replyTo) implements Command {}

  record HubTerminated(ActorRef<RoomHub.Command> hub) implements Command {}

  private enum Flush implements Command { INSTANCE }

  /** Sends the directory the online count, at most once per {@link #ONLINE_REPORT_EVERY}. */
  enum ReportOnline implements Command { INSTANCE }

  // Replies. A rejection carries the protocol's error code.

  public interface CreateResult extends CborSerializable {}

  public interface JoinResult extends CborSerializable {}

  public interface LeaveResult extends CborSerializable {}

  public interface PostResult extends CborSerializable {}

  public interface GetResult extends CborSerializable {}

  public interface HistoryResult extends CborSerializable {}

  public record Rejected(String code, String message)
      implements CreateResult, JoinResult, LeaveResult, PostResult, GetResult, HistoryResult, ReceiptsResult,
      ModerationResult, DeleteResult {}

  /** {@code role} (v1.1): owner, admin or member. */
  public record MemberView(String username, boolean online, Instant lastSeen, String role) implements CborSerializable {
    public MemberView(String username, boolean online, Instant lastSeen) {
      this(username, online, lastSeen, null);
    }

    MemberView withRole(String r) {
      return new MemberView(username, online, lastSeen, r);
    }
  }

  public record RoomView(
      String id,
      String name,
      String kind,
      String owner,
      int capacity,
      boolean hasPasscode,
      long lastSeq,
      List<MemberView> members,
      boolean isMember,
      String topic,
      parley.protocol.Retention retention,
      long floorSeq)
      implements CreateResult, GetResult, ModerationResult {
    public RoomView(String id, String name, String kind, String owner, int capacity, boolean hasPasscode, long lastSeq,
        List<MemberView> members, boolean isMember) {
      this(id, name, kind, owner, capacity, hasPasscode, lastSeq, members, isMember, null, null, 1);
    }
  }

  public record Created(RoomView room) implements CreateResult {}

  /**
   * {@code lastSentByUser}: the asking user's last message seq here (0 if none), which counts as read; {@code unread}:
   * the messages after the marker the ask gave (see {@link RoomState#unread}); {@code mentions} (v1.1): those of them
   * that mention the user.
   */
  public record SummaryView(
      String id, String name, String kind, long lastSeq, boolean isMember, long lastSentByUser, long unread,
      long mentions)
      implements GetResult {}

  public record Joined(RoomView room, long joinSeq) implements JoinResult {}

  public record Left(long seq) implements LeaveResult {}

  public record Posted(TimelineEntry entry, boolean duplicate) implements PostResult {}

  /** How a {@link Send} ended: what the client's ack frame or error frame needs, and no more. */
  public sealed interface SendOutcome extends CborSerializable {
    String roomId();

    String clientMsgId();
  }

  /** Stored (or stored before, for a resend: then its first seq and time). */
  public record SendStored(String roomId, String clientMsgId, long seq, Instant sentAt) implements SendOutcome {}

  /** {@code retryAfterMs}: with {@code rate_limited} (refused by the user's bucket, not the room), else null. */
  public record SendRefused(String roomId, String clientMsgId, String code, String message, Long retryAfterMs)
      implements SendOutcome {
    public SendRefused(String roomId, String clientMsgId, String code, String message) {
      this(roomId, clientMsgId, code, message, null);
    }
  }

  /** {@code closedSenders} (v1.1): the room's senders who closed their account, whose entries are so marked. */
  /** {@code overlays} (v1.1): the edited and deleted messages of the page (see {@link RoomState#overlays}). */
  /** {@code floorSeq} (v1.1): the page reached below the room's floor (its retention removed what is before it). */
  public record Page(List<TimelineEntry> entries, boolean hasMore, java.util.Set<String> closedSenders,
      java.util.Map<Long, RoomState.Overlay> overlays, java.util.Map<Long, java.util.Map<String, List<String>>> reactions,
      Long floorSeq)
      implements HistoryResult {
    public Page {
      closedSenders = closedSenders == null ? java.util.Set.of() : closedSenders;
      overlays = overlays == null ? java.util.Map.of() : overlays;
      reactions = reactions == null ? java.util.Map.of() : reactions;
    }

    public Page(List<TimelineEntry> entries, boolean hasMore, java.util.Set<String> closedSenders,
        java.util.Map<Long, RoomState.Overlay> overlays, java.util.Map<Long, java.util.Map<String, List<String>>> reactions) {
      this(entries, hasMore, closedSenders, overlays, reactions, null);
    }

    public Page(List<TimelineEntry> entries, boolean hasMore, java.util.Set<String> closedSenders,
        java.util.Map<Long, RoomState.Overlay> overlays) {
      this(entries, hasMore, closedSenders, overlays, java.util.Map.of());
    }

    public Page(List<TimelineEntry> entries, boolean hasMore) {
      this(entries, hasMore, java.util.Set.of(), java.util.Map.of());
    }

    public Page(List<TimelineEntry> entries, boolean hasMore, java.util.Set<String> closedSenders) {
      this(entries, hasMore, closedSenders, java.util.Map.of());
    }

    /** The entries as a client gets them, {@code senderDeleted} marked. */
    public List<parley.protocol.Message> toWire(String roomId) {
      return entries.stream().map(e -> toWire(roomId, e)).toList();
    }

    public parley.protocol.Message toWire(String roomId, TimelineEntry e) {
      parley.protocol.Message m =
          e.toWire(roomId, closedSenders.contains(e.sender()) || TimelineEntry.ACCOUNT_CLOSED.equals(e.kind()));
      java.util.Map<String, List<String>> reacted = reactions.get(e.seq());
      if (reacted != null) {
        m = new parley.protocol.Message(m.room(), m.seq(), m.kind(), m.sender(), m.text(), m.sentAt(), m.clientMsgId(),
            m.mentions(), m.senderDeleted(), m.user(), m.role(), m.capacity(), m.passcode(), m.target(), m.replyTo(),
            m.editedAt(), m.deleted(), m.emoji(), m.on(), reacted, m.retention(), m.floorSeq(), m.file());
      }
      RoomState.Overlay o = overlays.get(e.seq());
      if (o == null) {
        return m;
      }
      // The latest text of an edited message; none at all of a deleted one (nor of its edits).
      return new parley.protocol.Message(m.room(), m.seq(), m.kind(), m.sender(), o.deleted() ? null : o.text(),
          m.sentAt(), m.clientMsgId(), o.deleted() ? List.of() : m.mentions(), m.senderDeleted(), m.user(), m.role(),
          m.capacity(), m.passcode(), m.target(), m.replyTo(), o.deleted() ? null : o.editedAt(),
          o.deleted() ? Boolean.TRUE : null, m.emoji(), m.on(), o.deleted() ? null : m.reactions(), m.retention(),
          m.floorSeq(), o.deleted() ? null : m.file());
    }
  }

  /** The page is older than what the room holds in memory: read seqs from..to of the journal. */
  public record InJournal(long from, long to, boolean hasMore, java.util.Set<String> closedSenders,
      java.util.Map<Long, RoomState.Overlay> overlays, java.util.Map<Long, java.util.Map<String, List<String>>> reactions,
      Long floorSeq)
      implements HistoryResult {
    public InJournal(long from, long to, boolean hasMore) {
      this(from, to, hasMore, java.util.Set.of(), java.util.Map.of(), java.util.Map.of(), null);
    }
  }

  /**
   * An {@code after} past the room's last seq: the caller holds entries the room does not, which only lost state (or
   * another server's cursor) explains. Named, never answered with an empty page.
   */
  public record CursorAhead(long lastSeq) implements HistoryResult {}

  /** A resend whose first copy has left the room's memory: its entry is read from the journal at {@code seq}. */
  public record PostedBefore(long seq) implements PostResult {}

  // ---------------------------------------------------------------------------------------------- events

  /** Every event is one timeline entry. */
  public sealed interface Event extends CborSerializable {
    TimelineEntry entry();
  }

  /** {@code parties} (v1.1): a group DM's people (who may join it again after leaving); null for other rooms. */
  public record RoomInfo(
      String name, String kind, String owner, String passcodeHash, int capacity, Instant createdAt,
      List<String> parties)
      implements CborSerializable {
    public RoomInfo(String name, String kind, String owner, String passcodeHash, int capacity, Instant createdAt) {
      this(name, kind, owner, passcodeHash, capacity, createdAt, null);
    }

    RoomInfo with(String newName, String newOwner, String newPasscodeHash, int newCapacity) {
      return new RoomInfo(newName, kind, newOwner, newPasscodeHash, newCapacity, createdAt, parties);
    }
  }

  /** v1.1: the one id of the group DM of these people, whoever opens it: "g" and 31 hex digits of their names' hash. */
  public static String groupId(java.util.Collection<String> people) {
    return "g" + Secrets.sha256(String.join(",", new java.util.TreeSet<>(people))).substring(0, 31);
  }

  /** A DM or (v1.1) a group DM: private to its people, with no owner powers. */
  static boolean isPrivate(String kind) {
    return KIND_DM.equals(kind) || KIND_GROUP.equals(kind);
  }

  public record RoomCreated(RoomInfo info, TimelineEntry entry) implements Event {}

  public record MemberJoined(TimelineEntry entry) implements Event {}

  public record MemberLeft(TimelineEntry entry) implements Event {}

  public record MessagePosted(TimelineEntry entry) implements Event {}

  /**
   * v1.1, moderation: a {@code topic}, {@code renamed} or {@code settings} entry; {@code passcodeHash} is the new
   * passcode's (null: none) when the entry says the passcode changed, and never part of the entry.
   */
  public record RoomChanged(TimelineEntry entry, String passcodeHash) implements Event {}

  /** v1.1, moderation: a {@code kicked}, {@code banned}, {@code unbanned} or {@code role} entry. */
  public record Moderated(TimelineEntry entry) implements Event {}

  /** v1.1: the room was deleted by its owner ({@code sender}): the tombstone, erased with the rest. */
  public record RoomDeleted(TimelineEntry entry) implements Event {}

  /**
   * v1.1, retention: a {@code trimmed} entry: the entries before its {@code target} (the new floor) are removed. A
   * snapshot is taken at it, then the journal rows before the floor and the older snapshots are deleted.
   */
  public record HistoryTrimmed(TimelineEntry entry) implements Event {}

  /** v1.1: the sender closed their account; a member leaves with it. */
  public record AccountClosed(TimelineEntry entry) implements Event {}

  // ---------------------------------------------------------------------------------------------- behavior

  private final String roomId;
  private final Settings settings;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final parley.node.NodeMetrics metrics;
  private final ClusterSharding sharding;
  private final Executor blocking;
  /** Soft state: who listens (hubs), members' presence, the directory's listing. */
  private final RoomAudience audience;
  /** Sends accepted but not yet written (see {@link #onFlush}); never acknowledged before they are. */
  private final PendingSends pending = new PendingSends();
  private boolean flushQueued;
  /** Soft state of v1.1: typing, receipts, notifications (see {@link RoomAwareness}). */
  private final RoomAwareness awareness;
  /** v1.1, retention: an age check's journal read is running; its tick is scheduled. */
  private boolean ageScanRunning;
  private boolean ageTickScheduled;

  private ChatRoom(String roomId, Settings settings, Clock clock, ActorContext<Command> context) {
    // A failed journal write or replay stops the room (its unacknowledged sends are told unavailable as it stops, and
    // retried by their clients), and sharding starts a new one, which replays the journal, with the next message: a
    // hub's resubscribe (every second until one answers), a send, a request. Not a restart of this actor
    // (restartWithBackoff): the journal's replies to a failed write keep coming after the first failure, the restart
    // took them in with the commands it held back, and the next incarnation stopped unstashing at the first of them:
    // the room answered nothing more until its node restarted (ClientSessionTest). A new actor's replies cannot be
    // mixed up with a stopped one's.
    super(persistenceId(roomId));
    this.roomId = roomId;
    this.settings = settings;
    this.clock = clock;
    this.context = context;
    this.metrics = parley.node.NodeMetrics.get(context.getSystem());
    this.sharding = ClusterSharding.get(context.getSystem());
    this.audience = new RoomAudience(roomId, context, sharding);
    this.awareness = new RoomAwareness(roomId, context, sharding, audience, settings);
    this.blocking =
        context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher"));
  }

  @Override
  public RoomState emptyState() {
    return RoomState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  /**
   * A snapshot is copied into a {@link RoomState.Snapshot} here, on the room's thread: the state's dedupe window is written in
   * place, and the snapshot store serializes later, on its own. Snapshots written before are read as a state.
   */
  @Override
  public SnapshotAdapter<RoomState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(RoomState state) {
        return state.toSnapshot();
      }

      @Override
      public RoomState fromJournal(Object from) {
        return from instanceof RoomState.Snapshot snapshot ? RoomState.fromSnapshot(snapshot) : (RoomState) from;
      }
    };
  }

  /** v1.1, retention: a snapshot at every trim, so the rows before its floor can go. */
  @Override
  public boolean shouldSnapshot(RoomState state, Event event, long sequenceNr) {
    return event instanceof HistoryTrimmed;
  }

  @Override
  public SignalHandler<RoomState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        // Stopped with sends unanswered (after a failed write, or by its node): each is told unavailable now, not by
        // its sender's timeout. Sends held back behind the failed write are dropped by Pekko with the room, unanswered.
        .onSignal(org.apache.pekko.actor.typed.PostStop.instance(), state -> pending.abandon())
        .onSignal(org.apache.pekko.persistence.typed.SnapshotCompleted.class, (state, done) -> {
          if (state.floorSeq > 1) {
            eraseBelowFloor(state.floorSeq);
          }
        })
        .build();
  }

  private void onRecovered(RoomState state) {
    if (state.deleted) {
      // Deleted, and the node may have stopped before the history was erased: erase it (again).
      erase();
      return;
    }
    if (!state.exists()) {
      return;
    }
    state.members.forEach(awareness::askAbout);
    awareness.wroteRecovered(state);
    awareness.startStoredMarkers();
    audience.reportToDirectory(state);
    if (state.retention != null) {
      context.getSelf().tell(new CheckRetention(false));
    }
    if (state.floorSeq > 1) {
      // The node may have stopped between a trim and its erasure.
      eraseBelowFloor(state.floorSeq);
    }
  }

  @Override
  public CommandHandlerWithReply<Command, Event, RoomState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(Join.class, this::onJoin)
        .onCommand(PasscodeChecked.class, this::onPasscodeChecked)
        .onCommand(Leave.class, this::onLeave)
        .onCommand(CloseMember.class, this::onCloseMember)
        .onCommand(Change.class, this::onChange)
        .onCommand(CheckRetention.class, this::onCheckRetention)
        .onCommand(AgeFloorFound.class, this::onAgeFloorFound)
        .onCommand(Moderate.class, this::onModerate)
        .onCommand(SetRole.class, this::onSetRole)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Post.class, this::onPost)
        .onCommand(Send.class, this::onSend)
        .onCommand(Flush.class, (state, cmd) -> onFlush(state))
        .onCommand(ReportOnline.class, (state, cmd) -> {
          audience.reportOnlineNow(state);
          return Effect().noReply();
        })
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), get(state, cmd.asUser())))
        .onCommand(GetSummary.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state.exists()
            ? new SummaryView(roomId, state.info.name(), state.info.kind(), state.lastSeq, state.isMember(cmd.asUser()),
                state.lastSent.getOrElse(cmd.asUser(), () -> 0L), state.unread(cmd.asUser(), cmd.readSeq()),
                state.mentions(cmd.asUser(), cmd.readSeq()))
            : noSuchRoom()))
        .onCommand(GetHistory.class, this::onGetHistory)
        .onCommand(SubscribeHub.class, (state, cmd) -> {
          audience.subscribe(cmd.hub(), state);
          return Effect().noReply();
        })
        .onCommand(UnsubscribeHub.class, (state, cmd) -> {
          audience.unsubscribe(cmd.hub());
          return Effect().noReply();
        })
        .onCommand(HubTerminated.class, (state, cmd) -> {
          audience.hubTerminated(cmd.hub());
          return Effect().noReply();
        })
        .onCommand(PresenceChanged.class, (state, cmd) -> {
          if (audience.presenceChanged(state, cmd)) {
            // Their last connection closed: nobody is left typing (an offline the room only learns of says nothing).
            awareness.endTyping(cmd.user());
          }
          return Effect().noReply();
        })
        .onCommand(Typing.class, this::onTyping)
        .onCommand(MarkersMoved.class, (state, cmd) -> {
          if (state.isMember(cmd.user())) {
            awareness.markersMoved(cmd);
          }
          return Effect().noReply();
        })
        .onCommand(MarkDelivered.class, this::onMarkDelivered)
        .onCommand(DeliveredRecovered.class, (state, cmd) -> {
          awareness.deliveredRecovered(cmd.markers(), state::isMember);
          return Effect().noReply();
        })
        .onCommand(FlushReceipts.class, (state, cmd) -> {
          awareness.flushReceipts(state);
          return Effect().noReply();
        })
        .onCommand(GetReceipts.class, (state, cmd) -> {
          Rejected refusal = !state.exists() ? noSuchRoom() : !state.isMember(cmd.asUser()) ? outsider(state) : null;
          return Effect().reply(cmd.replyTo(), refusal != null ? refusal : new ReceiptsView(awareness.receipts(state)));
        })
        .onCommand(TypingExpiry.class, (state, cmd) -> {
          awareness.typingExpiry();
          return Effect().noReply();
        })
        .onCommand(FlushMoments.class, (state, cmd) -> {
          audience.flushMoments();
          return Effect().noReply();
        })
        .build();
  }

  private ReplyEffect<Event, RoomState> onCreate(RoomState state, Create cmd) {
    if (state.exists()) {
      return Effect().reply(cmd.replyTo(), view(state, cmd.owner()));
    }
    if (state.deleted) {
      return Effect().reply(cmd.replyTo(), noSuchRoom());
    }
    Instant now = now();
    List<String> parties = null;
    if (KIND_GROUP.equals(cmd.kind())) {
      java.util.TreeSet<String> all = new java.util.TreeSet<>(cmd.others());
      all.add(cmd.owner());
      parties = List.copyOf(all);
    }
    RoomInfo info = new RoomInfo(cmd.name(), cmd.kind(), cmd.owner(), cmd.passcodeHash(), cmd.capacity(), now, parties);
    List<Event> events = new ArrayList<>();
    events.add(new RoomCreated(info, new TimelineEntry(1, TimelineEntry.JOINED, cmd.owner(), null, now, null)));
    long seq = 1;
    for (String other : cmd.others()) {
      if (!other.equals(cmd.owner())) {
        events.add(new MemberJoined(new TimelineEntry(++seq, TimelineEntry.JOINED, other, null, now, null)));
      }
    }
    return Effect()
        .persist(events)
        .thenRun(s -> {
          events.forEach(e -> {
            audience.publish(e.entry());
            awareness.askAbout(e.entry().sender());
          });
          audience.reportToDirectory(s);
        })
        .thenReply(cmd.replyTo(), s -> new Created(view(s, cmd.owner())));
  }

  private ReplyEffect<Event, RoomState> onJoin(RoomState state, Join cmd) {
    boolean dm = state.exists() && KIND_DM.equals(state.info.kind());
    boolean group = state.exists() && KIND_GROUP.equals(state.info.kind());
    if (!state.exists() || (dm && !isDmParty(cmd.user()))
        || (group && (state.info.parties() == null || !state.info.parties().contains(cmd.user())))) {
      return Effect().reply(cmd.replyTo(), noSuchRoom());
    }
    if (state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Joined(view(state, cmd.user()), -1));
    }
    if (state.banned.contains(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Rejected("banned", "you are banned from this room"));
    }
    if (state.info.passcodeHash() == null) {
      return admit(state, cmd.user(), cmd.replyTo());
    }
    // BCrypt is slow by design: check it off the actor, then decide (capacity included) one join at a time.
    String hash = state.info.passcodeHash();
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> Secrets.checkPassword(cmd.passcode(), hash), blocking),
        (ok, failure) -> new PasscodeChecked(cmd.user(), failure == null && ok, cmd.replyTo()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, RoomState> onPasscodeChecked(RoomState state, PasscodeChecked cmd) {
    if (state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Joined(view(state, cmd.user()), -1));
    }
    if (!cmd.ok()) {
      return Effect().reply(cmd.replyTo(), new Rejected("wrong_passcode", "that passcode does not open this room"));
    }
    if (state.banned.contains(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Rejected("banned", "you are banned from this room"));
    }
    return admit(state, cmd.user(), cmd.replyTo());
  }

  private ReplyEffect<Event, RoomState> admit(RoomState state, String user, ActorRef<JoinResult> replyTo) {
    if (state.members.size() >= state.info.capacity()) {
      return Effect()
          .reply(replyTo, new Rejected("room_full", "the room is full (capacity " + state.info.capacity() + ")"));
    }
    TimelineEntry entry = new TimelineEntry(nextSeq(state), TimelineEntry.JOINED, user, null, now(), null);
    PendingSends.Batch batch = pending.take(state, now(), new MemberJoined(entry));
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(audience::publish);
          audience.reportToDirectory(s);
          awareness.askAbout(user);
        })
        .thenReply(replyTo, s -> new Joined(view(s, user), entry.seq()));
  }

  private ReplyEffect<Event, RoomState> onLeave(RoomState state, Leave cmd) {
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), noSuchRoom());
    }
    if (!state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), outsider(state));
    }
    if (KIND_ROOM.equals(state.info.kind()) && cmd.user().equals(state.info.owner()) && state.members.size() > 1) {
      return Effect().reply(cmd.replyTo(), new Rejected("owner_must_transfer", "you own this room: hand it over first "
          + "(POST /api/v1/rooms/" + roomId + "/roles {\"username\",\"role\":\"owner\"}), or be its last member"));
    }
    // Sends the user made before leaving are stored before the leave, in the same write.
    TimelineEntry entry = new TimelineEntry(nextSeq(state), TimelineEntry.LEFT, cmd.user(), null, now(), null);
    PendingSends.Batch batch = pending.take(state, now(), new MemberLeft(entry));
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(audience::publish);
          audience.forget(cmd.user());
          awareness.endTyping(cmd.user());
          awareness.forget(cmd.user());
          audience.reportToDirectory(s);
        })
        .thenReply(cmd.replyTo(), s -> new Left(entry.seq()));
  }

  private ReplyEffect<Event, RoomState> onCloseMember(RoomState state, CloseMember cmd) {
    String user = cmd.user();
    boolean wrote = state.exists() && state.lastSent.contains(user);
    if (!state.exists() || state.closedSenders.contains(user) || (!state.isMember(user) && !wrote)) {
      return Effect().reply(cmd.replyTo(), new MemberClosed(roomId));
    }
    TimelineEntry entry = new TimelineEntry(nextSeq(state), TimelineEntry.ACCOUNT_CLOSED, user, null, now(), null);
    PendingSends.Batch batch = pending.take(state, now(), new AccountClosed(entry));
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(audience::publish);
          audience.forget(user);
          awareness.endTyping(user);
          awareness.forget(user);
          audience.reportToDirectory(s);
        })
        .thenReply(cmd.replyTo(), s -> new MemberClosed(roomId));
  }

  // ---------------------------------------------------------------------------------------------- moderation (v1.1)

  /** Refused unless the room exists, is a room (not a DM), and {@code user} is its owner or an admin. */
  private Rejected moderationRefusal(RoomState state, String user) {
    if (!state.exists()) {
      return noSuchRoom();
    }
    if (!state.isMember(user)) {
      return outsider(state);
    }
    if (!KIND_ROOM.equals(state.info.kind())) {
      return forbidden("a DM has no owner or admins: nobody can change it or remove anyone");
    }
    return state.canModerate(user) ? null : forbidden("only the room's owner and admins may do that");
  }

  private static Rejected forbidden(String why) {
    return new Rejected("forbidden", why);
  }

  private ReplyEffect<Event, RoomState> onChange(RoomState state, Change cmd) {
    Rejected refusal = moderationRefusal(state, cmd.user());
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusal);
    }
    parley.protocol.Retention retention = cmd.retention() == null || cmd.retention().keepsAll() ? null
        : cmd.retention();
    boolean retentionChanges = cmd.retention() != null && !java.util.Objects.equals(retention, state.retention);
    if (cmd.retention() != null && !cmd.user().equals(state.info.owner())) {
      return Effect().reply(cmd.replyTo(), forbidden("only the room's owner sets how much history it keeps"));
    }
    if (cmd.capacity() != null && cmd.capacity() < state.members.size()) {
      return Effect().reply(cmd.replyTo(), new Rejected("capacity_below_members", "the room has "
          + state.members.size() + " members: its capacity cannot be " + cmd.capacity()));
    }
    Instant now = now();
    List<Event> events = new ArrayList<>();
    long seq = nextSeq(state);
    if (cmd.name() != null && !cmd.name().equals(state.info.name())) {
      events.add(new RoomChanged(TimelineEntry.moderation(seq++, TimelineEntry.RENAMED, cmd.user(), null, cmd.name(),
          now), null));
    }
    String topic = cmd.topic() == null ? null : cmd.topic().strip();
    if (topic != null && !topic.equals(state.topic == null ? "" : state.topic)) {
      events.add(new RoomChanged(TimelineEntry.moderation(seq++, TimelineEntry.TOPIC, cmd.user(), null, topic, now),
          null));
    }
    boolean passcodeChanges = cmd.passcodeGiven() && (cmd.passcodeHash() != null || state.info.passcodeHash() != null);
    Integer capacity = cmd.capacity() != null && cmd.capacity() != state.info.capacity() ? cmd.capacity() : null;
    if (passcodeChanges || capacity != null) {
      events.add(new RoomChanged(new TimelineEntry(seq, TimelineEntry.SETTINGS, cmd.user(), null, now, null,
          List.of(), null, null, capacity, passcodeChanges ? cmd.passcodeHash() != null : null),
          passcodeChanges ? cmd.passcodeHash() : null));
      seq++;
    }
    if (retentionChanges) {
      events.add(new RoomChanged(new TimelineEntry(seq, TimelineEntry.RETENTION, cmd.user(), null, now, null,
          List.of(), null, null, null, null, null, null, null, retention == null
              ? new parley.protocol.Retention(null, null) : retention), null));
      // Applied at once (a count limit that the room is over, an age limit that entries are past).
      context.getSelf().tell(new CheckRetention(false, true));
    }
    return persistModeration(state, events, cmd.user(), cmd.replyTo());
  }

  private ReplyEffect<Event, RoomState> onModerate(RoomState state, Moderate cmd) {
    Rejected refusal = moderationRefusal(state, cmd.user());
    String target = cmd.target();
    if (refusal == null && !"unban".equals(cmd.action())) {
      if (target.equals(cmd.user())) {
        refusal = forbidden("you cannot " + cmd.action() + " yourself");
      } else if (target.equals(state.info.owner())) {
        refusal = forbidden("nobody can " + cmd.action() + " the room's owner");
      } else if (state.admins.contains(target) && !cmd.user().equals(state.info.owner())) {
        refusal = forbidden("only the owner can " + cmd.action() + " an admin");
      } else if ("kick".equals(cmd.action()) && !state.isMember(target)) {
        refusal = new Rejected("no_such_member", target + " is not a member of this room");
      }
    }
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusal);
    }
    String kind = switch (cmd.action()) {
      case "kick" -> TimelineEntry.KICKED;
      case "ban" -> state.banned.contains(target) ? null : TimelineEntry.BANNED;
      default -> state.banned.contains(target) ? TimelineEntry.UNBANNED : null;
    };
    List<Event> events = kind == null ? List.of() : List.of(new Moderated(
        TimelineEntry.moderation(nextSeq(state), kind, cmd.user(), target, cmd.reason(), now())));
    return persistModeration(state, events, cmd.user(), cmd.replyTo());
  }

  private ReplyEffect<Event, RoomState> onSetRole(RoomState state, SetRole cmd) {
    Rejected refusal = moderationRefusal(state, cmd.user());
    if (refusal == null && !cmd.user().equals(state.info.owner())) {
      refusal = forbidden("only the room's owner names admins and hands the room over");
    } else if (refusal == null && !state.isMember(cmd.target())) {
      refusal = new Rejected("no_such_member", cmd.target() + " is not a member of this room");
    }
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusal);
    }
    if (cmd.role().equals(state.roleOf(cmd.target()))) {
      return Effect().reply(cmd.replyTo(), view(state, cmd.user()));
    }
    if (cmd.target().equals(state.info.owner())) {
      return Effect().reply(cmd.replyTo(), forbidden("hand the room over to someone else first"));
    }
    TimelineEntry entry = new TimelineEntry(nextSeq(state), TimelineEntry.ROLE, cmd.user(), null, now(), null,
        List.of(), cmd.target(), cmd.role(), null, null);
    return persistModeration(state, List.of(new Moderated(entry)), cmd.user(), cmd.replyTo());
  }

  private ReplyEffect<Event, RoomState> onDelete(RoomState state, Delete cmd) {
    Rejected refusal = moderationRefusal(state, cmd.user());
    if (refusal == null && !cmd.user().equals(state.info.owner())) {
      refusal = forbidden("only the room's owner may delete it");
    }
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusal);
    }
    List<String> members = List.copyOf(state.members);
    TimelineEntry tombstone = TimelineEntry.moderation(nextSeq(state), TimelineEntry.DELETED, cmd.user(), null, null,
        now());
    // Sends waiting for their write are stored (and answered) first, then erased with the rest.
    PendingSends.Batch batch = pending.take(state, now(), new RoomDeleted(tombstone));
    audience.unlist(state);
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(audience::publish);
          erase();
        })
        .thenReply(cmd.replyTo(), s -> new Deleted(members));
  }

  /** Erases the room's journal rows and snapshots, off the actor; a failure is logged and retried at the next start. */
  private void erase() {
    awareness.stopStoredMarkers();
    JournalEraser eraser = new JournalEraser(context.getSystem().settings().config());
    String pid = persistenceId(roomId).id();
    org.slf4j.Logger log = context.getLog();
    parley.node.files.Files files = parley.node.files.Files.get(context.getSystem());
    files.releaseRoom(roomId).whenComplete((v, failure) -> {
      if (failure != null) {
        log.error("Room {} deleted, but its files were not released yet (again when it next starts)", roomId, failure);
      }
    });
    CompletableFuture.runAsync(() -> {
      try {
        long[] n = eraser.erase(pid);
        long[] markers = eraser.erase(DeliveredMarkers.persistenceId(roomId).id());
        log.info("Room {} deleted: {} journal rows and {} snapshots erased", roomId, n[0] + markers[0],
            n[1] + markers[1]);
      } catch (java.sql.SQLException e) {
        log.error("Room {} deleted, but its history could not be erased yet (again when it next starts)", roomId, e);
      }
    }, blocking);
  }

  /** Stores the entries (after the sends waiting), publishes them, answers with the room as it is then. */
  private ReplyEffect<Event, RoomState> persistModeration(RoomState state, List<Event> events, String user,
      ActorRef<ModerationResult> replyTo) {
    if (events.isEmpty()) {
      return Effect().reply(replyTo, view(state, user));
    }
    PendingSends.Batch batch = pending.take(state, now(), null);
    List<Event> all = new ArrayList<>(batch.events());
    // The moderation entries' seqs were taken after the pending sends': they follow them.
    all.addAll(events);
    return Effect()
        .persist(all)
        .thenRun(s -> {
          batch.complete(audience::publish);
          for (Event e : events) {
            audience.publish(e.entry());
            String removed = e.entry().user();
            if (removed != null && !s.isMember(removed)) {
              audience.forget(removed);
              awareness.endTyping(removed);
              awareness.forget(removed);
            }
          }
          audience.reportToDirectory(s);
        })
        .thenReply(replyTo, s -> view(s, user));
  }

  private ReplyEffect<Event, RoomState> onPost(RoomState state, Post cmd) {
    return accept(state, cmd.user(), cmd.clientMsgId(), cmd.text(), new PendingSends.Asked(cmd.replyTo()), cmd.kind(),
        cmd.target(), cmd.answers(), cmd.file());
  }

  private ReplyEffect<Event, RoomState> onSend(RoomState state, Send cmd) {
    return accept(state, cmd.user(), cmd.clientMsgId(), cmd.text(), new PendingSends.Told(roomId, cmd.replyTo()),
        cmd.kind(), cmd.target(), cmd.answers(), null);
  }

  /**
   * v1.1: why {@code user} may not edit or delete the message at {@code target}, or null. Only what the room holds in
   * memory (its last {@code parley.room.recent-entries}) can change: an older message's sender would take a journal
   * read to know.
   */
  private Rejected changeRefusal(RoomState state, String user, String kind, Long target) {
    if (target == null || target < state.floorSeq || target > state.lastSeq) {
      return new Rejected("no_such_message", target != null && target >= 1 && target < state.floorSeq
          ? "the room's retention removed the entries before seq " + state.floorSeq
          : "there is no message at that seq in this room");
    }
    TimelineEntry entry = state.recentEntry(target);
    if (entry == null) {
      return new Rejected("message_too_old", "only the room's last " + settings.recentEntries()
          + " entries can be edited or deleted (parley.room.recent-entries)");
    }
    RoomState.Overlay overlay = state.overlays.get(target);
    if (!entry.isPost() || (overlay != null && overlay.deleted()) || pending.deleteWaits(target)
        || (TimelineEntry.FILE.equals(entry.kind()) && TimelineEntry.EDIT.equals(kind))) {
      return new Rejected("no_such_message", "the entry at seq " + target + " is no message (or it was deleted)");
    }
    if (TimelineEntry.REACTION.equals(kind)) {
      return null; // any member reacts to any message
    }
    boolean own = entry.sender().equals(user);
    boolean moderator = TimelineEntry.DELETE.equals(kind) && KIND_ROOM.equals(state.info.kind())
        && state.canModerate(user);
    return own || moderator ? null : new Rejected("not_your_message", TimelineEntry.EDIT.equals(kind)
        ? "you can edit only your own messages" : "you can delete only your own messages (the owner and admins: any)");
  }

  /** A send, by HTTP or WebSocket: answered at once if it is refused or stored already, else after its write. */
  private ReplyEffect<Event, RoomState> accept(RoomState state, String user, String clientMsgId, String text,
      PendingSends.Waiter waiter, String kind, Long target, Long answers, parley.protocol.FileRef file) {
    Rejected refusal = null;
    if (!state.exists()) {
      refusal = noSuchRoom();
    } else if (!state.isMember(user)) {
      refusal = outsider(state);
    } else {
      RoomState.Sent sent = state.sent(user, clientMsgId);
      if (sent != null) {
        // The first stored entry answers, its text included, whatever text the resend carries.
        waiter.storedBefore(sent, state.recentEntry(sent.seq()));
        return Effect().noReply();
      }
      var problem = TimelineEntry.DELETE.equals(kind) ? Validation.clientMsgId(clientMsgId)
          : TimelineEntry.FILE.equals(kind) ? Validation.clientMsgId(clientMsgId)
          : TimelineEntry.REACTION.equals(kind) ? Validation.clientMsgId(clientMsgId).or(() -> Validation.emoji(text))
          : Validation.message(clientMsgId, text);
      if (problem.isPresent()) {
        refusal = new Rejected(problem.get().code(), problem.get().message());
      } else if (TimelineEntry.FILE.equals(kind)) {
        refusal = file == null ? new Rejected("invalid_file", "a file entry needs its file") : null;
      } else if (!TimelineEntry.MESSAGE.equals(kind)) {
        refusal = changeRefusal(state, user, kind, target);
      } else if (answers != null && (answers < 1 || answers > state.lastSeq)) {
        refusal = new Rejected("no_such_message", "replyTo names no seq of this room");
      }
    }
    if (refusal != null) {
      waiter.refused(clientMsgId, refusal);
      return Effect().noReply();
    }
    awareness.endTyping(user);
    String key = RoomState.dedupeKey(user, clientMsgId);
    if (pending.joinIfPending(key, waiter)) {
      // A resend while the first copy waits for the same write: both get its seq.
      return Effect().noReply();
    }
    // A reaction toggles: on unless the user has it on already (stored, or put on by a toggle waiting for this write).
    Boolean on = null;
    if (TimelineEntry.REACTION.equals(kind)) {
      Boolean waiting = pending.waitingReaction(user, target, text);
      on = waiting != null ? !waiting : !state.reacted(target, text, user);
    }
    boolean post = TimelineEntry.MESSAGE.equals(kind) || TimelineEntry.FILE.equals(kind);
    pending.add(key, user, clientMsgId, TimelineEntry.DELETE.equals(kind) ? null : text, waiter, kind,
        post ? null : target, TimelineEntry.MESSAGE.equals(kind) ? answers : null, on,
        TimelineEntry.FILE.equals(kind) ? file : null);
    if (!flushQueued) {
      flushQueued = true;
      context.getSelf().tell(Flush.INSTANCE);
    }
    return Effect().noReply();
  }

  /**
   * Stores the sends gathered since the last write, in one write. Sends that arrive while a write is in flight are
   * stashed by Pekko and gathered for the next one, so a busy room writes in batches instead of one commit per
   * message; each sender is answered only after the write that holds its message succeeded.
   */
  private ReplyEffect<Event, RoomState> onFlush(RoomState state) {
    flushQueued = false;
    if (pending.isEmpty()) {
      return Effect().noReply();
    }
    PendingSends.Batch batch = pending.take(state, now(), null);
    long started = System.nanoTime();
    return Effect().persist(batch.events()).thenRun(s -> {
      metrics.journalWrite.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
      batch.complete(entry -> {
        audience.publish(entry);
        awareness.posted(s, entry);
        if (TimelineEntry.DELETE.equals(entry.kind()) && entry.target() != null) {
          TimelineEntry deleted = s.recentEntry(entry.target());
          if (deleted != null && TimelineEntry.FILE.equals(deleted.kind())) {
            // The file's bytes go with its entry (once no other share of the same bytes is left).
            parley.node.files.Files.get(context.getSystem()).releaseEntry(roomId, entry.target())
                .whenComplete((v, failure) -> {
                  if (failure != null) {
                    context.getSystem().log().warn("Room {}: the file of deleted entry {} was not released yet",
                        roomId, deleted.seq(), failure);
                  }
                });
          }
        }
      });
      if (countTrimDue(s, false) > 0) {
        context.getSelf().tell(new CheckRetention(false));
      }
    }).thenNoReply();
  }

  // ---------------------------------------------------------------------------------------------- retention (v1.1)

  /**
   * The floor a count limit asks for, or 0. Trims go in steps (a tenth of the limit, 10 to 1,000 entries), so a busy
   * room writes one {@code trimmed} entry per step, not one per message; {@code now}: at once (a new limit).
   */
  private long countTrimDue(RoomState state, boolean now) {
    if (state.retention == null || state.retention.maxMessages() == null) {
      return 0;
    }
    int keep = state.retention.maxMessages();
    long held = state.lastSeq - state.floorSeq + 1;
    long step = now ? 1 : Math.max(10, Math.min(1000, keep / 10));
    // With the trimmed entry (the next seq after the sends waiting), the room holds exactly `keep` entries.
    return held + pending.size() >= keep + step ? nextSeq(state) - keep + 1 : 0;
  }

  private ReplyEffect<Event, RoomState> onCheckRetention(RoomState state, CheckRetention cmd) {
    if (cmd.timer()) {
      ageTickScheduled = false;
    }
    if (!state.exists() || state.retention == null) {
      return Effect().noReply();
    }
    if (state.retention.maxAgeDays() != null) {
      if (!ageTickScheduled) {
        ageTickScheduled = true;
        context.scheduleOnce(settings.retentionCheckEvery(), context.getSelf(), new CheckRetention(true));
      }
      Instant cutoff = now().minus(Duration.ofDays(state.retention.maxAgeDays()));
      long oldest = state.oldestRecentSeq();
      TimelineEntry first = state.recentEntry(oldest);
      if (first != null && first.sentAt().isBefore(cutoff)) {
        // What aged out is within memory: the first entry young enough is the floor.
        long floor = state.lastSeq + pending.size() + 1;
        for (TimelineEntry e : state.recent.range(oldest, state.lastSeq)) {
          if (!e.sentAt().isBefore(cutoff)) {
            floor = e.seq();
            break;
          }
        }
        return trim(state, Math.max(floor, countTrimDue(state, cmd.eager())));
      }
      if (oldest > state.floorSeq && !ageScanRunning) {
        // Entries older than memory's may have aged out: read their times from the journal, off the room.
        ageScanRunning = true;
        context.pipeToSelf(ageFloor(state.floorSeq, oldest - 1, cutoff), (floor, failure) ->
            new AgeFloorFound(floor == null ? 0 : floor, failure));
      }
    }
    return trim(state, countTrimDue(state, cmd.eager()));
  }

  /** The first seq from {@code from} to {@code to} written at or after {@code cutoff}; {@code to + 1} if none. */
  private java.util.concurrent.CompletionStage<Long> ageFloor(long from, long to, Instant cutoff) {
    var journal = org.apache.pekko.persistence.query.PersistenceQuery.get(context.getSystem())
        .getReadJournalFor(org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.class,
            org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.Identifier());
    return journal.currentEventsByPersistenceId(persistenceId(roomId).id(), from, to)
        .map(envelope -> ((Event) envelope.event()).entry())
        .takeWhile(e -> e.sentAt().isBefore(cutoff))
        .runWith(org.apache.pekko.stream.javadsl.Sink.fold(from - 1, (last, e) -> e.seq()), context.getSystem())
        .thenApply(last -> last + 1);
  }

  private ReplyEffect<Event, RoomState> onAgeFloorFound(RoomState state, AgeFloorFound found) {
    ageScanRunning = false;
    if (found.failure() != null) {
      context.getLog().warn("Room {}: could not read the journal to apply its retention (again at the next check)",
          roomId, found.failure());
      return Effect().noReply();
    }
    if (!state.exists() || state.retention == null || state.retention.maxAgeDays() == null) {
      return Effect().noReply();
    }
    return trim(state, Math.max(found.floor(), countTrimDue(state, false)));
  }

  /** Stores a {@code trimmed} entry moving the floor up to {@code floor} (after the sends waiting), if it moves. */
  private ReplyEffect<Event, RoomState> trim(RoomState state, long floor) {
    long at = nextSeq(state);
    long to = Math.min(floor, at);
    if (to <= state.floorSeq) {
      return Effect().noReply();
    }
    TimelineEntry entry = new TimelineEntry(at, TimelineEntry.TRIMMED, state.info.owner(), null, now(), null,
        List.of(), null, null, null, null, to, null);
    PendingSends.Batch batch = pending.take(state, now(), new HistoryTrimmed(entry));
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(audience::publish);
          context.getLog().info("Room {}: retention trimmed its history to seq {} (of {})", roomId, to, s.lastSeq);
        })
        .thenNoReply();
  }

  /**
   * Deletes the journal rows before the floor and the snapshots before the latest, off the room, once a snapshot
   * from which the room recovers without them is stored. Idempotent; a failure is logged and done again later.
   */
  private void eraseBelowFloor(long floor) {
    JournalEraser eraser = new JournalEraser(context.getSystem().settings().config());
    String pid = persistenceId(roomId).id();
    org.slf4j.Logger log = context.getLog();
    parley.node.files.Files files = parley.node.files.Files.get(context.getSystem());
    CompletableFuture.runAsync(() -> {
      files.releaseBelow(roomId, floor).whenComplete((v, failure) -> {
        if (failure != null) {
          log.warn("Room {}: the files before its floor {} were not released yet (again at its next trim or start)",
              roomId, floor, failure);
        }
      });
      try {
        long[] n = eraser.trim(pid, floor);
        if (n[0] > 0 || n[1] > 0) {
          log.info("Room {}: {} journal rows before seq {} and {} older snapshots erased", roomId, n[0], floor, n[1]);
        }
      } catch (java.sql.SQLException e) {
        log.warn("Room {}: rows before its floor {} could not be erased yet (again at its next trim or start)",
            roomId, floor, e);
      }
    }, blocking);
  }

  /** The seq the next event takes, after the sends waiting to be written. */
  private long nextSeq(RoomState state) {
    return state.lastSeq + pending.size() + 1;
  }

  private ReplyEffect<Event, RoomState> onTyping(RoomState state, Typing cmd) {
    Rejected refusal = !state.exists() ? noSuchRoom() : !state.isMember(cmd.user()) ? outsider(state) : null;
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), new FrameRefused(roomId, refusal.code(), refusal.message()));
    }
    awareness.typing(cmd.user(), cmd.stop(), now());
    return Effect().noReply();
  }

  private ReplyEffect<Event, RoomState> onMarkDelivered(RoomState state, MarkDelivered cmd) {
    Rejected refusal = !state.exists() ? noSuchRoom() : !state.isMember(cmd.user()) ? outsider(state) : null;
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), new FrameRefused(roomId, refusal.code(), refusal.message()));
    }
    awareness.delivered(cmd.user(), Math.min(cmd.seq(), state.lastSeq));
    return Effect().noReply();
  }

  private ReplyEffect<Event, RoomState> onGetHistory(RoomState state, GetHistory cmd) {
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), noSuchRoom());
    }
    if (!state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), outsider(state));
    }
    return Effect().reply(cmd.replyTo(), state.history(cmd.before(), cmd.after(), cmd.limit()));
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private GetResult get(RoomState state, String asUser) {
    if (!state.exists()) {
      return noSuchRoom();
    }
    boolean member = state.isMember(asUser);
    if (isPrivate(state.info.kind()) && !member) {
      return noSuchRoom();
    }
    return view(state, asUser);
  }

  private RoomView view(RoomState state, String asUser) {
    boolean member = state.isMember(asUser);
    List<MemberView> members = new ArrayList<>();
    // Who is in a passcode room is for its members to see.
    if (member || state.info.passcodeHash() == null) {
      state.members.stream()
          .sorted()
          .forEach(m -> members.add(audience.presenceOf(m).withRole(state.roleOf(m))));
    }
    return new RoomView(
        roomId,
        state.info.name(),
        state.info.kind(),
        state.info.owner(),
        state.info.capacity(),
        state.info.passcodeHash() != null,
        state.lastSeq,
        List.copyOf(members),
        member,
        state.topic,
        state.retention,
        state.floorSeq);
  }

  /** A DM's id names its two parties: {@code dm:<a>:<b>}. */
  private boolean isDmParty(String user) {
    return roomId.equals(dmId(user, roomId.substring(roomId.lastIndexOf(':') + 1)))
        || roomId.equals(dmId(user, roomId.substring(3, roomId.lastIndexOf(':'))));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static Rejected noSuchRoom() {
    return new Rejected("no_such_room", "there is no such room");
  }

  private static Rejected outsider(RoomState state) {
    return outsider(state.info.kind());
  }

  /** The refusal of a non-member in a room of {@code kind}: who is not in a DM is not told it exists. */
  public static Rejected outsider(String kind) {
    return isPrivate(kind) ? noSuchRoom() : notAMember();
  }

  private static Rejected notAMember() {
    return new Rejected("not_a_member", "you are not a member of this room");
  }

  @Override
  public EventHandler<RoomState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state.apply(event, settings));
  }
}
