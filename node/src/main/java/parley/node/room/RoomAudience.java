package parley.node.room;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import parley.node.room.RoomNews.Moment;
import parley.protocol.Json;
import parley.protocol.ServerFrame;

/**
 * Who listens to a room, all soft state of the room's actor, rebuilt after a restart: the hubs (one per node with
 * subscribers) that get its {@link RoomNews}: its live entries and its members' presence changes, the members' presence as their user
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
  private final Set<ActorRef<RoomNews>> hubs = new HashSet<>();
  private final Map<String, ChatRoom.MemberView> presence = new HashMap<>();
  /** Members who joined and whose presence the room has not learnt yet (see {@link #announceWhenKnown}). */
  private final Set<String> announce = new HashSet<>();
  private boolean onlineReportScheduled;
  /** Frames of the moment not sent yet: they ride with the next entry, or go alone {@link #MOMENTS_HOLD} on. */
  private final List<Moment> moments = new ArrayList<>();
  /** System.nanoTime() when the earliest flush scheduled falls due; 0 when none is. */
  private long momentsFlushDue;
  private final Members members;

  RoomAudience(String roomId, ActorContext<ChatRoom.Command> context, ClusterSharding sharding, Members members) {
    this.roomId = roomId;
    this.context = context;
    this.sharding = sharding;
    this.members = members;
  }

  /** A node's hub follows the room (idempotent): it is told the room's last seq, and the room watches it. */
  void subscribe(ActorRef<RoomNews> hub, RoomState state) {
    if (hubs.add(hub)) {
      context.watchWith(hub, new ChatRoom.HubTerminated(hub));
    }
    hub.tell(new RoomNews.Subscribed(roomId, context.getSelf(), state.lastSeq, state.exists()));
    reportToDirectory(state);
  }

  void unsubscribe(ActorRef<RoomNews> hub) {
    if (hubs.remove(hub)) {
      context.unwatch(hub);
    }
  }

  void hubTerminated(ActorRef<RoomNews> hub) {
    hubs.remove(hub);
  }

  /** A new entry goes once to every hub, which frames it once for its node's sessions. */
  void publish(TimelineEntry entry) {
    if (hubs.isEmpty()) {
      return;
    }
    RoomNews news;
    if (entry instanceof TimelineEntry.RoomDeleted) {
      // No entry to show: every hub tells its sessions of the room that it is gone, and drops them.
      takeMoments();
      news = new RoomNews.Gone(roomId, entry.seq(), entry.sender());
    } else {
      String removes = entry instanceof TimelineEntry.Kicked k ? k.user()
          : entry instanceof TimelineEntry.Banned b ? b.user() : null;
      news = new RoomNews.Delivered(roomId, entry, takeMoments(), removes);
    }
    for (ActorRef<RoomNews> hub : hubs) {
      hub.tell(news);
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
  void relayReceipts(String json, Set<String> to) {
    if (hubs.isEmpty()) {
      return;
    }
    moments.add(new Moment(null, json, to == null ? null : Set.copyOf(to)));
    flushWithin(RECEIPTS_HOLD);
  }

  /** The same, for a frame rendered already. */
  void relay(String from, String json) {
    if (hubs.isEmpty()) {
      return;
    }
    moments.add(new Moment(from, json));
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
    RoomNews.Relayed relay = new RoomNews.Relayed(roomId, takeMoments());
    for (ActorRef<RoomNews> hub : hubs) {
      hub.tell(relay);
    }
  }

  private List<Moment> takeMoments() {
    if (moments.isEmpty()) {
      return List.of();
    }
    List<Moment> taken = List.copyOf(moments);
    moments.clear();
    return taken;
  }

  private static String render(ServerFrame frame) {
    try {
      return Json.mapper().writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  void askPresence(String user) {
    members.askPresence(user, context.getSelf());
  }

  /**
   * A member who just joined: their presence goes to the hubs as soon as the room learns it, so that the others see
   * the newcomer online at once (a member known from before is told only when their presence changes).
   */
  void announceWhenKnown(String member) {
    announce.add(member);
  }

  /**
   * A member came or went: hubs pass it to their sessions; the online count goes to the directory soon. True if the
   * member was known online and is now offline (their last connection closed).
   */
  boolean presenceChanged(RoomState state, ChatRoom.PresenceChanged cmd) {
    if (!state.isMember(cmd.user())) {
      announce.remove(cmd.user());
      return false;
    }
    ChatRoom.MemberView next = new ChatRoom.MemberView(cmd.user(), cmd.online(), cmd.lastSeen());
    ChatRoom.MemberView previous = presence.put(cmd.user(), next);
    boolean newcomer = announce.remove(cmd.user());
    if ((previous != null && !previous.equals(next)) || (previous == null && newcomer)) {
      for (ActorRef<RoomNews> hub : hubs) {
        hub.tell(new RoomNews.PresenceUpdate(roomId, cmd.user(), cmd.online(), cmd.lastSeen()));
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
    announce.remove(member);
  }

  /**
   * Online counts are soft and change with every member's connection. When every client of a node reconnects at
   * once, one report per change (100 per room of 100) would overflow the directory's stash while it persists a
   * listing, and reports would be dropped: the room sends its count once per second at most.
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

  /** The room is deleted: the directory lists it no more (as a room with no members). */
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
    if (!RoomInfo.PUBLIC.equals(state.info.visibility())) {
      // Unlisted or private: listed as a room with nobody in it (never shown), under no name.
      sharding.entityRefFor(RoomDirectory.ENTITY_KEY, RoomDirectory.ID).tell(new RoomDirectory.Report(
          new RoomDirectory.Listing(roomId, "", 0, 0, false, state.info.capacity())));
      return;
    }
    int online = (int) presence.values().stream().filter(ChatRoom.MemberView::online).count();
    sharding.entityRefFor(RoomDirectory.ENTITY_KEY, RoomDirectory.ID).tell(new RoomDirectory.Report(
        new RoomDirectory.Listing(roomId, state.info.name(), state.members.size(), online,
            state.info.passcodeHash() != null, state.info.capacity())));
  }
}
