package parley.node.room;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import parley.node.delivery.RoomHub;
import parley.node.user.UserAccount;
import parley.protocol.Json;
import parley.protocol.ServerFrame;

/**
 * Who listens to a room, all soft state of the room's actor, rebuilt after a restart: the hubs (one per node with
 * subscribers) that get its live entries and its members' presence changes, the members' presence as their user
 * entities last reported it (asked again on recovery and on each join), and the listing the room reports to the
 * {@link RoomDirectory}.
 */
final class RoomAudience {
  /**
   * How long typing and receipts wait for an entry to ride with: in a busy room they cost a connection no write of
   * their own; in a quiet one they are this late.
   */
  static final Duration MOMENTS_HOLD = Duration.ofMillis(50);
  /**
   * How long a room's receipts (a second's moves, told once a second) wait for an entry to ride with: in a room that
   * has a message every quarter second they never cost a connection a write of their own.
   */
  static final Duration RECEIPTS_HOLD = Duration.ofMillis(250);

  private final String roomId;
  private final ActorContext<ChatRoom.Command> context;
  private final ClusterSharding sharding;
  private final Set<ActorRef<RoomHub.Command>> hubs = new HashSet<>();
  private final Map<String, ChatRoom.MemberView> presence = new HashMap<>();
  private boolean onlineReportScheduled;
  /** Frames of the moment not sent yet: they ride with the next entry, or go alone {@link #MOMENTS_HOLD} on. */
  private final List<RoomHub.Moment> moments = new ArrayList<>();
  /** System.nanoTime() when the earliest flush scheduled falls due; 0 when none is. */
  private long momentsFlushDue;
  private ActorRef<UserAccount.PresenceView> presenceAnswers;

  RoomAudience(String roomId, ActorContext<ChatRoom.Command> context, ClusterSharding sharding) {
    this.roomId = roomId;
    this.context = context;
    this.sharding = sharding;
  }

  /** A node's hub follows the room (idempotent): it is told the room's last seq, and the room watches it. */
  void subscribe(ActorRef<RoomHub.Command> hub, RoomState state) {
    if (hubs.add(hub)) {
      context.watchWith(hub, new ChatRoom.HubTerminated(hub));
    }
    hub.tell(new RoomHub.Subscribed(roomId, context.getSelf(), state.lastSeq, state.exists()));
    reportToDirectory(state);
  }

  void unsubscribe(ActorRef<RoomHub.Command> hub) {
    if (hubs.remove(hub)) {
      context.unwatch(hub);
    }
  }

  void hubTerminated(ActorRef<RoomHub.Command> hub) {
    hubs.remove(hub);
  }

  /** Renders the wire frame once; every hub and session forwards the same text. */
  void publish(TimelineEntry entry) {
    if (hubs.isEmpty()) {
      return;
    }
    if (TimelineEntry.DELETED.equals(entry.kind())) {
      // v1.1: no entry to show; every hub tells its sessions of the room that it is gone, and drops them.
      RoomHub.Deliver gone = new RoomHub.Deliver(roomId, entry.seq(), null, takeMoments(), 0, null,
          new parley.node.delivery.ClientSession.Removal(entry.kind(), entry.sender(), null));
      hubs.forEach(hub -> hub.tell(gone));
      return;
    }
    boolean removal = TimelineEntry.KICKED.equals(entry.kind()) || TimelineEntry.BANNED.equals(entry.kind());
    RoomHub.Deliver deliver = new RoomHub.Deliver(roomId, entry.seq(),
        render(ServerFrame.MessageFrame.of(entry.toWire(roomId))), takeMoments(), entry.sentAt().toEpochMilli(),
        removal ? entry.user() : null,
        removal ? new parley.node.delivery.ClientSession.Removal(entry.kind(), entry.sender(), entry.text()) : null);
    for (ActorRef<RoomHub.Command> hub : hubs) {
      hub.tell(deliver);
    }
  }

  /**
   * Something of the moment (typing from {@code from}, receipts with {@code from} null), not an entry: rendered once,
   * passed by every hub to its sessions in the room except {@code from}'s own, with the next entry or within
   * {@link #MOMENTS_HOLD}. Never stored here; lost, not retried, if a hub is gone.
   */
  void relay(String from, ServerFrame frame) {
    if (!hubs.isEmpty()) {
      relay(from, render(frame));
    }
  }

  /**
   * The room's receipts, for the sessions of the users in {@code to} only (null: every member's): as
   * {@link #relay(String, String)}, held up to {@link #RECEIPTS_HOLD}.
   */
  void relayReceipts(String json, java.util.Set<String> to) {
    if (hubs.isEmpty()) {
      return;
    }
    moments.add(new RoomHub.Moment(null, json, to == null ? null : java.util.Set.copyOf(to)));
    flushWithin(RECEIPTS_HOLD);
  }

