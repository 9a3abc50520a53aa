package parley.node.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;

/**
 * A session's sends that no room has answered yet, oldest first. One timer, armed for the oldest one's deadline and
 * not re-armed per send, tells the client of those no room answered in time: a send costs no timeout task of its own.
 */
final class SendsInFlight {
  record Send(String roomId, String clientMsgId, long deadline) {}

  private final ArrayDeque<Send> sends = new ArrayDeque<>();

  void add(String roomId, String clientMsgId, long deadlineNanos) {
    sends.addLast(new Send(roomId, clientMsgId, deadlineNanos));
  }

  int size() {
    return sends.size();
  }

  /**
   * The send a room answered, no longer in flight; null if it was not (answered after its deadline: the client
   * was told to send again, and its resend gets this seq). The oldest such send first: a resend may be in flight
   * with its first copy, and answers come mostly in order, so near the head. A clientMsgId may be null: the room
   * refuses such a send, naming none.
   */
  Send answered(String roomId, String clientMsgId) {
    Iterator<Send> it = sends.iterator();
    while (it.hasNext()) {
      Send s = it.next();
      if (s.roomId().equals(roomId) && Objects.equals(s.clientMsgId(), clientMsgId)) {
        it.remove();
        return s;
      }
    }
    return null;
  }

  /** The oldest send whose deadline has passed, taken out; null if none has. */
  Send overdue(long nowNanos) {
    Send oldest = sends.peekFirst();
    return oldest != null && oldest.deadline() - nowNanos <= 0 ? sends.pollFirst() : null;
  }

  /** How long until the oldest send's deadline, if any is in flight. */
  Optional<Duration> nextDeadline(long nowNanos) {
    Send oldest = sends.peekFirst();
    return oldest == null ? Optional.empty() : Optional.of(Duration.ofNanos(Math.max(0, oldest.deadline() - nowNanos)));
  }
}
