package parley.node.room;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import parley.node.CborSerializable;
import parley.node.Secrets;
import parley.node.limits.FailureBackoff;
import parley.protocol.FileRef;
import parley.protocol.Retention;
import parley.protocol.RoomReceipts;

/**
 * A chat room (or a DM): a sharded, event-sourced entity that owns the room's one timeline. Every event is exactly
 * one timeline entry, and the entry's seq equals the event's journal sequence number, so an older page of history
 * is a primary-key range read of the journal.
 *
 * <p>The room decides joins one at a time (passcode, capacity), deduplicates sends by (sender, clientMsgId), and
 * replies to a send only after its event is stored. Live entries go once to each node's hub, which writes them to
 * that node's sessions: the room tells its hubs {@link RoomNews}, and never knows what a session or a socket is.
 * Presence of members and the set of hubs are soft state, rebuilt after a restart (hubs resubscribe; members'
 * presence is asked of their user entities).
 *
 * <p>This class is the room's protocol (commands, replies and events, whose names are in the journal and on the
 * wire) and its entry point; it is long because the protocol is. The behaviour is elsewhere, one concern a class:
 * {@link RoomEntity} wires commands and signals to {@link RoomMembership}, {@link RoomSends},
 * {@link RoomModeration} and {@link RoomRetention}, which share a {@link RoomCore}; {@link RoomIo} does the room's
 * blocking and journal I/O in a child actor; {@link RoomState} is the state, {@link PendingSends} the sends waiting
 * for their write, {@link RoomAudience} the listeners and {@link RoomAwareness} typing, receipts and notifications.
 */
public final class ChatRoom {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Room");
  /**
   * The tag every room event is journaled with, read in the journal's order by the search index's feed (the rows
   * written before tags were tagged by the schema's version 4).
   */
  public static final String TAG = "room";
  static final Set<String> TAGS = Set.of(TAG);
  public static final String KIND_ROOM = "room";
  public static final String KIND_DM = "dm";
  /** A group DM: 3 to 10 people, one room per set of them, whoever opens it. */
  public static final String KIND_GROUP = "group";
  static final Duration ONLINE_REPORT_EVERY = Duration.ofSeconds(1);


  /** Tunables from {@code parley.room} and {@code parley.typing}. */
  public record Settings(
      int recentEntries, int dedupeWindow, int snapshotEvery, Duration typingRelayEvery, Duration typingExpiresAfter,
      int typingStartsPerSecond, Duration retentionCheckEvery, FailureBackoff.Rule passcodeRule) {
    static final FailureBackoff.Rule PASSCODE_RULE = new FailureBackoff.Rule(
        5, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofMinutes(15));

    public Settings(int recentEntries, int dedupeWindow, int snapshotEvery) {
      this(recentEntries, dedupeWindow, snapshotEvery, Duration.ofSeconds(2), Duration.ofSeconds(6), 4);
    }

    public Settings(int recentEntries, int dedupeWindow, int snapshotEvery, Duration typingRelayEvery,
        Duration typingExpiresAfter, int typingStartsPerSecond) {
      this(recentEntries, dedupeWindow, snapshotEvery, typingRelayEvery, typingExpiresAfter, typingStartsPerSecond,
          Duration.ofHours(1), PASSCODE_RULE);
    }

    public static Settings fromConfig(Config config) {
      return new Settings(
          config.getInt("parley.room.recent-entries"),
          config.getInt("parley.room.dedupe-window"),
          config.getInt("parley.room.snapshot-every"),
          config.getDuration("parley.typing.relay-every"),
          config.getDuration("parley.typing.expires-after"),
          config.getInt("parley.typing.room-starts-per-second"),
          config.getDuration("parley.room.retention-check-every"),
          FailureBackoff.Rule.fromConfig(config.getConfig("parley.limits.passcode")));
    }
  }

