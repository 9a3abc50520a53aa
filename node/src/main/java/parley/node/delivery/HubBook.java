package parley.node.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import parley.node.room.ChatRoom;

/**
 * What a {@link RoomHub} keeps of its rooms and its local sessions: per room, its sessions, the incarnation watched
 * and its log of presence changes; per session, its rooms and where it waits in each room's log. Plain state, read
 * and written only by the hub's actor.
 */
final class HubBook {
  private HubBook() {}

  /** Per room: local sessions, the incarnation watched, and the last seq seen (-1 until the room answers). */
  static final class RoomSubscription {
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
  record Logged(long n, ClientSession.PresenceChange change) {}

  /** A local session in one room; {@code from} >= 0 while it waits for that room's changes numbered from there. */
  static final class Membership {
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
  static final class LocalSession {
    final ActorRef<ClientSession.Command> ref;
    /** Whose session it is (a removal names the user); null where the subscriber did not say. */
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
}
