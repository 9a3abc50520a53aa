package parley.node;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import parley.protocol.Json;
import parley.protocol.ServerFrame;
import scala.collection.immutable.HashMap$;

/**
 * A chat room (or a DM): a sharded, event-sourced entity that owns the room's one timeline. Every event is exactly
 * one timeline entry, and the entry's seq equals the event's journal sequence number, so an older page of history
 * is a primary-key range read of the journal.
 *
 * <p>The room decides joins one at a time (passcode, capacity), deduplicates sends by (sender, clientMsgId), and
 * replies to a send only after its event is stored. Live entries go once to each node's {@link RoomHub}, which
 * writes them to that node's sessions. Presence of members and the set of hubs are soft state, rebuilt after a
 * restart (hubs resubscribe; members' presence is asked of their user entities).
 */
public final class ChatRoom
    extends EventSourcedBehaviorWithEnforcedReplies<ChatRoom.Command, ChatRoom.Event, ChatRoom.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Room");
  public static final String KIND_ROOM = "room";
  public static final String KIND_DM = "dm";
  static final Duration ONLINE_REPORT_EVERY = Duration.ofSeconds(1);

  /** Tunables from {@code parley.room} and {@code parley.auth}. */
  public record Settings(int recentEntries, int dedupeWindow, int snapshotEvery) {
    public static Settings fromConfig(com.typesafe.config.Config config) {
      return new Settings(
          config.getInt("parley.room.recent-entries"),
          config.getInt("parley.room.dedupe-window"),
          config.getInt("parley.room.snapshot-every"));
    }
  }

  public static void init(ActorSystem<?> system) {
    Settings settings = Settings.fromConfig(system.settings().config());
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings, Clock.systemUTC())));
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

  public record Post(String user, String clientMsgId, String text, ActorRef<PostResult> replyTo)
      implements Command {}

  /**
   * A send from a session's socket. Unlike {@link Post} it is told, not asked: the outcome names its room and
   * clientMsgId, so one stable reply address (the session's) serves every send, and the session keeps the timeout
   * itself. An ask would make a temporary actor and a timeout task per send, and its reply address would be new to
   * remoting every time.
   */
  public record Send(String user, String clientMsgId, String text, ActorRef<SendOutcome> replyTo)
      implements Command {}

  /** The room in full; {@code asUser} decides what a non-member may see. */
  public record Get(String asUser, ActorRef<GetResult> replyTo) implements Command {}

  /** Just what a user's room list needs (no member list): for hello and {@code /me}. */
  public record GetSummary(String asUser, ActorRef<GetResult> replyTo) implements Command {}

  /** A page of history: at most one of before/after, both null for the latest. */
  public record GetHistory(String user, Long before, Long after, int limit, ActorRef<HistoryResult> replyTo)
      implements Command {}

  /** A node's hub wants this room's live entries; answered with {@link RoomHub.Subscribed}. Idempotent. */
  public record SubscribeHub(ActorRef<RoomHub.Command> hub) implements Command {}

  /** The hub has no more subscribers for this room. */
  public record UnsubscribeHub(ActorRef<RoomHub.Command> hub) implements Command {}

  /** A member came or went (from their user entity). */
  public record PresenceChanged(String user, boolean online, Instant lastSeen) implements Command {}

  private record PasscodeChecked(String user, boolean ok, ActorRef<JoinResult> replyTo) implements Command {}

  private record HubTerminated(ActorRef<RoomHub.Command> hub) implements Command {}

  private enum Flush implements Command { INSTANCE }

  /** Sends the directory the online count, at most once per {@link #ONLINE_REPORT_EVERY}. */
  private enum ReportOnline implements Command { INSTANCE }

  // Replies. A rejection carries the protocol's error code.

  public interface CreateResult extends CborSerializable {}

  public interface JoinResult extends CborSerializable {}

  public interface LeaveResult extends CborSerializable {}

  public interface PostResult extends CborSerializable {}

  public interface GetResult extends CborSerializable {}

  public interface HistoryResult extends CborSerializable {}

  public record Rejected(String code, String message)
      implements CreateResult, JoinResult, LeaveResult, PostResult, GetResult, HistoryResult {}

  public record MemberView(String username, boolean online, Instant lastSeen) implements CborSerializable {}

  public record RoomView(
      String id,
      String name,
      String kind,
      String owner,
      int capacity,
      boolean hasPasscode,
      long lastSeq,
      List<MemberView> members,
      boolean isMember)
      implements CreateResult, GetResult {}

  public record Created(RoomView room) implements CreateResult {}

  /** {@code lastSentByUser}: the asking user's last message seq here (0 if none), which counts as read. */
  public record SummaryView(String id, String name, String kind, long lastSeq, boolean isMember, long lastSentByUser)
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

  public record SendRefused(String roomId, String clientMsgId, String code, String message) implements SendOutcome {}

  public record Page(List<TimelineEntry> entries, boolean hasMore) implements HistoryResult {}

  /** The page is older than what the room holds in memory: read seqs from..to of the journal. */
  public record InJournal(long from, long to, boolean hasMore) implements HistoryResult {}

  // ---------------------------------------------------------------------------------------------- events

  /** Every event is one timeline entry. */
  public sealed interface Event extends CborSerializable {
    TimelineEntry entry();
  }

  public record RoomInfo(
      String name, String kind, String owner, String passcodeHash, int capacity, Instant createdAt)
      implements CborSerializable {}

  public record RoomCreated(RoomInfo info, TimelineEntry entry) implements Event {}

  /** What the dedupe window keeps of a send: enough to answer a resend with the same seq. */
  public record Sent(String sender, String clientMsgId, long seq, Instant sentAt) implements CborSerializable {}

  public record MemberJoined(TimelineEntry entry) implements Event {}

  public record MemberLeft(TimelineEntry entry) implements Event {}

  public record MessagePosted(TimelineEntry entry) implements Event {}

  // ---------------------------------------------------------------------------------------------- state

  /**
   * Immutable but for the recent entries and the dedupe window ({@link RecentEntries}, {@link SendWindow}): both are
   * columns written in place, shared by one incarnation's states. Nothing but the room's actor reads a state, and
   * snapshots are taken as a {@link Snapshot} on its thread ({@link ChatRoom#snapshotAdapter}).
   */
  public static final class State implements CborSerializable {
    final RoomInfo info;
    final long lastSeq;
    final Set<String> members;
    /**
     * Written in place (see the class comment), like {@link #dedupe}. Null until the first event: the empty state is
     * one object that Pekko starts every incarnation from, a restarted one too, so it must hold nothing that changes.
     */
    final RecentEntries recent;
    /** Written in place, null until the first send (see {@link #recent}). */
    final SendWindow dedupe;
    /** Each member's last message seq: a sender has read up to their own message (so no write per send). */
    final scala.collection.immutable.HashMap<String, Long> lastSent;

    State(
        RoomInfo info,
        long lastSeq,
        Set<String> members,
        RecentEntries recent,
        SendWindow dedupe,
        scala.collection.immutable.HashMap<String, Long> lastSent) {
      this.info = info;
      this.lastSeq = lastSeq;
      this.members = members;
      this.recent = recent;
      this.dedupe = dedupe;
      this.lastSent = lastSent;
    }

    static State empty() {
      return new State(null, 0, Set.of(), null, null, HashMap$.MODULE$.empty());
    }

    boolean exists() {
      return info != null;
    }

    boolean isMember(String user) {
      return members.contains(user);
    }

    /** The seq of the oldest entry in memory; past {@link #lastSeq} when there is none. */
    long oldestRecentSeq() {
      return recent == null || recent.size() == 0 ? lastSeq + 1 : recent.oldestSeq();
    }

    /** The earlier send of {@code clientMsgId} by {@code user} still in the dedupe window, or null. */
    Sent sent(String user, String clientMsgId) {
      return dedupe == null ? null : dedupe.find(user, clientMsgId);
    }

    State apply(Event event, Settings settings) {
      TimelineEntry entry = event.entry();
      if (entry.seq() != lastSeq + 1) {
        throw new IllegalStateException("timeline seq " + entry.seq() + " after " + lastSeq);
      }
      RoomInfo nextInfo = info;
      Set<String> nextMembers = members;
      SendWindow nextDedupe = dedupe;
      scala.collection.immutable.HashMap<String, Long> nextLastSent = lastSent;
      if (event instanceof RoomCreated created) {
        nextInfo = created.info();
        nextMembers = with(members, entry.sender());
      } else if (event instanceof MemberJoined) {
        nextMembers = with(members, entry.sender());
      } else if (event instanceof MemberLeft) {
        nextMembers = without(members, entry.sender());
      } else if (event instanceof MessagePosted) {
        // In place (see SendWindow). Unique: a resend is answered from the window, never stored.
        if (nextDedupe == null) {
          nextDedupe = new SendWindow();
        }
        nextDedupe.add(entry.sender(), entry.clientMsgId(), entry.seq(), entry.sentAt(), settings.dedupeWindow());
        nextLastSent = nextLastSent.updated(entry.sender(), entry.seq());
      }
      RecentEntries nextRecent = recent == null ? new RecentEntries() : recent;
      nextRecent.add(entry, settings.recentEntries());
      return new State(nextInfo, entry.seq(), nextMembers, nextRecent, nextDedupe, nextLastSent);
    }

    private static Set<String> with(Set<String> set, String user) {
      Set<String> copy = new HashSet<>(set);
      copy.add(user);
      return Set.copyOf(copy);
    }

    private static Set<String> without(Set<String> set, String user) {
      Set<String> copy = new HashSet<>(set);
      copy.remove(user);
      return Set.copyOf(copy);
    }

    static String dedupeKey(String user, String clientMsgId) {
      return user + '\u0000' + clientMsgId;
    }

    @JsonValue
    Snapshot toSnapshot() {
      List<TimelineEntry> recentList = recent == null ? List.of() : recent.all();
      List<Sent> window = dedupe == null ? List.of() : dedupe.sends();
      Map<String, Long> lastSentMap = new HashMap<>();
      lastSent.foreach(pair -> lastSentMap.put(pair._1(), pair._2()));
      return new Snapshot(info, lastSeq, List.copyOf(members), recentList, null, DedupeWindow.of(window), lastSentMap);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static State fromSnapshot(Snapshot s) {
      RecentEntries recent = new RecentEntries();
      for (TimelineEntry e : s.recent()) {
        // What the snapshot holds, whole; the next event trims it to the configured count.
        recent.add(e, Integer.MAX_VALUE);
      }
      SendWindow dedupe = new SendWindow();
      List<Sent> window = s.window() != null ? s.window().sends() : s.dedupe() != null ? s.dedupe() : List.of();
      for (Sent e : window) {
        // The window the snapshot holds, whole; the next send trims it to the configured one.
        dedupe.add(e.sender(), e.clientMsgId(), e.seq(), e.sentAt(), Integer.MAX_VALUE);
      }
      scala.collection.immutable.HashMap<String, Long> lastSent = HashMap$.MODULE$.empty();
      if (s.lastSent() != null) {
        for (Map.Entry<String, Long> e : s.lastSent().entrySet()) {
          lastSent = lastSent.updated(e.getKey(), e.getValue());
        }
      }
      return new State(s.info(), s.lastSeq(), Set.copyOf(s.members()), recent, dedupe, lastSent);
    }
  }

  /**
   * The serialized form of {@link State}. {@code dedupe} is the dedupe window as snapshots before 2026-11-23 wrote
   * it, one object per send (read, never written); {@code window} is the same in columns.
   */
  public record Snapshot(
      RoomInfo info,
      long lastSeq,
      List<String> members,
      List<TimelineEntry> recent,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<Sent> dedupe,
      DedupeWindow window,
      Map<String, Long> lastSent)
      implements CborSerializable {}

  /**
   * The dedupe window in columns, oldest send first: each sender once, and per send an index into them, its
   * clientMsgId, and its seq and sentAt (epoch millis) as the difference from the send before, which is small.
   * As one object per send, each carried its field names and an ISO-8601 time, formatted and parsed one by one;
   * here those are numbers in arrays. {@code sentAt} is whole milliseconds (the room's clock is truncated to
   * them), so nothing is lost.
   */
  public record DedupeWindow(
      List<String> senders, int[] sender, List<String> clientMsgIds, long[] seqDelta, long[] sentAtDelta)
      implements CborSerializable {

    static DedupeWindow of(List<Sent> sends) {
      Map<String, Integer> index = new HashMap<>();
      List<String> senders = new ArrayList<>();
      int n = sends.size();
      int[] sender = new int[n];
      List<String> ids = new ArrayList<>(n);
      long[] seqDelta = new long[n];
      long[] sentAtDelta = new long[n];
      long seq = 0;
      long millis = 0;
      for (int i = 0; i < n; i++) {
        Sent e = sends.get(i);
        sender[i] = index.computeIfAbsent(e.sender(), u -> {
          senders.add(u);
          return senders.size() - 1;
        });
        ids.add(e.clientMsgId());
        seqDelta[i] = e.seq() - seq;
        seq = e.seq();
        long at = e.sentAt().toEpochMilli();
        sentAtDelta[i] = at - millis;
        millis = at;
      }
      return new DedupeWindow(senders, sender, ids, seqDelta, sentAtDelta);
    }

    List<Sent> sends() {
      int n = clientMsgIds.size();
      if (sender.length != n || seqDelta.length != n || sentAtDelta.length != n) {
        throw new IllegalArgumentException("dedupe window columns of different lengths");
      }
      List<Sent> out = new ArrayList<>(n);
      long seq = 0;
      long millis = 0;
      for (int i = 0; i < n; i++) {
        seq += seqDelta[i];
        millis += sentAtDelta[i];
        out.add(new Sent(senders.get(sender[i]), clientMsgIds.get(i), seq, Instant.ofEpochMilli(millis)));
      }
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------- behavior

  private final String roomId;
  private final Settings settings;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final ClusterSharding sharding;
  private final Executor blocking;
  /** Soft state: the hubs (one per node with subscribers) that get live entries. */
  private final Set<ActorRef<RoomHub.Command>> hubs = new HashSet<>();
  /** Soft state: members' presence as last reported by their user entities. */
  private final Map<String, MemberView> presence = new HashMap<>();
  /** Sends accepted but not yet written (see {@link #onFlush}); never acknowledged before they are. */
  private final List<PendingPost> pending = new ArrayList<>();
  private final Map<String, PendingPost> pendingByKey = new HashMap<>();
  private boolean flushQueued;
  private boolean onlineReportScheduled;

  private record PendingPost(String user, String clientMsgId, String text, List<Waiter> waiters) {}

  /** Whoever waits for a send: an HTTP request (the entry back) or a session (its outcome). */
  private sealed interface Waiter {
    void stored(TimelineEntry entry, boolean duplicate);

    void refused(String clientMsgId, Rejected why);
  }

  private record Asked(ActorRef<PostResult> replyTo) implements Waiter {
    @Override
    public void stored(TimelineEntry entry, boolean duplicate) {
      replyTo.tell(new Posted(entry, duplicate));
    }

    @Override
    public void refused(String clientMsgId, Rejected why) {
      replyTo.tell(why);
    }
  }

  private record Told(String roomId, ActorRef<SendOutcome> replyTo) implements Waiter {
    @Override
    public void stored(TimelineEntry entry, boolean duplicate) {
      replyTo.tell(new SendStored(roomId, entry.clientMsgId(), entry.seq(), entry.sentAt()));
    }

    @Override
    public void refused(String clientMsgId, Rejected why) {
      replyTo.tell(new SendRefused(roomId, clientMsgId, why.code(), why.message()));
    }
  }

  private ChatRoom(String roomId, Settings settings, Clock clock, ActorContext<Command> context) {
    // A failed journal write or replay stops the room (its unacknowledged sends are retried by their clients), and
    // sharding starts a new one, which replays the journal, with the next message: a hub's resubscribe (every second
    // until one answers), a send, a request. Not a restart of this actor (restartWithBackoff): the journal's replies
    // to a failed write keep coming after the first failure, the restart took them in with the commands it held
    // back, and the next incarnation stopped unstashing at the first of them: the room answered nothing more until
    // its node restarted (ClientSessionTest). A new actor's replies cannot be mixed up with a stopped one's.
    super(persistenceId(roomId));
    this.roomId = roomId;
    this.settings = settings;
    this.clock = clock;
    this.context = context;
    this.sharding = ClusterSharding.get(context.getSystem());
    this.blocking =
        context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher"));
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  /**
   * A snapshot is copied into a {@link Snapshot} here, on the room's thread: the state's dedupe window is written in
   * place, and the snapshot store serializes later, on its own. Snapshots written before are read as a state.
   */
  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return state.toSnapshot();
      }

      @Override
      public State fromJournal(Object from) {
        return from instanceof Snapshot snapshot ? State.fromSnapshot(snapshot) : (State) from;
      }
    };
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  private void onRecovered(State state) {
    if (!state.exists()) {
      return;
    }
    ActorRef<UserAccount.PresenceView> adapter =
        context.messageAdapter(
            UserAccount.PresenceView.class, p -> new PresenceChanged(p.username(), p.online(), p.lastSeen()));
    for (String member : state.members) {
      sharding.entityRefFor(UserAccount.ENTITY_KEY, member).tell(new UserAccount.GetPresence(adapter));
    }
    reportToDirectory(state);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(Join.class, this::onJoin)
        .onCommand(PasscodeChecked.class, this::onPasscodeChecked)
        .onCommand(Leave.class, this::onLeave)
        .onCommand(Post.class, this::onPost)
        .onCommand(Send.class, this::onSend)
        .onCommand(Flush.class, (state, cmd) -> onFlush(state))
        .onCommand(ReportOnline.class, (state, cmd) -> {
          onlineReportScheduled = false;
          reportToDirectory(state);
          return Effect().noReply();
        })
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), get(state, cmd.asUser())))
        .onCommand(GetSummary.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state.exists()
            ? new SummaryView(roomId, state.info.name(), state.info.kind(), state.lastSeq, state.isMember(cmd.asUser()),
                state.lastSent.getOrElse(cmd.asUser(), () -> 0L))
            : noSuchRoom()))
        .onCommand(GetHistory.class, this::onGetHistory)
        .onCommand(SubscribeHub.class, this::onSubscribeHub)
        .onCommand(UnsubscribeHub.class, (state, cmd) -> {
          if (hubs.remove(cmd.hub())) {
            context.unwatch(cmd.hub());
          }
          return Effect().noReply();
        })
        .onCommand(HubTerminated.class, (state, cmd) -> {
          hubs.remove(cmd.hub());
          return Effect().noReply();
        })
        .onCommand(PresenceChanged.class, this::onPresenceChanged)
        .build();
  }

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    if (state.exists()) {
      return Effect().reply(cmd.replyTo(), view(state, cmd.owner()));
    }
    Instant now = now();
    RoomInfo info = new RoomInfo(cmd.name(), cmd.kind(), cmd.owner(), cmd.passcodeHash(), cmd.capacity(), now);
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
            publish(e.entry());
            askPresence(e.entry().sender());
          });
          reportToDirectory(s);
        })
        .thenReply(cmd.replyTo(), s -> new Created(view(s, cmd.owner())));
  }

  private ReplyEffect<Event, State> onJoin(State state, Join cmd) {
    boolean dm = state.exists() && KIND_DM.equals(state.info.kind());
    if (!state.exists() || (dm && !isDmParty(cmd.user()))) {
      return Effect().reply(cmd.replyTo(), noSuchRoom());
    }
    if (state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Joined(view(state, cmd.user()), -1));
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

  private ReplyEffect<Event, State> onPasscodeChecked(State state, PasscodeChecked cmd) {
    if (state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), new Joined(view(state, cmd.user()), -1));
    }
    if (!cmd.ok()) {
      return Effect().reply(cmd.replyTo(), new Rejected("wrong_passcode", "that passcode does not open this room"));
    }
    return admit(state, cmd.user(), cmd.replyTo());
  }

  private ReplyEffect<Event, State> admit(State state, String user, ActorRef<JoinResult> replyTo) {
    if (state.members.size() >= state.info.capacity()) {
      return Effect()
          .reply(replyTo, new Rejected("room_full", "the room is full (capacity " + state.info.capacity() + ")"));
    }
    TimelineEntry entry = new TimelineEntry(nextSeq(state), TimelineEntry.JOINED, user, null, now(), null);
    Batch batch = takeBatch(state, new MemberJoined(entry));
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(this::publish);
          reportToDirectory(s);
          askPresence(user);
        })
        .thenReply(replyTo, s -> new Joined(view(s, user), entry.seq()));
  }

  private ReplyEffect<Event, State> onLeave(State state, Leave cmd) {
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), noSuchRoom());
    }
    if (!state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), notAMember());
    }
    // Sends the user made before leaving are stored before the leave, in the same write.
    TimelineEntry entry = new TimelineEntry(nextSeq(state), TimelineEntry.LEFT, cmd.user(), null, now(), null);
    Batch batch = takeBatch(state, new MemberLeft(entry));
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(this::publish);
          presence.remove(cmd.user());
          reportToDirectory(s);
        })
        .thenReply(cmd.replyTo(), s -> new Left(entry.seq()));
  }

  private ReplyEffect<Event, State> onPost(State state, Post cmd) {
    return accept(state, cmd.user(), cmd.clientMsgId(), cmd.text(), new Asked(cmd.replyTo()));
  }

  private ReplyEffect<Event, State> onSend(State state, Send cmd) {
    return accept(state, cmd.user(), cmd.clientMsgId(), cmd.text(), new Told(roomId, cmd.replyTo()));
  }

  /** A send, by HTTP or WebSocket: answered at once if it is refused or stored already, else after its write. */
  private ReplyEffect<Event, State> accept(State state, String user, String clientMsgId, String text, Waiter waiter) {
    Rejected refusal = null;
    if (!state.exists()) {
      refusal = noSuchRoom();
    } else if (!state.isMember(user)) {
      refusal = outsider(state);
    } else {
      Sent sent = state.sent(user, clientMsgId);
      if (sent != null) {
        waiter.stored(new TimelineEntry(sent.seq(), TimelineEntry.MESSAGE, user, text, sent.sentAt(), clientMsgId), true);
        return Effect().noReply();
      }
      var problem = Validation.message(clientMsgId, text);
      if (problem.isPresent()) {
        refusal = new Rejected(problem.get().code(), problem.get().message());
      }
    }
    if (refusal != null) {
      waiter.refused(clientMsgId, refusal);
      return Effect().noReply();
    }
    String key = State.dedupeKey(user, clientMsgId);
    PendingPost waiting = pendingByKey.get(key);
    if (waiting != null) {
      // A resend while the first copy waits for the same write: both get its seq.
      waiting.waiters().add(waiter);
      return Effect().noReply();
    }
    PendingPost post = new PendingPost(user, clientMsgId, text, new ArrayList<>(List.of(waiter)));
    pending.add(post);
    pendingByKey.put(key, post);
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
  private ReplyEffect<Event, State> onFlush(State state) {
    flushQueued = false;
    if (pending.isEmpty()) {
      return Effect().noReply();
    }
    Batch batch = takeBatch(state, null);
    return Effect().persist(batch.events()).thenRun(s -> batch.complete(this::publish)).thenNoReply();
  }

  /** The seq the next event takes, after the sends waiting to be written. */
  private long nextSeq(State state) {
    return state.lastSeq + pending.size() + 1;
  }

  /** The waiting sends as events (seqs after {@code state.lastSeq}, in arrival order), then {@code last} if any. */
  private Batch takeBatch(State state, Event last) {
    List<Event> events = new ArrayList<>(pending.size() + 1);
    List<PendingPost> posts = List.copyOf(pending);
    long seq = state.lastSeq;
    Instant now = now();
    for (PendingPost p : posts) {
      events.add(new MessagePosted(new TimelineEntry(++seq, TimelineEntry.MESSAGE, p.user(), p.text(), now, p.clientMsgId())));
    }
    if (last != null) {
      events.add(last);
    }
    pending.clear();
    pendingByKey.clear();
    return new Batch(events, posts);
  }

  /** Events to write together, and the sends among them to answer once written. */
  private record Batch(List<Event> events, List<PendingPost> posts) {
    void complete(java.util.function.Consumer<TimelineEntry> publish) {
      for (int i = 0; i < events.size(); i++) {
        TimelineEntry entry = events.get(i).entry();
        publish.accept(entry);
        if (i < posts.size()) {
          for (Waiter waiter : posts.get(i).waiters()) {
            waiter.stored(entry, false);
          }
        }
      }
    }
  }

  private ReplyEffect<Event, State> onGetHistory(State state, GetHistory cmd) {
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), noSuchRoom());
    }
    if (!state.isMember(cmd.user())) {
      return Effect().reply(cmd.replyTo(), outsider(state));
    }
    return Effect().reply(cmd.replyTo(), history(state, cmd.before(), cmd.after(), cmd.limit()));
  }

  /** Pages by seq; within the in-memory window they are answered here, older ones name a journal range. */
  static HistoryResult history(State state, Long before, Long after, int limit) {
    long last = state.lastSeq;
    long from;
    long to;
    boolean hasMore;
    if (after != null) {
      from = after + 1;
      to = Math.min(last, after + limit);
      hasMore = to < last;
    } else {
      to = before != null ? Math.min(before - 1, last) : last;
      from = Math.max(1, to - limit + 1);
      hasMore = from > 1;
    }
    if (from > to) {
      return new Page(List.of(), hasMore && to >= 1);
    }
    if (from < state.oldestRecentSeq()) {
      return new InJournal(from, to, hasMore);
    }
    return new Page(state.recent.range(from, to), hasMore);
  }

  private ReplyEffect<Event, State> onSubscribeHub(State state, SubscribeHub cmd) {
    if (hubs.add(cmd.hub())) {
      context.watchWith(cmd.hub(), new HubTerminated(cmd.hub()));
    }
    cmd.hub().tell(new RoomHub.Subscribed(roomId, context.getSelf(), state.lastSeq, state.exists()));
    reportToDirectory(state);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onPresenceChanged(State state, PresenceChanged cmd) {
    if (!state.isMember(cmd.user())) {
      return Effect().noReply();
    }
    MemberView next = new MemberView(cmd.user(), cmd.online(), cmd.lastSeen());
    MemberView previous = presence.put(cmd.user(), next);
    boolean onlineChanged = previous == null || previous.online() != next.online();
    if (previous != null && !previous.equals(next)) {
      for (ActorRef<RoomHub.Command> hub : hubs) {
        hub.tell(new RoomHub.PresenceUpdate(roomId, cmd.user(), cmd.online(), cmd.lastSeen()));
      }
    }
    if (onlineChanged) {
      reportOnlineSoon();
    }
    return Effect().noReply();
  }

  /**
   * Online counts are soft and change with every member's connection: when every client of a node reconnects
   * at once, one report per change (100 per room of 100) overflowed the directory's stash while it was
   * persisting a listing, and reports were dropped. The room now sends its count once per second at most.
   */
  private void reportOnlineSoon() {
    if (!onlineReportScheduled) {
      onlineReportScheduled = true;
      context.scheduleOnce(ONLINE_REPORT_EVERY, context.getSelf(), ReportOnline.INSTANCE);
    }
  }

  // ---------------------------------------------------------------------------------------------- helpers

  /** Renders the wire frame once; every hub and session forwards the same text. */
  private void publish(TimelineEntry entry) {
    if (hubs.isEmpty()) {
      return;
    }
    String frame;
    try {
      frame = Json.mapper().writeValueAsString(ServerFrame.MessageFrame.of(entry.toWire(roomId)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    RoomHub.Deliver deliver = new RoomHub.Deliver(roomId, entry.seq(), frame);
    for (ActorRef<RoomHub.Command> hub : hubs) {
      hub.tell(deliver);
    }
  }

  private void askPresence(String user) {
    ActorRef<UserAccount.PresenceView> adapter =
        context.messageAdapter(
            UserAccount.PresenceView.class, p -> new PresenceChanged(p.username(), p.online(), p.lastSeen()));
    sharding.entityRefFor(UserAccount.ENTITY_KEY, user).tell(new UserAccount.GetPresence(adapter));
  }

  private void reportToDirectory(State state) {
    if (!state.exists() || !KIND_ROOM.equals(state.info.kind())) {
      return;
    }
    int online = (int) presence.values().stream().filter(MemberView::online).count();
    sharding
        .entityRefFor(RoomDirectory.ENTITY_KEY, RoomDirectory.ID)
        .tell(
            new RoomDirectory.Report(
                new RoomDirectory.Listing(
                    roomId,
                    state.info.name(),
                    state.members.size(),
                    online,
                    state.info.passcodeHash() != null,
                    state.info.capacity())));
  }

  private GetResult get(State state, String asUser) {
    if (!state.exists()) {
      return noSuchRoom();
    }
    boolean member = state.isMember(asUser);
    if (KIND_DM.equals(state.info.kind()) && !member) {
      return noSuchRoom();
    }
    return view(state, asUser);
  }

  private RoomView view(State state, String asUser) {
    boolean member = state.isMember(asUser);
    List<MemberView> members = new ArrayList<>();
    // Who is in a passcode room is for its members to see.
    if (member || state.info.passcodeHash() == null) {
      state.members.stream()
          .sorted()
          .forEach(m -> members.add(presence.getOrDefault(m, new MemberView(m, false, null))));
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
        member);
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

  /** Who is not in a DM is not told it exists. */
  private static Rejected outsider(State state) {
    return KIND_DM.equals(state.info.kind()) ? noSuchRoom() : notAMember();
  }

  private static Rejected notAMember() {
    return new Rejected("not_a_member", "you are not a member of this room");
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state.apply(event, settings));
  }
}
