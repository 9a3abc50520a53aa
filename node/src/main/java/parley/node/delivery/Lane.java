package parley.node.delivery;


/**
 * A followed room's live path into the socket, for the node's hub. An entry that is the next seq the client
 * expects, while nothing is fetched or waits for a gap in that room, is written to the socket there and then, on
 * the hub's thread: no message to the session, whose mailbox, scheduling and state then cost a delivery nothing.
 * Anything else (a gap, a catch-up under way, a full buffer, a room no longer followed) is the session's: the hub
 * tells it the entry, and the session decides as it always did (buffer and fetch, or close with 1008).
 */
public interface Lane {
  /** True if the entry was queued on the socket; false if the session must be told it. */
  default boolean tryWrite(long seq, PreparedText frame) {
    return tryWrite(seq, frame, Moments.NONE);
  }

  /**
   * The entry with the room's frames of the moment that ride with it, queued together (the moments first): true if
   * queued; false if the session must be told them all.
   */
  boolean tryWrite(long seq, PreparedText frame, Moments moments);

  /**
   * The room's frames of the moment (typing from a member, receipts), queued together, in no order with the entries:
   * true if queued on the socket or none is for this client (their own typing is left out); false if the session must
   * be told them.
   */
  boolean tryRelay(Moments moments);
}
