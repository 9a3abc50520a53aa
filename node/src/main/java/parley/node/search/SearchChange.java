package parley.node.search;

/**
 * What one room event does to the index. Every change is idempotent, so a batch applied again after a crash (before
 * its offset was stored) leaves the index as it was.
 */
public sealed interface SearchChange {
  /** A message or file, new or edited: the document at its room and seq, replacing any there. */
  record Put(SearchDocument document) implements SearchChange {}

  /** A deleted message. */
  record Remove(String room, long seq) implements SearchChange {}

  /** A deleted room: all of it. */
  record RemoveRoom(String room) implements SearchChange {}

  /** Retention: every document of the room below {@code floorSeq}. */
  record RemoveBelow(String room, long floorSeq) implements SearchChange {}

  /** An account closed with its writing erased: every document of {@code sender} (lowercased), in every room. */
  record RemoveSender(String sender) implements SearchChange {}

  /**
   * A room event the index could not take (its room, the event's seq, why), recorded in the place of its changes so
   * that an operator can find it: the feed went on past it (see {@link FeedApply}).
   */
  record Skipped(String room, long seq, String reason) implements SearchChange {}
}
