package parley.node.delivery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import parley.node.CborSerializable;
import parley.node.http.websocket.WebSocketUpgrades;
import parley.node.room.ChatRoom;
import parley.protocol.Member;

/**
 * The node-local fan-out hub: one per node. A room sends each new timeline entry once to every hub that has
 * subscribers for it, already rendered as a wire frame; the hub hands it to this node's sessions in that room: through
 * each session's {@link Lane} for the room, which writes it to the socket when it is the next seq the
 * client expects, else as a message to the session, which fills the gap.
 *
 * <p>The hub watches each room incarnation it subscribed to. When the room stops (passivation, rebalance, its node
 * crashed) the hub subscribes again through sharding, which starts the room wherever it now lives, and tells its
 * sessions the room's last seq, so each fills any gap by seq without reconnecting. A periodic resubscribe keeps
 * watched rooms from passivating and repairs a subscription lost in transit.
 *
 * <p>Presence changes are handed to each session at most once per batch window: the first change after a quiet
 * window goes at once, and the changes that follow within the window wait here and go together when it ends. A storm
 * of reconnects is mostly presence (every member's return goes to every member already back), and one frame per
 * window instead of one per change is what keeps it from costing a socket write per change at both ends. A change
 * that waits is kept once, in its room's log; a session waiting in the room holds only where its part of the log
 * starts, so a change costs the hub the same whether ten sessions wait for it or ten thousand, and sessions whose
 * windows end together with the same part of one room's log share one batch, rendered once.
 *
 * <p>A little over 500 lines: the hub's fan-out and its presence batching share the subscriptions and the sessions'
 * windows, so they stay in one actor.
 */
public final class RoomHub extends AbstractBehavior<RoomHub.Command> {

  public sealed interface Command extends CborSerializable {}

  /** A local session wants the live entries of a room. Answered with {@link ClientSession.RoomSynced}. */
  public record Subscribe(String roomId, ActorRef<ClientSession.Command> session, String username) implements Command {
    public Subscribe(String roomId, ActorRef<ClientSession.Command> session) {
      this(roomId, session, null);
    }
  }

  public record Unsubscribe(String roomId, ActorRef<ClientSession.Command> session) implements Command {}

  /**
   * A subscribed session follows the room from here on: live entries go through {@code lane}. Local only, like
   * Subscribe (a session and its hub share a node).
   */
  public record OpenLane(String roomId, ActorRef<ClientSession.Command> session, Lane lane)
      implements Command {}

  /**
   * From a room: a new entry, rendered once, with the room's frames of the moment held since its last word to the
   * hubs (they go out ahead of the entry, in the same write).
   */
  /** {@code storedAt}: the entry's sentAt in epoch milliseconds (0: unknown), for the delivery latency metric. */
  /**
   * {@code removes} (v1.1): the user this entry removes from the room (kicked or banned; {@code removal} says which):
   * their sessions get the entry, then nothing more of the room.
   */
  public record Deliver(String roomId, long seq, String frame, List<Moment> moments, long storedAt, String removes,
      ClientSession.Removal removal) implements Command {
    public Deliver(String roomId, long seq, String frame) {
      this(roomId, seq, frame, List.of(), 0);
    }

    public Deliver(String roomId, long seq, String frame, List<Moment> moments) {
      this(roomId, seq, frame, moments, 0);
    }

    public Deliver(String roomId, long seq, String frame, List<Moment> moments, long storedAt) {
      this(roomId, seq, frame, moments, storedAt, null, null);
    }
  }

  /**
   * Something of the moment from {@code from} (typing; receipts with {@code from} null), rendered once; not stored,
   * and not for {@code from}'s own sessions; for the sessions of the users in {@code to} only, unless it is null.
   */
  public record Moment(String from, String frame, java.util.Set<String> to) {
    public Moment(String from, String frame) {
      this(from, frame, null);
    }

