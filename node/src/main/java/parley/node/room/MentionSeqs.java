package parley.node.room;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Per member, the seqs of the messages that mention them, ascending, the last {@link #KEPT} of each: what a
 * room summary's {@code mentions} count counts. Written in place, like {@link QuietSeqs}: only the room's actor
 * touches it, and snapshots copy it.
 */
final class MentionSeqs {
  static final int KEPT = 1000;

  private final Map<String, ArrayDeque<Long>> byUser = new HashMap<>();

  void add(String user, long seq) {
    ArrayDeque<Long> seqs = byUser.computeIfAbsent(user, u -> new ArrayDeque<>());
    seqs.addLast(seq);
    if (seqs.size() > KEPT) {
      seqs.removeFirst();
    }
  }

  /** The mentions of {@code user} after {@code afterSeq} (at most {@link #KEPT}). */
  long countAfter(String user, long afterSeq) {
    ArrayDeque<Long> seqs = byUser.get(user);
    if (seqs == null) {
      return 0;
    }
    long n = 0;
    for (Iterator<Long> it = seqs.descendingIterator(); it.hasNext() && it.next() > afterSeq; ) {
      n++;
    }
    return n;
  }

  void forget(String user) {
    byUser.remove(user);
  }

  Map<String, long[]> toMap() {
    Map<String, long[]> out = new HashMap<>();
    byUser.forEach((user, seqs) -> out.put(user, seqs.stream().mapToLong(Long::longValue).toArray()));
    return out;
  }

  static MentionSeqs fromMap(Map<String, long[]> map) {
    MentionSeqs m = new MentionSeqs();
    if (map != null) {
      map.forEach((user, seqs) -> {
        for (long seq : seqs) {
          m.add(user, seq);
        }
      });
    }
    return m;
  }
}
