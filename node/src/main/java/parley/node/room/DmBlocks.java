package parley.node.room;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Who blocks whom in a 1:1 DM, as the members' accounts say: the DM refuses the writes of a member the other blocks.
 * Soft state, like receipts: asked of the members when a send finds it unknown (after a restart, or a join) and told
 * by an account on each block and unblock. A send waits for the answer rather than slip past a block the room does
 * not know of yet.
 */
final class DmBlocks {
  /** A member's account that did not answer is asked again by the next send after this long. */
  static final Duration ASK_AGAIN_AFTER = Duration.ofSeconds(1);

  private final Members members;
  private final ActorRef<ChatRoom.Command> room;
  private final Map<String, Boolean> blocksOther = new HashMap<>();
  private final Map<String, Instant> asked = new HashMap<>();

  DmBlocks(Members members, ActorRef<ChatRoom.Command> room) {
    this.members = members;
    this.room = room;
  }

  /** What {@code user}'s account said; true when this answer lets waiting sends go. */
  boolean known(String user, boolean blocks) {
    asked.remove(user);
    return blocksOther.put(user, blocks) == null;
  }

  /**
   * Whether every member of the DM but {@code sender} has said; asks (again, once a second at most) those who did not.
   */
  boolean knownFor(String sender, Set<String> dmMembers, Instant now) {
    boolean known = true;
    for (String member : dmMembers) {
      if (!member.equals(sender) && !blocksOther.containsKey(member)) {
        known = false;
        Instant last = asked.get(member);
        if (last == null || !now.isBefore(last.plus(ASK_AGAIN_AFTER))) {
          asked.put(member, now);
          members.askBlock(member, sender, room);
        }
      }
    }
    return known;
  }

  /** The member of the DM who blocks {@code sender}, or null. */
  String blockerOf(String sender, Set<String> dmMembers) {
    for (String member : dmMembers) {
      if (!member.equals(sender) && Boolean.TRUE.equals(blocksOther.get(member))) {
        return member;
      }
    }
    return null;
  }

  /** A member left: what they said goes with them (a DM's member who comes back is asked again). */
  void forget(String user) {
    blocksOther.remove(user);
    asked.remove(user);
  }
}
