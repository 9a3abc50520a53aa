package parley.node.delivery;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Per room: what the client has been written, and what is waiting for a gap to fill. Shared with the hub as the
 * room's {@link Lane}: its fields are guarded by its lock, which the session holds whenever it reads or writes them
 * and around any frame it writes for the room, so that the hub cannot write between a seq and the one before it.
 */
final class Cursor implements Lane {
  /** Guards the fields below. The hub only tries it: an entry for a cursor the session holds goes to the session. */
  final ReentrantLock lock = new ReentrantLock();
  private final ClientSession.Outbound outbound;
  long delivered;
  long target;
  boolean fetching;
  /** System.nanoTime() of the last typing frame passed to the room (0: none since a stop); the session's alone. */
  long typingToldAt;
  /** No longer followed: the hub may still hold the lane until it takes the unsubscribe. */
  boolean dropped;
  final TreeMap<Long, PreparedText> buffered = new TreeMap<>();

  /** The session's user: their own typing is not written to them. */
  private final String me;

  Cursor(long delivered, ClientSession.Outbound outbound, String me) {
    this.me = me;
    this.delivered = delivered;
    this.target = delivered;
    this.outbound = outbound;
  }

  @Override
  public boolean tryWrite(long seq, PreparedText frame, Moments moments) {
    // Never waits: the hub serves every room of the node, and a session may hold its cursor for a page of history.
    if (!lock.tryLock()) {
      return false;
    }
    try {
      if (dropped || fetching || seq != delivered + 1 || !buffered.isEmpty()
          || !(moments.isEmpty() ? outbound.offer(frame) : outbound.offer(moments.forReader(me, frame)))) {
        return false;
      }
      delivered = seq;
      if (target < seq) {
        target = seq;
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean tryRelay(Moments moments) {
    List<PreparedText> mine = moments.forReader(me, null);
    if (mine.isEmpty()) {
      return true;
    }
    if (!lock.tryLock()) {
      return false;
    }
    try {
      return !dropped && outbound.offer(mine);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes through {@code send} the buffered entries that now follow on; false if {@code send} refused one (the
   * client is too slow). Called with the lock held.
   */
  boolean drainBuffered(Predicate<PreparedText> send) {
    while (!buffered.isEmpty() && buffered.firstKey() <= delivered + 1) {
      Map.Entry<Long, PreparedText> next = buffered.pollFirstEntry();
      if (next.getKey() == delivered + 1) {
        if (!send.test(next.getValue())) {
          return false;
        }
        delivered = next.getKey();
      }
    }
    return true;
  }
}
