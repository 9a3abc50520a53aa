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
import parley.node.NodeMetrics;
import parley.node.delivery.HubBook.LocalSession;
import parley.node.delivery.HubBook.Logged;
import parley.node.delivery.HubBook.Membership;
import parley.node.delivery.HubBook.RoomSubscription;
import parley.node.room.ChatRoom;
import parley.node.room.RoomNews;
import parley.node.room.TimelineEntry;
import parley.protocol.Member;
import parley.protocol.Message;
import parley.protocol.ServerFrame.MessageFrame;

/**
 * The node-local fan-out hub: one per node. A room tells its news ({@link RoomNews}: each new timeline entry, its
 * moments, its members' presence) once to every hub that has subscribers for it; the hub frames each entry once and
 * hands it to this node's sessions in that room: through each session's {@link Lane} for the room, which writes it to
 * the socket when it is the next seq the client expects, else as a message to the session, which fills the gap.
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
 * <p>Long because the hub's fan-out and its presence batching share the subscriptions and the sessions' windows
 * ({@link HubBook}), so they stay in one actor.
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

  /** An entry rendered already as its frame: as a room's {@link RoomNews.Delivered} is, with no moments. */
  public record Deliver(String roomId, long seq, String frame) implements Command {}

  /** A member's presence changed: as a room's {@link RoomNews.PresenceUpdate}. */
  public record PresenceUpdate(String roomId, String username, boolean online, Instant lastSeen) implements Command {}

  /** What a room tells the hub (through the hub's adapter, {@link #news}). */
  private record FromRoom(RoomNews news) implements Command {}

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

  private final NodeMetrics metrics;
  /** The hub's address for rooms: what they tell it comes in as {@link FromRoom}. */
  private final ActorRef<RoomNews> news;

  private RoomHub(ActorContext<Command> context, TimerScheduler<Command> timers, Duration presenceWindow) {
    super(context);
    this.metrics = NodeMetrics.get(context.getSystem());
    this.timers = timers;
    this.sharding = ClusterSharding.get(context.getSystem());
    this.news = context.messageAdapter(RoomNews.class, FromRoom::new);
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
        .onMessage(Deliver.class, cmd ->
            deliver(cmd.roomId(), cmd.seq(), PreparedText.of(cmd.frame()), List.of(), 0, null, null))
        .onMessage(PresenceUpdate.class, this::onPresenceUpdate)
        .onMessage(FromRoom.class, cmd -> onNews(cmd.news()))
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

  /** What a room tells its hubs, turned into what the hub's sessions need. */
  private Behavior<Command> onNews(RoomNews news) {
    if (news instanceof RoomNews.Delivered d) {
      if (!rooms.containsKey(d.roomId())) {
        return Behaviors.same();
      }
      TimelineEntry e = d.entry();
      Message m = WireEntries.of(d.roomId(), e);
      // Rendered, encoded and framed once here, for every local member's socket; a removal's reason is its text.
      return deliver(d.roomId(), e.seq(), Frames.render(MessageFrame.of(m)), d.moments(),
          e.sentAt().toEpochMilli(), d.removes(),
          d.removes() == null ? null : new ClientSession.Removal(e.kind(), e.sender(), m.text()));
    } else if (news instanceof RoomNews.Gone g) {
      return deliver(g.roomId(), g.seq(), null, List.of(), 0, null,
          new ClientSession.Removal(TimelineEntry.DELETED, g.by(), null));
    } else if (news instanceof RoomNews.Relayed r) {
      return onRelay(r.roomId(), r.moments());
    } else if (news instanceof RoomNews.PresenceUpdate p) {
      return onPresenceUpdate(new PresenceUpdate(p.roomId(), p.username(), p.online(), p.lastSeen()));
    } else if (news instanceof RoomNews.Subscribed s) {
      return onSubscribed(s);
    }
    return Behaviors.same();
  }

  /**
   * An entry at {@code seq}, with the moments that ride ahead of it; {@code storedAt}: its sentAt in epoch
   * milliseconds (0: unknown), for the delivery latency metric; {@code removes}: the user it removes from the room
   * ({@code removal} says how), whose sessions get the entry, then nothing more of the room. A null {@code frame}:
   * the room is deleted, and every session of it is told ({@code removal}) and dropped.
   */
  private Behavior<Command> deliver(String roomId, long seq, PreparedText frame, List<RoomNews.Moment> held,
      long storedAt, String removes, ClientSession.Removal removal) {
    RoomSubscription sub = rooms.get(roomId);
    if (sub == null) {
      return Behaviors.same();
    }
    sub.lastSeq = Math.max(sub.lastSeq, seq);
    if (frame == null) {
      sub.sessions.values().forEach(member -> {
        member.local.rooms.remove(roomId);
        member.ref.tell(new ClientSession.RemovedFromRoom(roomId, seq, removal));
      });
      sub.sessions.clear();
      return Behaviors.same();
    }
    Moments moments = held.isEmpty() ? Moments.NONE : new Moments(held);
    ClientSession.Entry entry = null;
    for (Membership member : sub.sessions.values()) {
      Lane lane = member.lane;
      if (lane == null || !lane.tryWrite(seq, frame, moments)) {
        if (entry == null) {
          entry = new ClientSession.Entry(roomId, seq, frame);
        }
        moments.tellTo(member.local.username, member.ref);
        member.ref.tell(entry);
      }
    }
    if (removes != null) {
      sub.sessions.values().removeIf(member -> {
        if (removes.equals(member.local.username)) {
          member.local.rooms.remove(roomId);
          member.ref.tell(new ClientSession.RemovedFromRoom(roomId, seq, removal));
          return true;
        }
        return false;
      });
    }
    metrics.deliveries.increment(sub.sessions.size());
    if (storedAt > 0) {
      metrics.deliveryLatency.record(Math.max(0, System.currentTimeMillis() - storedAt), TimeUnit.MILLISECONDS);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRelay(String roomId, List<RoomNews.Moment> relayed) {
    RoomSubscription sub = rooms.get(roomId);
    if (sub == null || sub.sessions.isEmpty()) {
      return Behaviors.same();
    }
    // Framed once; written from here through each session's lane, like an entry (the session only when it cannot).
    Moments moments = new Moments(relayed);
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

  private Behavior<Command> onSubscribed(RoomNews.Subscribed cmd) {
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
      sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId).tell(new ChatRoom.UnsubscribeHub(news));
    }
  }

  private void subscribe(String roomId) {
    sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId).tell(new ChatRoom.SubscribeHub(news));
  }
}
