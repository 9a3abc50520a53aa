package parley.node.room;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import parley.node.CborSerializable;

/**
 * What a room tells its listeners (one per node that has sessions in the room: see {@link ChatRoom.SubscribeHub}):
 * its new entries, its moments (typing, receipts), its members' presence, and that a listener is subscribed. Room
 * facts only: how a listener passes them on (frames, sockets, which sessions) is the listener's. Rooms and listeners
 * may be on different nodes, so every message is serializable.
 */
public sealed interface RoomNews extends CborSerializable {
  String roomId();

  /**
   * A new entry, with the room's moments held since its last word to the listeners (they go out ahead of the entry,
   * in the same write). {@code removes}: the user this entry removes from the room (kicked or banned), who gets the
   * entry and then nothing more of the room; null for most entries.
   */
  record Delivered(String roomId, TimelineEntry entry, List<Moment> moments, String removes) implements RoomNews {}

  /** The room was deleted by {@code by} (its tombstone is {@code seq}): every session of it is told, and dropped. */
  record Gone(String roomId, long seq, String by) implements RoomNews {}

  /** Moments that found no entry to ride with in time. */
  record Relayed(String roomId, List<Moment> moments) implements RoomNews {}

  /** A member's presence changed. */
  record PresenceUpdate(String roomId, String username, boolean online, Instant lastSeen) implements RoomNews {}

  /** The listener is subscribed to that incarnation of the room, whose last seq is {@code lastSeq}. */
  record Subscribed(String roomId, ActorRef<ChatRoom.Command> room, long lastSeq, boolean exists)
      implements RoomNews {}

  /**
   * Something of the moment from {@code from} (typing; receipts with {@code from} null), rendered once by the room
   * as the protocol's frame; not stored, and not for {@code from}'s own sessions; for the sessions of the users in
   * {@code to} only, unless it is null.
   */
  record Moment(String from, String frame, Set<String> to) {
    public Moment(String from, String frame) {
      this(from, frame, null);
    }

    /** Whether {@code reader}'s sessions are written it. */
    public boolean isFor(String reader) {
      return reader == null ? to == null : !reader.equals(from) && (to == null || to.contains(reader));
    }
  }
}