  public static void init(ActorSystem<?> system) {
    Settings settings = Settings.fromConfig(system.settings().config());
    ClusterSharding.get(system)
        // What a room logs (its failures included) names it: the JSON log format's "room".
        .init(Entity.of(ENTITY_KEY, ctx -> Behaviors.withMdc(Command.class, Map.of("room", ctx.getEntityId()),
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
    return Behaviors.setup(ctx -> new RoomEntity(roomId, settings, clock, ctx));
  }

  private ChatRoom() {}

  // ---------------------------------------------------------------------------------------------- protocol

  public sealed interface Command extends CborSerializable {}

  /**
   * Create the room; {@code others} join with the owner (a DM's second member). {@code invited} (a group DM): its
   * people who do not join now but may later (on accepting an invitation); a group DM's parties are all of them.
   * {@code visibility}: a room's (see {@link RoomInfo}); null is public.
   */
  public record Create(
      String name,
      String kind,
      String owner,
      String passcodeHash,
      int capacity,
      List<String> others,
      ActorRef<CreateResult> replyTo,
      List<String> invited,
      String visibility)
      implements Command {
    public Create {
      invited = invited == null ? List.of() : invited;
    }

    public Create(String name, String kind, String owner, String passcodeHash, int capacity, List<String> others,
        ActorRef<CreateResult> replyTo, List<String> invited) {
      this(name, kind, owner, passcodeHash, capacity, others, replyTo, invited, null);
    }

    public Create(String name, String kind, String owner, String passcodeHash, int capacity, List<String> others,
        ActorRef<CreateResult> replyTo) {
      this(name, kind, owner, passcodeHash, capacity, others, replyTo, List.of());
    }
  }

  public record Join(String user, String passcode, ActorRef<JoinResult> replyTo) implements Command {}

  public record Leave(String user, ActorRef<LeaveResult> replyTo) implements Command {}

  /**
   * The one command for sending: a message, an edit, a delete or a reaction of the message at {@code target}, or a
   * file's entry ({@code file}), from a socket or over HTTP. It comes through the sender's gate
   * ({@code UserAccount.SendThrough}: their message bucket), and the room decides the rest where it decides the seq:
   * the shape of the text, membership, dedupe by clientMsgId, the target. Told, and answered at {@code replyTo} with a
   * {@link SendOutcome} that names its room and clientMsgId, so one stable address (a session's) serves every send;
   * an HTTP request asks it, and {@code withEntry} has the stored entry in the answer (a session's ack needs only the
   * seq, and remoting carries no more than that).
   *
   * <p>{@code kind}: {@code message}, {@code edit}, {@code delete}, {@code reaction} or {@code file};
   * {@code answers}: the seq a message replies to, or null.
   */
  public record Send(String user, String clientMsgId, String text, ActorRef<SendOutcome> replyTo, String kind,
      Long target, Long answers, FileRef file, boolean withEntry) implements Sending {
    public Send(String user, String clientMsgId, String text, ActorRef<SendOutcome> replyTo) {
      this(user, clientMsgId, text, replyTo, TimelineEntry.MESSAGE, null, null);
    }

    public Send(String user, String clientMsgId, String text, ActorRef<SendOutcome> replyTo, String kind,
        Long target, Long answers) {
      this(user, clientMsgId, text, replyTo, kind, target, answers, null, false);
    }

    /** A message answered with its entry, as HTTP asks it. */
    public static Send withEntry(String user, String clientMsgId, String text, ActorRef<SendOutcome> replyTo) {
      return withEntry(user, clientMsgId, text, replyTo, TimelineEntry.MESSAGE, null, null);
    }

    public static Send withEntry(String user, String clientMsgId, String text, ActorRef<SendOutcome> replyTo,
        String kind, Long target, Long answers) {
      return new Send(user, clientMsgId, text, replyTo, kind, target, answers, null, true);
    }
  }

  /**
   * May {@code user} send here now? Asked through the same gate as a {@link Send} (it takes the send's token) by an
   * upload before its bytes stream: answered {@link SendAdmitted}, or {@link SendRefused} as the send would be. The
   * file's {@link Send} that follows is told to the room itself, which checks membership again as it takes the seq.
   */
  public record AdmitSend(String user, String clientMsgId, ActorRef<SendOutcome> replyTo) implements Sending {}

  /**
   * What passes the sender's gate: a send, or the admission of one that comes after an upload. Named in what it is
   * written as, since the gate's command holds one and another node reads it.
   */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "sending")
  @JsonSubTypes({@JsonSubTypes.Type(value = Send.class, name = "send"),
      @JsonSubTypes.Type(value = AdmitSend.class, name = "admit")})
  public sealed interface Sending extends Command {
    String user();

    String clientMsgId();

    ActorRef<SendOutcome> replyTo();
  }

  /** The room in full; {@code asUser} decides what a non-member may see. */
  public record Get(String asUser, ActorRef<GetResult> replyTo) implements Command {}

  /**
   * Just what a user's room list needs (no member list): for hello and {@code /me}. {@code readSeq}: the user's read
   * marker, which the unread count starts from; {@code ignoring}: whom the user blocks, whose messages count for nothing.
   */
  public record GetSummary(String asUser, long readSeq, Set<String> ignoring, ActorRef<GetResult> replyTo)
      implements Command {
    public GetSummary(String asUser, ActorRef<GetResult> replyTo) {
      this(asUser, 0, Set.of(), replyTo);
    }
  }

  /** A page of history: at most one of before/after, both null for the latest. */
  public record GetHistory(String user, Long before, Long after, int limit, ActorRef<HistoryResult> replyTo)
      implements Command {}

  /** A node's hub wants this room's news; answered with {@link RoomNews.Subscribed}. Idempotent. */
  public record SubscribeHub(ActorRef<RoomNews> hub) implements Command {}

  /** The hub has no more subscribers for this room. */
  public record UnsubscribeHub(ActorRef<RoomNews> hub) implements Command {}

  /**
   * {@code user} is typing (or, {@code stop}, no longer). Never stored: relayed to the room's hubs, at most once
   * per {@code parley.typing.relay-every} per member. Answered only when refused.
   */
  public record Typing(String user, boolean stop, ActorRef<FrameRefused> replyTo) implements Command {}

  /** A typing or delivered frame the room refused (unknown room, not a member). */
  public record FrameRefused(String roomId, String code, String message) implements CborSerializable {}

  /**
   * {@code user}'s devices hold the room's entries up to {@code seq}. Kept for receipts, clamped to the room's
   * last seq, never moved back; stored by the room's {@link DeliveredMarkers} in one batch a second. Answered only when
   * refused.
   */
  public record MarkDelivered(String user, long seq, ActorRef<FrameRefused> replyTo) implements Command {}

  /** The room's stored delivered markers, from its {@link DeliveredMarkers} once recovered. */
  record DeliveredRecovered(Map<String, Long> markers) implements Command {}

  /**
   * A member's markers as their user entity has them (it tells the room each move, and answers the room's ask
   * after a restart or a join): kept for receipts, never stored here.
   */
  public record MarkersMoved(String user, long deliveredSeq, long readSeq, boolean readShown, boolean asked)
      implements Command {}

  /** Whether a DM's {@code user} blocks its other member (told on each change, and answered to the DM's ask). */
  public record BlockKnown(String user, boolean blocksOther) implements Command {}

  /** Every member's receipt, for a member. */
  public record GetReceipts(String asUser, ActorRef<ReceiptsResult> replyTo) implements Command {}

  public interface ReceiptsResult extends CborSerializable {}

  public record ReceiptsView(List<RoomReceipts.Member> members) implements ReceiptsResult {}

  /** Receipts that moved go out (at most once a second). */
  enum FlushReceipts implements Command { INSTANCE }

  /** Typing that was not renewed in time ends. */
  enum TypingExpiry implements Command { INSTANCE }

  /** Typing and receipts held for an entry to ride with go alone (see {@link RoomAudience#MOMENTS_HOLD}). */
  enum FlushMoments implements Command { INSTANCE }

  /**
   * {@code user} closed their account (from their user entity, again until confirmed; idempotent). A member
   * leaves with an {@code account_closed} entry; in a room where they only wrote before, the entry marks their
   * messages; where they have nothing, nothing is written. Confirmed with {@link MemberClosed}.
   */
  public record CloseMember(String user, ActorRef<MemberClosed> replyTo) implements Command {}

  public record MemberClosed(String roomId) implements CborSerializable {}

  /**
   * Moderation: the owner or an admin changes the room. Null fields stay as they are; {@code passcodeGiven} with
   * a null hash removes the passcode. Answered with the room, or refused.
   */
  public record Change(String user, String name, String topic, boolean passcodeGiven, String passcodeHash,
      Integer capacity, ActorRef<ModerationResult> replyTo, Retention retention, String visibility,
      Boolean membersInvite)
      implements Command {
    public Change(String user, String name, String topic, boolean passcodeGiven, String passcodeHash,
        Integer capacity, ActorRef<ModerationResult> replyTo, Retention retention, String visibility) {
      this(user, name, topic, passcodeGiven, passcodeHash, capacity, replyTo, retention, visibility, null);
    }

    public Change(String user, String name, String topic, boolean passcodeGiven, String passcodeHash,
        Integer capacity, ActorRef<ModerationResult> replyTo) {
      this(user, name, topic, passcodeGiven, passcodeHash, capacity, replyTo, null, null);
    }

    public Change(String user, String name, String topic, boolean passcodeGiven, String passcodeHash,
        Integer capacity, ActorRef<ModerationResult> replyTo, Retention retention) {
      this(user, name, topic, passcodeGiven, passcodeHash, capacity, replyTo, retention, null);
    }
  }

  /**
   * {@code user} (the owner or an admin) invites {@code invitee}: stored as an {@code invited} entry, answered with the
   * room, or refused.
   */
  public record Invite(String user, String invitee, ActorRef<ModerationResult> replyTo) implements Command {}

  /** v1.4: whether {@code user} moderates the room (its owner or an admin): answered with the room, or refused. */
  public record MayModerate(String user, ActorRef<ModerationResult> replyTo) implements Command {}

  /** v1.4: whether {@code user} may make, list and revoke the room's invite links: answered with the room, or refused. */
  public record MayInvite(String user, ActorRef<ModerationResult> replyTo) implements Command {}

  /**
   * v1.4: {@code user} accepts an invite link {@code maker} made: a join past the passcode and into a private room, as
   * long as the maker may still invite (a link ends with its maker's role).
   */
  public record JoinByLink(String user, String maker, ActorRef<JoinResult> replyTo) implements Command {}

  /**
   * Retention: see whether entries fall outside the room's retention, and trim them. {@code timer}: the age
   * check's own tick, which schedules the next; {@code eager}: a new limit, applied to the entry (not in steps).
   */
  public record CheckRetention(boolean timer, boolean eager) implements Command {
    public CheckRetention(boolean timer) {
      this(timer, false);
    }
  }

  /** Retention: the first seq younger than the room's age limit, read from the journal. */
  record AgeFloorFound(long floor, Throwable failure) implements Command {}

  /** Moderation: {@code action} is {@code kick}, {@code ban} or {@code unban}; {@code reason} may be null. */
  public record Moderate(String user, String action, String target, String reason,
      ActorRef<ModerationResult> replyTo) implements Command {}

  /** Moderation: the owner gives {@code target} the role {@code admin}, {@code member} or {@code owner}. */
  public record SetRole(String user, String target, String role, ActorRef<ModerationResult> replyTo)
      implements Command {}

  public interface ModerationResult extends CborSerializable {}

  /**
   * The owner deletes the room: its members are told ({@code room_deleted}), it leaves every listing, its
   * history is erased from the journal, and it answers as no such room from then on. Answered with the members it
   * had (whose lists drop it), or refused.
   */
  public record Delete(String user, ActorRef<DeleteResult> replyTo) implements Command {}

  public interface DeleteResult extends CborSerializable {}

  public record Deleted(List<String> members) implements DeleteResult {}

  /** A member came or went (from their user entity). */
  public record PresenceChanged(String user, boolean online, Instant lastSeen) implements Command {}

  record PasscodeChecked(String user, boolean ok, ActorRef<JoinResult> replyTo) implements Command {}

  enum HandOverFromClosedOwner implements Command { INSTANCE }

  record HubTerminated(ActorRef<RoomNews> hub) implements Command {}

  enum Flush implements Command { INSTANCE }

  /** Sends the directory the online count, at most once per {@link #ONLINE_REPORT_EVERY}. */
  enum ReportOnline implements Command { INSTANCE }

  // Replies. A rejection carries the protocol's error code.

  public interface CreateResult extends CborSerializable {}

  public interface JoinResult extends CborSerializable {}

  public interface LeaveResult extends CborSerializable {}

  public interface GetResult extends CborSerializable {}

  public interface HistoryResult extends CborSerializable {}

  public record Rejected(String code, String message)
      implements CreateResult, JoinResult, LeaveResult, GetResult, HistoryResult, ReceiptsResult,
      ModerationResult, DeleteResult {}

  /** {@code role}: owner, admin or member. */
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
      RetentionRule retention,
      long floorSeq,
      String visibility,
      Boolean membersInvite)
      implements CreateResult, GetResult, ModerationResult {
    public RoomView(String id, String name, String kind, String owner, int capacity, boolean hasPasscode, long lastSeq,
        List<MemberView> members, boolean isMember) {
      this(id, name, kind, owner, capacity, hasPasscode, lastSeq, members, isMember, null, null, 1, null, null);
    }
  }

  public record Created(RoomView room) implements CreateResult {}

  /**
   * {@code lastSentByUser}: the asking user's last message seq here (0 if none), which counts as read; {@code unread}:
   * the messages after the marker the ask gave (see {@link RoomState#unread}); {@code mentions}: those of them
   * that mention the user.
   */
  public record SummaryView(
      String id, String name, String kind, long lastSeq, boolean isMember, long lastSentByUser, long unread,
      long mentions)
      implements GetResult {}

  public record Joined(RoomView room, long joinSeq) implements JoinResult {}

  /** Too many wrong passcodes lately: the next is checked after {@code retryAfterMs}. */
  public record JoinThrottled(long retryAfterMs, String message) implements JoinResult {}

  public record Left(long seq) implements LeaveResult {}

  /** How a {@link Send} (or an {@link AdmitSend}) ended: what the client's ack or error needs, and no more. */
  public sealed interface SendOutcome extends CborSerializable {
    String roomId();

    String clientMsgId();
  }

  /**
   * Stored (or stored before, for a resend: then its first seq and time). {@code entry}: for a send that asked
   * {@code withEntry}, the stored entry (a resend's: the first copy), or null if the first copy has left the room's
   * memory (the edge reads it from the journal at {@code seq}); {@code duplicate}: with an entry, a resend's.
   */
  public record SendStored(String roomId, String clientMsgId, long seq, Instant sentAt, TimelineEntry entry,
      boolean duplicate) implements SendOutcome {
    public SendStored(String roomId, String clientMsgId, long seq, Instant sentAt) {
      this(roomId, clientMsgId, seq, sentAt, null, false);
    }
  }

  /** The answer to an {@link AdmitSend}: a member, within their rate. */
  public record SendAdmitted(String roomId, String clientMsgId) implements SendOutcome {}

  /** {@code retryAfterMs}: with {@code rate_limited} (refused by the user's bucket, not the room), else null. */
  public record SendRefused(String roomId, String clientMsgId, String code, String message, Long retryAfterMs)
      implements SendOutcome {
    public SendRefused(String roomId, String clientMsgId, String code, String message) {
      this(roomId, clientMsgId, code, message, null);
    }
  }

  /** {@code closedSenders}: the room's senders who closed their account, whose entries are so marked. */
  /** {@code overlays}: the edited and deleted messages of the page (see {@link RoomState#overlays}). */
  /** {@code floorSeq}: the page reached below the room's floor (its retention removed what is before it). */
  public record Page(List<TimelineEntry> entries, boolean hasMore, Set<String> closedSenders,
      Map<Long, RoomState.Overlay> overlays, Map<Long, Map<String, List<String>>> reactions,
      Long floorSeq)
      implements HistoryResult {
    public Page {
      closedSenders = closedSenders == null ? Set.of() : closedSenders;
      overlays = overlays == null ? Map.of() : overlays;
      reactions = reactions == null ? Map.of() : reactions;
    }

    public Page(List<TimelineEntry> entries, boolean hasMore, Set<String> closedSenders,
        Map<Long, RoomState.Overlay> overlays, Map<Long, Map<String, List<String>>> reactions) {
      this(entries, hasMore, closedSenders, overlays, reactions, null);
    }

    public Page(List<TimelineEntry> entries, boolean hasMore, Set<String> closedSenders,
        Map<Long, RoomState.Overlay> overlays) {
      this(entries, hasMore, closedSenders, overlays, Map.of());
    }

    public Page(List<TimelineEntry> entries, boolean hasMore) {
      this(entries, hasMore, Set.of(), Map.of());
    }

    public Page(List<TimelineEntry> entries, boolean hasMore, Set<String> closedSenders) {
      this(entries, hasMore, closedSenders, Map.of());
    }
  }

  /** The page is older than what the room holds in memory: read seqs from..to of the journal. */
  public record InJournal(long from, long to, boolean hasMore, Set<String> closedSenders,
      Map<Long, RoomState.Overlay> overlays, Map<Long, Map<String, List<String>>> reactions,
      Long floorSeq)
      implements HistoryResult {
    public InJournal(long from, long to, boolean hasMore) {
      this(from, to, hasMore, Set.of(), Map.of(), Map.of(), null);
    }
  }

  /**
   * An {@code after} past the room's last seq: the caller holds entries the room does not, which only lost state (or
   * another server's cursor) explains. Named, never answered with an empty page.
   */
  public record CursorAhead(long lastSeq) implements HistoryResult {}

  // ---------------------------------------------------------------------------------------------- events

  /** Every event is one timeline entry. */
  public sealed interface Event extends CborSerializable {
    TimelineEntry entry();
  }

  /** The one id of the group DM of these people, whoever opens it: "g" and 31 hex digits of their names' hash. */
  public static String groupId(Collection<String> people) {
    return "g" + Secrets.sha256(String.join(",", new TreeSet<>(people))).substring(0, 31);
  }

  /**
   * Whether {@code roomId} names a DM or a group DM (by its id alone: {@code dm:a:b}, or "g" and 31 hex digits, which
   * no room's 12 characters can be): a conversation two people share does not make them contacts.
   */
  public static boolean isConversationId(String roomId) {
    return roomId.startsWith("dm:") || (roomId.length() == 32 && roomId.charAt(0) == 'g');
  }

  /** A DM or a group DM: private to its people, with no owner powers. */
  static boolean isPrivate(String kind) {
    return KIND_DM.equals(kind) || KIND_GROUP.equals(kind);
  }

  public record RoomCreated(RoomInfo info, TimelineEntry entry) implements Event {}

  public record MemberJoined(TimelineEntry entry) implements Event {}

  public record MemberLeft(TimelineEntry entry) implements Event {}

  public record MessagePosted(TimelineEntry entry) implements Event {}

  /**
   * Moderation: a {@code topic}, {@code renamed} or {@code settings} entry; {@code passcodeHash} is the new
   * passcode's (null: none) when the entry says the passcode changed, and never part of the entry.
   */
  public record RoomChanged(TimelineEntry entry, String passcodeHash) implements Event {}

  /** Moderation: a {@code kicked}, {@code banned}, {@code unbanned} or {@code role} entry. */
  public record Moderated(TimelineEntry entry) implements Event {}

  /** The room was deleted by its owner ({@code sender}): the tombstone, erased with the rest. */
  public record RoomDeleted(TimelineEntry entry) implements Event {}

  /**
   * Retention: a {@code trimmed} entry: the entries before its {@code target} (the new floor) are removed. A
   * snapshot is taken at it, then the journal rows before the floor and the older snapshots are deleted.
   */
  public record HistoryTrimmed(TimelineEntry entry) implements Event {}

  /** The sender closed their account; a member leaves with it. */
  public record AccountClosed(TimelineEntry entry) implements Event {}

  /** The refusal of a non-member in a room of {@code kind}: who is not in a DM is not told it exists. */
  public static Rejected outsider(String kind) {
    return isPrivate(kind) ? noSuchRoom() : notAMember();
  }

  public static Rejected noSuchRoom() {
    return new Rejected("no_such_room", "there is no such room");
  }

  public static Rejected notAMember() {
    return new Rejected("not_a_member", "you are not a member of this room");
  }
}
