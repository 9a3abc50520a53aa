package parley.node.room;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What a room asks of its members' accounts, in the room's own terms: their presence and their markers (soft state
 * the room keeps, asked again after a restart and on each join), and a notification of a stored message that is for
 * them. Accounts send through rooms, so a room that imported the account would close a cycle; instead the user
 * package implements this port and the node's wiring registers it ({@link #register}) before any room starts.
 */
public interface Members {
  /** Answered with {@link ChatRoom.PresenceChanged} to {@code room}. */
  void askPresence(String member, ActorRef<ChatRoom.Command> room);

  /** Answered with {@link ChatRoom.MarkersMoved} (as asked) to {@code room}. */
  void askMarkers(String member, String roomId, ActorRef<ChatRoom.Command> room);

  /** Answered with {@link ChatRoom.BlockKnown} to {@code room}: whether {@code member} blocks {@code other}. */
  void askBlock(String member, String other, ActorRef<ChatRoom.Command> room);

  /** A stored message for {@code member}: one that mentions them, or one in their DM. Told, never answered. */
  void notify(String member, Notice notice);

  /** {@code mention}: the message names the member; otherwise it came in their DM. */
  record Notice(String roomId, long seq, String sender, boolean mention, String excerpt) {}

  /** The node's accounts, as every room of {@code system} will ask them. */
  static void register(ActorSystem<?> system, Members members) {
    Registry.ID.apply(system).members = members;
  }

  /** The accounts registered for {@code system}; a room cannot work without them. */
  static Members of(ActorSystem<?> system) {
    Members members = Registry.ID.apply(system).members;
    if (members == null) {
      throw new IllegalStateException("no Members registered: the wiring registers the accounts before rooms start");
    }
    return members;
  }

  /** Holds the one registration of a system. */
  final class Registry implements Extension {
    private static final ExtensionId<Registry> ID = new ExtensionId<>() {
      @Override
      public Registry createExtension(ActorSystem<?> system) {
        return new Registry();
      }
    };

    private volatile Members members;

    private Registry() {}
  }
}
