package parley.node.room;

import java.util.Arrays;

/**
 * The seqs of a room's entries that are not messages (joins, leaves), ascending, so that an unread count counts what a
 * person counts: the messages after their read marker. A growing array written in place, like {@link RecentEntries}:
 * only the room's actor touches it, and snapshots copy it. 8 bytes a join or leave.
 */
final class QuietSeqs {
  private long[] seqs = new long[8];
  private int size;

  void add(long seq) {
    if (size == seqs.length) {
      seqs = Arrays.copyOf(seqs, size * 2);
    }
    seqs[size++] = seq;
  }

  int size() {
    return size;
  }

  /** How many lie after {@code after} and at or before {@code upTo}. */
  long countBetween(long after, long upTo) {
    if (upTo <= after) {
      return 0;
    }
    return firstAbove(upTo) - firstAbove(after);
  }

  private int firstAbove(long seq) {
    int i = Arrays.binarySearch(seqs, 0, size, seq);
    return i >= 0 ? i + 1 : -i - 1;
  }

  /** As differences from the one before (small numbers), for the snapshot. */
  long[] deltas() {
    long[] out = new long[size];
    long previous = 0;
    for (int i = 0; i < size; i++) {
      out[i] = seqs[i] - previous;
      previous = seqs[i];
    }
    return out;
  }

  static QuietSeqs fromDeltas(long[] deltas) {
    QuietSeqs q = new QuietSeqs();
    long seq = 0;
    for (long d : deltas) {
      seq += d;
      q.add(seq);
    }
    return q;
  }
}
