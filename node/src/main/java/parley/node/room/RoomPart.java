package parley.node.room;

import java.time.Instant;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import parley.node.NodeMetrics;
import parley.node.room.ChatRoom.Command;
import parley.node.room.ChatRoom.Event;
import parley.node.room.ChatRoom.Rejected;
import parley.node.room.ChatRoom.RoomView;
import parley.node.room.ChatRoom.Settings;

/**
 * A group of the room's command handlers: it reads the room's shared parts ({@link RoomCore}) under the names the
 * handlers use, so that each group's handlers read as the entity's own.
 */
abstract class RoomPart {
  final RoomCore core;
  final String roomId;
  final Settings settings;
  final ActorContext<Command> context;
  final Executor blocking;
  final RoomAudience audience;
  final RoomAwareness awareness;
  final PendingSends pending;
  final NodeMetrics metrics;

  RoomPart(RoomCore core) {
    this.core = core;
    this.roomId = core.roomId;
    this.settings = core.settings;
    this.context = core.context;
    this.blocking = core.blocking;
    this.audience = core.audience;
    this.awareness = core.awareness;
    this.pending = core.pending;
    this.metrics = core.metrics;
  }

  final EffectFactories<Event, RoomState> Effect() {
    return core.effects;
  }

  final Instant now() {
    return core.now();
  }

  final long nextSeq(RoomState state) {
    return core.nextSeq(state);
  }

  final RoomView view(RoomState state, String asUser) {
    return core.view(state, asUser);
  }

  static Rejected noSuchRoom() {
    return ChatRoom.noSuchRoom();
  }

  static Rejected outsider(RoomState state) {
    return RoomCore.outsider(state);
  }
}