  /** The same, for a frame rendered already. */
  void relay(String from, String json) {
    if (hubs.isEmpty()) {
      return;
    }
    moments.add(new RoomHub.Moment(from, json));
    flushWithin(MOMENTS_HOLD);
  }

  /** What is held goes out by {@code hold} from now at the latest (with an entry, or alone then). */
  private void flushWithin(Duration hold) {
    long due = System.nanoTime() + hold.toNanos();
    if (momentsFlushDue == 0 || due - momentsFlushDue < 0) {
      // A later flush already scheduled stays: it finds nothing, or what came after this one, early.
      momentsFlushDue = due;
      context.scheduleOnce(hold, context.getSelf(), ChatRoom.FlushMoments.INSTANCE);
    }
  }

  /** The hold is over: what no entry took goes alone. */
  void flushMoments() {
    momentsFlushDue = 0;
    if (moments.isEmpty()) {
      return;
    }
    RoomHub.Relay relay = new RoomHub.Relay(roomId, takeMoments());
    for (ActorRef<RoomHub.Command> hub : hubs) {
      hub.tell(relay);
    }
  }

  private List<RoomHub.Moment> takeMoments() {
    if (moments.isEmpty()) {
      return List.of();
    }
    List<RoomHub.Moment> taken = List.copyOf(moments);
    moments.clear();
    return taken;
  }

  private static String render(ServerFrame frame) {
    try {
      return Json.mapper().writeValueAsString(frame);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  void askPresence(String user) {
    if (presenceAnswers == null) {
      // One adapter for every ask (a room asks each member after a restart).
      presenceAnswers = context.messageAdapter(
          UserAccount.PresenceView.class, p -> new ChatRoom.PresenceChanged(p.username(), p.online(), p.lastSeen()));
    }
    sharding.entityRefFor(UserAccount.ENTITY_KEY, user).tell(new UserAccount.GetPresence(presenceAnswers));
  }

  /** A member came or went: hubs pass it to their sessions; the online count goes to the directory soon. */
  /** True if the member was known online and is now offline (their last connection closed). */
  boolean presenceChanged(RoomState state, ChatRoom.PresenceChanged cmd) {
    if (!state.isMember(cmd.user())) {
      return false;
    }
    ChatRoom.MemberView next = new ChatRoom.MemberView(cmd.user(), cmd.online(), cmd.lastSeen());
    ChatRoom.MemberView previous = presence.put(cmd.user(), next);
    if (previous != null && !previous.equals(next)) {
      for (ActorRef<RoomHub.Command> hub : hubs) {
        hub.tell(new RoomHub.PresenceUpdate(roomId, cmd.user(), cmd.online(), cmd.lastSeen()));
      }
    }
    if (previous == null || previous.online() != next.online()) {
      reportOnlineSoon();
    }
    return previous != null && previous.online() && !next.online();
  }

  ChatRoom.MemberView presenceOf(String member) {
    return presence.getOrDefault(member, new ChatRoom.MemberView(member, false, null));
  }

  void forget(String member) {
    presence.remove(member);
  }

  /**
   * Online counts are soft and change with every member's connection: when every client of a node reconnects
   * at once, one report per change (100 per room of 100) overflowed the directory's stash while it was
   * persisting a listing, and reports were dropped. The room sends its count once per second at most.
   */
  private void reportOnlineSoon() {
    if (!onlineReportScheduled) {
      onlineReportScheduled = true;
      context.scheduleOnce(ChatRoom.ONLINE_REPORT_EVERY, context.getSelf(), ChatRoom.ReportOnline.INSTANCE);
    }
  }

  void reportOnlineNow(RoomState state) {
    onlineReportScheduled = false;
    reportToDirectory(state);
  }

  /** v1.1: the room is deleted: the directory lists it no more (as a room with no members). */
  void unlist(RoomState state) {
    if (state.exists() && ChatRoom.KIND_ROOM.equals(state.info.kind())) {
      sharding.entityRefFor(RoomDirectory.ENTITY_KEY, RoomDirectory.ID).tell(new RoomDirectory.Report(
          new RoomDirectory.Listing(roomId, state.info.name(), 0, 0, state.info.passcodeHash() != null,
              state.info.capacity())));
    }
  }

  void reportToDirectory(RoomState state) {
    if (!state.exists() || !ChatRoom.KIND_ROOM.equals(state.info.kind())) {
      return;
    }
    int online = (int) presence.values().stream().filter(ChatRoom.MemberView::online).count();
    sharding.entityRefFor(RoomDirectory.ENTITY_KEY, RoomDirectory.ID).tell(new RoomDirectory.Report(
        new RoomDirectory.Listing(roomId, state.info.name(), state.members.size(), online,
            state.info.passcodeHash() != null, state.info.capacity())));
  }
}
