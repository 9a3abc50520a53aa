package parley.client.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Each member's delivered and read markers in one room (read -1: they hide it), as the server last told. */
final class Receipts {
  private final Map<String, long[]> byUser = new HashMap<>();

  /** Where {@code user} is in the room (readSeq null: they hide it). */
  void told(String user, long deliveredSeq, Long readSeq) {
    long[] r = byUser.computeIfAbsent(user, u -> new long[] {0, 0});
    r[0] = Math.max(r[0], deliveredSeq);
    r[1] = readSeq == null ? -1 : Math.max(r[1], readSeq);
  }

  /**
   * {@code user} posted at {@code seq}: they have it and have read up to it (the server counts it so, and sends no
   * receipt for it). Raised only for a member whose receipts are known, and their read marker only if shown.
   */
  void wrote(String user, long seq) {
    long[] r = byUser.get(user);
    if (r != null) {
      r[0] = Math.max(r[0], seq);
      if (r[1] >= 0) {
        r[1] = Math.max(r[1], seq);
      }
    }
  }

  /**
   * What became of {@code me}'s message at {@code seq}, among {@code members} (everyone told of, if unknown):
   * "sent", "delivered", "read" (a DM: the other read it) or "read k/n" (a room: k of the n others); null while
   * receipts are unknown.
   */
  String of(long seq, String me, Collection<String> members, boolean dm) {
    if (byUser.isEmpty()) {
      return null;
    }
    int others = 0;
    int delivered = 0;
    int read = 0;
    for (String member : members.isEmpty() ? byUser.keySet() : members) {
      if (member.equals(me)) {
        continue;
      }
      others++;
      long[] r = byUser.get(member);
      if (r != null && r[1] >= seq) {
        read++;
        delivered++;
      } else if (r != null && r[0] >= seq) {
        delivered++;
      }
    }
    if (read > 0) {
      return dm ? "read" : "read " + read + "/" + others;
    }
    return delivered > 0 ? "delivered" : "sent";
  }
}