    /** Whether {@code reader}'s sessions are written it. */
    boolean isFor(String reader) {
      return reader == null ? to == null : !reader.equals(from) && (to == null || to.contains(reader));
    }
  }

  /** From a room: frames of the moment that found no entry to ride with in time. */
  public record Relay(String roomId, List<Moment> moments) implements Command {}

  /** From a room: a member's presence changed. */
  public record PresenceUpdate(String roomId, String username, boolean online, Instant lastSeen) implements Command {}

  /** From a room: this hub is subscribed to that incarnation, whose last seq is {@code lastSeq}. */
  public record Subscribed(String roomId, ActorRef<ChatRoom.Command> room, long lastSeq, boolean exists)
      implements Command {}

  private record SessionTerminated(ActorRef<ClientSession.Command> session) implements Command {}

  private record RoomStopped(String roomId, ActorRef<ChatRoom.Command> room) implements Command {}

  private enum Resubscribe implements Command { INSTANCE }

  private enum FlushPresence implements Command { INSTANCE }

  /** Until a room incarnation confirms a subscription, it is asked again (the first ask may reach a dead node). */
  private record RetrySubscribe(String roomId) implements Command {}

  private static final Duration RETRY = Duration.ofSeconds(1);

  public static Behavior<Command> create(Duration resubscribeEvery, Duration presenceWindow) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Resubscribe.INSTANCE, resubscribeEvery);
      return new RoomHub(ctx, timers, presenceWindow);
    }));
  }

  /** Per room: local sessions, the incarnation watched, and the last seq seen (-1 until the room answers). */
  private static final class RoomSubscription {
    /** Looked up once here, not once per session per change: ActorRef equality is not free. */
    final Map<ActorRef<ClientSession.Command>, Membership> sessions = new HashMap<>();
    ActorRef<ChatRoom.Command> room;
    long lastSeq = -1;
    /** The presence changes some member still waits for, oldest first; trimmed as the windows end. */
    final ArrayList<Logged> log = new ArrayList<>();
    /** Members waiting for part of the log. */
    int waitingMembers;
    /** The log's size after it was last trimmed: it is trimmed again when it has doubled. */
    int trimmedTo;
  }

  /** A presence change in a room's log, numbered in the order the hub took it, across rooms. */
  private record Logged(long n, ClientSession.PresenceChange change) {}

  /** A local session in one room; {@code from} >= 0 while it waits for that room's changes numbered from there. */
  private static final class Membership {
    final ActorRef<ClientSession.Command> ref;
    final LocalSession local;
    final RoomSubscription sub;
    long from = -1;
    /** Null until the session follows the room (after its hello): entries go to the session until then. */
    Lane lane;

    Membership(LocalSession local, RoomSubscription sub) {
      this.ref = local.ref;
      this.local = local;
      this.sub = sub;
    }
  }

  /** Per local session: its rooms, and the rooms whose changes wait for its batch window to end. */
  private static final class LocalSession {
    final ActorRef<ClientSession.Command> ref;
    /** Whose session it is (v1.1: a removal names the user); null where the subscriber did not say. */
    String username;
    final Set<String> rooms = new HashSet<>();
    /** System.nanoTime() from which the next change may go at once. */
    long presenceOpenAt;
    /** The rooms it waits in; empty while nothing waits. */
    final List<Membership> waitingIn = new ArrayList<>(1);
    /** In the hub's list of sessions to flush. */
    boolean queued;
    boolean ended;

    LocalSession(ActorRef<ClientSession.Command> ref, long now) {
      this.ref = ref;
      this.presenceOpenAt = now;
    }
  }

  private final ClusterSharding sharding;
  private final Map<String, RoomSubscription> rooms = new HashMap<>();
  private final Map<ActorRef<ClientSession.Command>, LocalSession> sessions = new HashMap<>();
  /** Sessions with pending presence changes. */
  private final List<LocalSession> waiting = new ArrayList<>();
  /** Numbers the presence changes the hub takes. */
  private long changes;

  private final TimerScheduler<Command> timers;
  private final long presenceWindowNanos;
  private final Duration flushEvery;

  private final parley.node.NodeMetrics metrics;

  private RoomHub(ActorContext<Command> context, TimerScheduler<Command> timers, Duration presenceWindow) {
    super(context);
    this.metrics = parley.node.NodeMetrics.get(context.getSystem());
    this.timers = timers;
    this.sharding = ClusterSharding.get(context.getSystem());
    this.presenceWindowNanos = presenceWindow.toNanos();
    // A waiting change goes at most a tenth of the window late.
    this.flushEvery = presenceWindow.dividedBy(10).compareTo(Duration.ofMillis(10)) < 0
        ? Duration.ofMillis(10)
        : presenceWindow.dividedBy(10);
  }

  // Handlers answer Behaviors.same(), not this (see ClientSession.createReceive: withTimers is an interceptor).
  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Unsubscribe.class, this::onUnsubscribe)
        .onMessage(OpenLane.class, this::onOpenLane)
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(PresenceUpdate.class, this::onPresenceUpdate)
        .onMessage(Relay.class, this::onRelay)
        .onMessage(Subscribed.class, this::onSubscribed)
        .onMessage(SessionTerminated.class, this::onSessionTerminated)
        .onMessage(RoomStopped.class, this::onRoomStopped)
        .onMessageEquals(Resubscribe.INSTANCE, this::onResubscribe)
        .onMessageEquals(FlushPresence.INSTANCE, this::onFlushPresence)
        .onMessage(RetrySubscribe.class, this::onRetrySubscribe)
        .build();
  }

  private Behavior<Command> onSubscribe(Subscribe cmd) {
    RoomSubscription sub = rooms.get(cmd.roomId());
    if (sub == null) {
      sub = new RoomSubscription();
      rooms.put(cmd.roomId(), sub);
      subscribeUntilConfirmed(cmd.roomId());
    }
    LocalSession local = sessions.get(cmd.session());
    if (local == null) {
      local = new LocalSession(cmd.session(), System.nanoTime());
      sessions.put(cmd.session(), local);
      getContext().watchWith(cmd.session(), new SessionTerminated(cmd.session()));
    }
    if (!sub.sessions.containsKey(cmd.session())) {
      sub.sessions.put(cmd.session(), new Membership(local, sub));
    }
    local.rooms.add(cmd.roomId());
    if (cmd.username() != null) {
      local.username = cmd.username();
    }
    if (sub.lastSeq >= 0) {
      cmd.session().tell(new ClientSession.RoomSynced(cmd.roomId(), sub.lastSeq));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onUnsubscribe(Unsubscribe cmd) {
    LocalSession local = sessions.get(cmd.session());
    if (local != null) {
      local.rooms.remove(cmd.roomId());
    }
    removeSession(cmd.roomId(), cmd.session());
    return Behaviors.same();
  }

  private Behavior<Command> onOpenLane(OpenLane cmd) {
    RoomSubscription sub = rooms.get(cmd.roomId());
    Membership member = sub == null ? null : sub.sessions.get(cmd.session());
    if (member != null) {
      member.lane = cmd.lane();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onDeliver(Deliver cmd) {
    RoomSubscription sub = rooms.get(cmd.roomId());
    if (sub == null) {
      return Behaviors.same();
    }
    sub.lastSeq = Math.max(sub.lastSeq, cmd.seq());
    if (cmd.frame() == null) {
      // v1.1: the room is deleted: every session of it is told, and dropped.
      sub.sessions.values().forEach(member -> {
        member.local.rooms.remove(cmd.roomId());
        member.ref.tell(new ClientSession.RemovedFromRoom(cmd.roomId(), cmd.seq(), cmd.removal()));
      });
      sub.sessions.clear();
      return Behaviors.same();
    }
    // Encoded and framed once here, for every local member's socket.
    WebSocketUpgrades.PreparedText frame = WebSocketUpgrades.PreparedText.of(cmd.frame());
    Moments moments = cmd.moments().isEmpty() ? Moments.NONE : new Moments(cmd.moments());
    ClientSession.Entry entry = null;
    for (Membership member : sub.sessions.values()) {
      Lane lane = member.lane;
      if (lane == null || !lane.tryWrite(cmd.seq(), frame, moments)) {
        if (entry == null) {
          entry = new ClientSession.Entry(cmd.roomId(), cmd.seq(), frame);
        }
        moments.tellTo(member.local.username, member.ref);
        member.ref.tell(entry);
      }
    }
    if (cmd.removes() != null) {
      // The removed user's sessions have the entry that removed them; nothing more of the room goes to them.
      sub.sessions.values().removeIf(member -> {
        if (cmd.removes().equals(member.local.username)) {
          member.local.rooms.remove(cmd.roomId());
          member.ref.tell(new ClientSession.RemovedFromRoom(cmd.roomId(), cmd.seq(), cmd.removal()));
          return true;
        }
        return false;
      });
    }
    metrics.deliveries.increment(sub.sessions.size());
    if (cmd.storedAt() > 0) {
      metrics.deliveryLatency.record(Math.max(0, System.currentTimeMillis() - cmd.storedAt()), TimeUnit.MILLISECONDS);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRelay(Relay cmd) {
    RoomSubscription sub = rooms.get(cmd.roomId());
    if (sub == null || sub.sessions.isEmpty()) {
      return Behaviors.same();
    }
    // Framed once; written from here through each session's lane, like an entry (the session only when it cannot).
    Moments moments = new Moments(cmd.moments());
    for (Membership member : sub.sessions.values()) {
      Lane lane = member.lane;
      if (lane == null || !lane.tryRelay(moments)) {
        moments.tellTo(member.local.username, member.ref);
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onPresenceUpdate(PresenceUpdate cmd) {
    RoomSubscription sub = rooms.get(cmd.roomId());
    if (sub == null) {
      return Behaviors.same();
    }
    // The member's JSON is rendered once here, for every session and every batch it goes in.
    ClientSession.PresenceChange change =
        ClientSession.PresenceChange.of(new Member(cmd.username(), cmd.online(), cmd.lastSeen()));
    long n = changes++;
    // Every member already waits in this room (a storm's steady state): the change joins the log, nothing more.
    if (sub.waitingMembers < sub.sessions.size()) {
      long now = System.nanoTime();
      // One message, its frame encoded once, for every session whose window is open, like an entry.
      ClientSession.PresenceSeen atOnce = null;
      for (Membership member : sub.sessions.values()) {
        LocalSession local = member.local;
        if (member.from >= 0) {
          continue;
        }
        if (local.waitingIn.isEmpty() && now - local.presenceOpenAt >= 0) {
          if (atOnce == null) {
            atOnce = ClientSession.PresenceSeen.of(List.of(change));
          }
          local.ref.tell(atOnce);
          local.presenceOpenAt = now + presenceWindowNanos;
        } else {
          member.from = n;
          sub.waitingMembers++;
          local.waitingIn.add(member);
          if (!local.queued) {
            local.queued = true;
            waiting.add(local);
          }
        }
      }
    }
    if (sub.waitingMembers > 0) {
      sub.log.add(new Logged(n, change));
    }
    if (!waiting.isEmpty() && !timers.isTimerActive(FlushPresence.INSTANCE)) {
      timers.startTimerWithFixedDelay(FlushPresence.INSTANCE, flushEvery);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onFlushPresence() {
    long now = System.nanoTime();
    int kept = 0;
    // Sessions of one room whose windows end now and that wait from the same change take the same batch.
    Map<SharedBatch, List<LocalSession>> shared = null;
    // The rooms whose logs may be trimmed after this flush, each once however many of its sessions flushed.
    Set<RoomSubscription> flushed = new HashSet<>();
    for (int i = 0; i < waiting.size(); i++) {
      LocalSession local = waiting.get(i);
      if (local.ended || local.waitingIn.isEmpty()) {
        local.queued = false;
        continue;
      }
      if (now - local.presenceOpenAt < 0) {
        waiting.set(kept++, local);
        continue;
      }
      local.queued = false;
      local.presenceOpenAt = now + presenceWindowNanos;
      if (local.waitingIn.size() == 1) {
        if (shared == null) {
          shared = new HashMap<>();
        }
        Membership member = local.waitingIn.get(0);
        shared.computeIfAbsent(new SharedBatch(member.sub, member.from), k -> new ArrayList<>(1)).add(local);
        continue;
      }
      // Framed by the session: a batch across rooms is its own.
      local.ref.tell(new ClientSession.PresenceSeen(batch(local.waitingIn), null));
      stopWaiting(local, flushed);
    }
    waiting.subList(kept, waiting.size()).clear();
    if (shared != null) {
      for (Map.Entry<SharedBatch, List<LocalSession>> batch : shared.entrySet()) {
        List<LocalSession> takers = batch.getValue();
        List<ClientSession.PresenceChange> changes = batch(takers.get(0).waitingIn);
        // A batch only one session takes is framed by that session, off the hub.
        ClientSession.PresenceSeen seen = takers.size() > 1
            ? ClientSession.PresenceSeen.of(changes)
            : new ClientSession.PresenceSeen(changes, null);
        for (LocalSession local : takers) {
          local.ref.tell(seen);
          stopWaiting(local, flushed);
        }
      }
    }
    for (RoomSubscription sub : flushed) {
      trim(sub);
    }
    if (waiting.isEmpty()) {
      timers.cancel(FlushPresence.INSTANCE);
    }
    return Behaviors.same();
  }

  /** Sessions that wait in one room from the same change: their batches are the same. */
  private record SharedBatch(RoomSubscription sub, long from) {}

  /**
   * What a session's rooms logged since it began to wait in each, each member once in its latest state, in the
   * order of those latest changes: a member who came and went is where they went.
   */
  private static List<ClientSession.PresenceChange> batch(List<Membership> waitingIn) {
    List<Logged> logged;
    if (waitingIn.size() == 1) {
      Membership member = waitingIn.get(0);
      logged = member.sub.log.subList(start(member), member.sub.log.size());
    } else {
      logged = new ArrayList<>();
      for (Membership member : waitingIn) {
        logged.addAll(member.sub.log.subList(start(member), member.sub.log.size()));
      }
      logged.sort(Comparator.comparingLong(Logged::n));
    }
    Set<String> seen = new HashSet<>();
    List<ClientSession.PresenceChange> latest = new ArrayList<>(logged.size());
    for (int i = logged.size() - 1; i >= 0; i--) {
      ClientSession.PresenceChange change = logged.get(i).change();
      if (seen.add(change.member().username())) {
        latest.add(change);
      }
    }
    Collections.reverse(latest);
    return latest;
  }

  /** Where a waiting member's part of its room's log starts: the first change numbered {@code from} or later. */
  private static int start(Membership member) {
    List<Logged> log = member.sub.log;
    int lo = 0;
    int hi = log.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (log.get(mid).n() < member.from) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static void stopWaiting(LocalSession local, Set<RoomSubscription> flushed) {
    for (Membership member : local.waitingIn) {
      leaveLog(member);
      flushed.add(member.sub);
    }
    local.waitingIn.clear();
  }

  private static void leaveLog(Membership member) {
    if (member.from >= 0) {
      member.from = -1;
      member.sub.waitingMembers--;
    }
  }

  /**
   * Drops what no member waits for any more: all of it once nobody waits, else, when the log has doubled since it
   * was last trimmed, what comes before the oldest waiting member's start. Every member stops waiting within a
   * window, so the log holds about one window of the room's changes.
   */
  private static void trim(RoomSubscription sub) {
    List<Logged> log = sub.log;
    if (sub.waitingMembers == 0) {
      log.clear();
      sub.trimmedTo = 0;
    } else if (log.size() >= 64 && log.size() >= 2 * sub.trimmedTo) {
      long oldest = Long.MAX_VALUE;
      for (Membership member : sub.sessions.values()) {
        if (member.from >= 0) {
          oldest = Math.min(oldest, member.from);
        }
      }
      int drop = 0;
      while (drop < log.size() && log.get(drop).n() < oldest) {
        drop++;
      }
      log.subList(0, drop).clear();
      sub.trimmedTo = log.size();
    }
  }

  private Behavior<Command> onSubscribed(Subscribed cmd) {
    RoomSubscription sub = rooms.get(cmd.roomId());
    if (sub == null) {
      return Behaviors.same();
    }
    timers.cancel(cmd.roomId());
    if (!cmd.room().equals(sub.room)) {
      if (sub.room != null) {
        getContext().unwatch(sub.room);
      }
      sub.room = cmd.room();
      getContext().watchWith(cmd.room(), new RoomStopped(cmd.roomId(), cmd.room()));
    }
    sub.lastSeq = Math.max(sub.lastSeq, cmd.lastSeq());
    ClientSession.RoomSynced synced = new ClientSession.RoomSynced(cmd.roomId(), cmd.lastSeq());
    for (Membership member : sub.sessions.values()) {
      member.ref.tell(synced);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRoomStopped(RoomStopped cmd) {
    RoomSubscription sub = rooms.get(cmd.roomId());
    if (sub != null && cmd.room().equals(sub.room)) {
      sub.room = null;
      // The room's node may be gone and its shard not yet moved: the first ask can be lost, so keep asking.
      subscribeUntilConfirmed(cmd.roomId());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRetrySubscribe(RetrySubscribe cmd) {
    RoomSubscription sub = rooms.get(cmd.roomId());
    if (sub == null || sub.room != null) {
      timers.cancel(cmd.roomId());
    } else {
      subscribe(cmd.roomId());
    }
    return Behaviors.same();
  }

  private void subscribeUntilConfirmed(String roomId) {
    subscribe(roomId);
    timers.startTimerWithFixedDelay(roomId, new RetrySubscribe(roomId), RETRY);
  }

  private Behavior<Command> onResubscribe() {
    rooms.keySet().forEach(this::subscribe);
    return Behaviors.same();
  }

  private Behavior<Command> onSessionTerminated(SessionTerminated cmd) {
    LocalSession local = sessions.remove(cmd.session());
    if (local != null) {
      local.ended = true;
      for (String roomId : local.rooms) {
        removeSession(roomId, cmd.session());
      }
    }
    return Behaviors.same();
  }

  private void removeSession(String roomId, ActorRef<ClientSession.Command> session) {
    RoomSubscription sub = rooms.get(roomId);
    if (sub == null) {
      return;
    }
    Membership member = sub.sessions.remove(session);
    if (member != null && member.from >= 0) {
      member.local.waitingIn.remove(member);
      leaveLog(member);
      trim(sub);
    }
    if (sub.sessions.isEmpty()) {
      rooms.remove(roomId);
      timers.cancel(roomId);
      if (sub.room != null) {
        getContext().unwatch(sub.room);
      }
      // Through sharding, like the subscribe, so the two cannot overtake each other.
      sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId).tell(new ChatRoom.UnsubscribeHub(getContext().getSelf()));
    }
  }

  private void subscribe(String roomId) {
    sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId).tell(new ChatRoom.SubscribeHub(getContext().getSelf()));
  }
}
