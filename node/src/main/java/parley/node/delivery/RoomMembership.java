package parley.node.delivery;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import parley.node.delivery.ClientSession.Command;
import parley.node.room.ChatRoom;
import parley.node.room.TimelineEntry;
import parley.protocol.RoomSummary;
import parley.protocol.ServerFrame;

/**
 * The session's rooms as the user's membership changes: a room added is announced with its summary before the session
 * follows it (a client never meets a room's entries before the room), a room lost is announced once however the news
 * comes, and a room that did not answer in time is followed once it does.
 */
final class RoomMembership {
  private final SessionCore core;
  private final RoomCursors cursors;
  /** Rooms added after hello whose summary the session is asking for, before it follows them. */
  private final Set<String> adding = new HashSet<>();

  RoomMembership(SessionCore core, RoomCursors cursors) {
    this.core = core;
    this.cursors = cursors;
  }

  /**
   * The user is in a room now (joined on any device, a DM opened by anyone, an invitation accepted): every connection
   * of the user is told with {@code room_added} and its summary, then follows the room from the join on, so that a
   * client never meets a room's entries before the room.
   */
  Behavior<Command> onRoomAdded(ClientSession.RoomAdded added) {
    String roomId = added.roomId();
    if (!core.rooms.containsKey(roomId) && adding.add(roomId)) {
      long readSeq = added.afterSeq() + 1;
      core.context.pipeToSelf(
          RoomSummaries.of(core.sharding, core.username, Map.of(roomId, readSeq), core.blocks(),
              core.settings.askTimeout()),
          (list, failure) -> new ClientSession.AddedSummary(roomId, added.afterSeq(),
              failure == null && !list.isEmpty() ? list.get(0) : RoomSummary.unavailable(roomId, readSeq)));
    }
    return Behaviors.same();
  }

  Behavior<Command> onAddedSummary(ClientSession.AddedSummary added) {
    if (!adding.remove(added.roomId()) || core.rooms.containsKey(added.roomId())) {
      return Behaviors.same(); // left again meanwhile, or followed already
    }
    if (!core.write(new ServerFrame.RoomAdded(added.summary()))) {
      return Behaviors.stopped();
    }
    cursors.track(added.roomId(), added.afterSeq(), added.afterSeq());
    return Behaviors.same();
  }

  Behavior<Command> onRemovedFromRoom(ClientSession.RemovedFromRoom removed) {
    boolean followed = cursors.drop(removed.roomId());
    core.startAfter.remove(removed.roomId());
    if (!followed) {
      return Behaviors.same();
    }
    return SessionCore.sameIf(tellRemoved(removed.roomId(), removed.removal()));
  }

  /** The {@code removed} or {@code room_deleted} frame; false if the socket is closed. */
  private boolean tellRemoved(String roomId, ClientSession.Removal removal) {
    ServerFrame frame = TimelineEntry.DELETED.equals(removal.reason())
        ? new ServerFrame.RoomDeleted(roomId)
        : new ServerFrame.Removed(roomId, removal.reason(), removal.by(), removal.text());
    return core.write(frame);
  }

  Behavior<Command> onRoomRemoved(ClientSession.RoomRemoved removed) {
    adding.remove(removed.roomId());
    boolean followed = cursors.drop(removed.roomId());
    boolean waiting = core.startAfter.remove(removed.roomId()) != null;
    if (followed || waiting) {
      core.hub.tell(new RoomHub.Unsubscribe(removed.roomId(), core.self()));
    }
    if (followed && removed.removal() != null && !tellRemoved(removed.roomId(), removed.removal())) {
      return Behaviors.stopped();
    }
    // Left on any device: every connection drops the room (a removal has its own frame, above).
    if (followed && removed.removal() == null && !core.write(new ServerFrame.RoomLeft(removed.roomId()))) {
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }

  Behavior<Command> onRetryTrack(ClientSession.RetryTrack retry) {
    core.context.pipeToSelf(
        core.room(retry.roomId())
            .<ChatRoom.GetResult>ask(r -> new ChatRoom.GetSummary(core.username, r), core.settings.askTimeout()),
        (result, failure) -> new ClientSession.TrackChecked(retry.roomId(), result, failure));
    return Behaviors.same();
  }

  Behavior<Command> onTrackChecked(ClientSession.TrackChecked checked) {
    String roomId = checked.roomId();
    if (core.rooms.containsKey(roomId)) {
      return Behaviors.same();
    }
    if (checked.result() instanceof ChatRoom.SummaryView v && v.isMember()) {
      // A room hello listed unavailable starts where the client is.
      Long start = core.startAfter.remove(roomId);
      long from = start == null ? v.lastSeq()
          : core.resumeAfter.containsKey(roomId) ? cursors.resumePoint(roomId, start, v.lastSeq())
          : Math.min(start, v.lastSeq()); // the user's read marker, which the room has reached unless state was lost
      if (from < 0) {
        return Behaviors.stopped();
      }
      cursors.track(roomId, from, v.lastSeq());
    } else if (checked.failure() != null) {
      core.timers.startSingleTimer("track-" + roomId, new ClientSession.RetryTrack(roomId), Duration.ofSeconds(1));
    } else {
      // Not a member (any more): the hub was asked to follow it before hello.
      core.startAfter.remove(roomId);
      core.hub.tell(new RoomHub.Unsubscribe(roomId, core.self()));
    }
    return Behaviors.same();
  }
}
