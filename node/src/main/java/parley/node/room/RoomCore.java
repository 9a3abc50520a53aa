package parley.node.room;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import parley.node.NodeMetrics;
import parley.node.room.ChatRoom.Command;
import parley.node.room.ChatRoom.Event;
import parley.node.room.ChatRoom.GetResult;
import parley.node.room.ChatRoom.MemberView;
import parley.node.room.ChatRoom.Rejected;
import parley.node.room.ChatRoom.RoomView;
import parley.node.room.ChatRoom.Settings;

/**
 * What the room's handlers share: who the room is, its clock, its actor context and effects, its soft state (the
 * audience, the sends waiting for their write, the awareness), its I/O child, and the views and refusals that every
 * handler answers with. One per room incarnation, made by {@link RoomEntity}.
 */
final class RoomCore {
  final String roomId;
  final Settings settings;
  final ActorContext<Command> context;
  final EffectFactories<Event, RoomState> effects;
  final NodeMetrics metrics;
  final ClusterSharding sharding;
  /** The blocking dispatcher: passcode checks (BCrypt) run there. */
  final Executor blocking;
  /** Soft state: who listens (hubs), members' presence, the directory's listing. */
  final RoomAudience audience;
  /** Sends accepted but not yet written (see {@link RoomSends#onFlush}); never acknowledged before they are. */
  final PendingSends pending = new PendingSends();
  /** Soft state: typing, receipts, notifications (see {@link RoomAwareness}). */
  final RoomAwareness awareness;
  /** Soft state of a 1:1 DM: whether a member blocks the other (see {@link DmBlocks}). */
  final DmBlocks dmBlocks;
  private final Clock clock;
  private ActorRef<RoomIo.Command> io;

  RoomCore(String roomId, Settings settings, Clock clock, ActorContext<Command> context,
      EffectFactories<Event, RoomState> effects) {
    this.roomId = roomId;
    this.settings = settings;
    this.clock = clock;
    this.context = context;
    this.effects = effects;
    this.metrics = NodeMetrics.get(context.getSystem());
    this.sharding = ClusterSharding.get(context.getSystem());
    Members members = Members.of(context.getSystem());
    this.audience = new RoomAudience(roomId, context, sharding, members);
    this.awareness = new RoomAwareness(roomId, context, members, audience, settings);
    this.dmBlocks = new DmBlocks(members, context.getSelf());
    this.blocking =
        context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher"));
  }

  /** The room's I/O child, started on its first use: most rooms never erase, release or scan anything. */
  ActorRef<RoomIo.Command> io() {
    if (io == null) {
      io = context.spawn(RoomIo.create(roomId, context.getSelf()), "io",
          DispatcherSelector.fromConfig("parley.blocking-dispatcher"));
    }
    return io;
  }

  /** Erases the room's history and files, off the room; a failure is logged and done again at the next start. */
  void erase() {
    awareness.stopStoredMarkers();
    io().tell(RoomIo.EraseRoom.INSTANCE);
  }

  /**
   * Erases the journal rows, snapshots and files before the floor, off the room, once a snapshot from which the room
   * recovers without them is stored. Idempotent; a failure is logged and done again at the next trim or start.
   */
  void eraseBelowFloor(long floor) {
    io().tell(new RoomIo.EraseBelow(floor));
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** The seq the next event takes, after the sends waiting to be written. */
  long nextSeq(RoomState state) {
    return state.lastSeq + pending.size() + 1;
  }

  GetResult get(RoomState state, String asUser) {
    boolean member = state.isMember(asUser);
    if (state.info.hidden() && !member) {
      return ChatRoom.noSuchRoom();
    }
    return view(state, asUser);
  }

  RoomView view(RoomState state, String asUser) {
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
        state.floorSeq,
        ChatRoom.KIND_ROOM.equals(state.info.kind()) ? state.info.visibility() : null,
        ChatRoom.KIND_ROOM.equals(state.info.kind()) ? state.info.membersMayInvite() : null);
  }

  /** Why {@code user} may not act in the open room as a member (it is not theirs), or null. */
  static Rejected memberRefusal(RoomState state, String user) {
    return !state.isMember(user) ? outsider(state) : null;
  }

  static Rejected outsider(RoomState state) {
    return state.info.hidden() ? ChatRoom.noSuchRoom() : ChatRoom.notAMember();
  }
}
