package parley.node.room;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A room's dedupe window: its last sends (sender, clientMsgId, seq, sentAt), oldest first, found by sender and
 * clientMsgId. Kept in columns written in place, a ring of sends and an open-addressing index into it, with the strings
 * as UTF-8 in a {@link Utf8Ring}, so that a send adds no object of its own: a window holds its 10,000 sends long enough
 * for every young collection to copy whatever objects they keep until those are promoted, so under fan-out any object
 * per send (a key, a record, a map's nodes, even the entry's strings) is much of what survives a pause, and a pause's
 * length follows what survives it (docs/benchmarks-rounds.md). A lookup compares bytes only when the hashes match (the
 * hash is the strings', {@link #hash}).
 *
 * <p>Mutable, unlike the rest of a room's state: one incarnation's states share it, and only that room's actor reads
 * or writes it, in event order. Snapshots copy it on the room's thread ({@link RoomState#toSnapshot}).
 *
 * <p>The columns start small and double up to the window, so a quiet room (a DM) holds a few sends' worth.
 */
final class SendWindow {
  private static final int FIRST = 16;

  /** Where each send's sender and clientMsgId start in {@link #strings}; the next send's start is where they end. */
  private int[] positions;
  private final Utf8Ring strings = new Utf8Ring(256);
  private long[] seqs;
  private long[] sentAtMillis;
  private int[] hashes;
  /** Ring position of the oldest send. */
  private int head;
  private int size;
  /** Open addressing, linear probing: ring position + 1, 0 for an empty cell. Never more than half full. */
  private int[] index;

  SendWindow() {
    allocate(FIRST);
  }

  int size() {
    return size;
  }

  /** The earlier send with this sender and clientMsgId, if it is still in the window; null if not. */
  RoomState.Sent find(String sender, String clientMsgId) {
    int at = slotOf(sender, clientMsgId, hash(sender, clientMsgId));
    return at < 0 ? null : sendAt(at);
  }

  /**
   * Adds a send, newest, and drops the oldest while the window holds more than {@code window} (at least 1). The caller
   * never adds a send that is already in the window: a resend is answered from it, not stored.
   */
  void add(String sender, String clientMsgId, long seq, Instant sentAt, int window) {
    int limit = Math.max(1, window);
    while (size >= limit) {
      dropOldest();
    }
    if (size == seqs.length) {
      allocate(Math.min(Math.max(FIRST, seqs.length * 2), Math.max(limit, seqs.length + 1)));
    }
    int at = (head + size) % seqs.length;
    int h = hash(sender, clientMsgId);
    byte[] senderBytes = Utf8Ring.utf8(sender);
    byte[] idBytes = Utf8Ring.utf8(clientMsgId);
    positions[at] = strings.append(senderBytes, idBytes);
    seqs[at] = seq;
    sentAtMillis[at] = sentAt.toEpochMilli();
    hashes[at] = h;
    size++;
    int mask = index.length - 1;
    int i = h & mask;
    while (index[i] != 0) {
      i = (i + 1) & mask;
    }
    index[i] = at + 1;
  }

  /** Every send in the window, oldest first. */
  List<RoomState.Sent> sends() {
    List<RoomState.Sent> out = new ArrayList<>(size);
    for (int k = 0; k < size; k++) {
      out.add(sendAt((head + k) % seqs.length));
    }
    return out;
  }

  private RoomState.Sent sendAt(int at) {
    String[] fields = new String[2];
    strings.read(positions[at], fields);
    return new RoomState.Sent(fields[0], fields[1], seqs[at], Instant.ofEpochMilli(sentAtMillis[at]));
  }

  /** The ring slot of the send with this sender and clientMsgId, or -1. */
  private int slotOf(String sender, String clientMsgId, int h) {
    int mask = index.length - 1;
    byte[] senderBytes = null;
    byte[] idBytes = null;
    for (int i = h & mask; index[i] != 0; i = (i + 1) & mask) {
      int at = index[i] - 1;
      if (hashes[at] == h) {
        if (senderBytes == null) {
          senderBytes = Utf8Ring.utf8(sender);
          idBytes = Utf8Ring.utf8(clientMsgId);
        }
        if (strings.startsWith(positions[at], senderBytes, idBytes)) {
          return at;
        }
      }
    }
    return -1;
  }

  private void dropOldest() {
    int at = head;
    int mask = index.length - 1;
    int i = hashes[at] & mask;
    while (index[i] != at + 1) {
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: move up each later entry of the run whose home is not between the hole and it.
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      int moved = index[j];
      if (moved == 0) {
        break;
      }
      int home = hashes[moved - 1] & mask;
      boolean staysPut = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!staysPut) {
        index[i] = moved;
        i = j;
      }
    }
    index[i] = 0;
    int next = (head + 1) % seqs.length;
    strings.dropBefore(size > 1 ? positions[next] : strings.end());
    head = next;
    size--;
  }

  /** New columns of {@code capacity} with the sends in order from position 0, and an index for them. */
  private void allocate(int capacity) {
    int[] newPositions = new int[capacity];
    long[] newSeqs = new long[capacity];
    long[] newSentAt = new long[capacity];
    int[] newHashes = new int[capacity];
    for (int k = 0; k < size; k++) {
      int from = (head + k) % seqs.length;
      newPositions[k] = positions[from];
      newSeqs[k] = seqs[from];
      newSentAt[k] = sentAtMillis[from];
      newHashes[k] = hashes[from];
    }
    positions = newPositions;
    seqs = newSeqs;
    sentAtMillis = newSentAt;
    hashes = newHashes;
    head = 0;
    index = new int[Integer.highestOneBit(Math.max(2, capacity) - 1) << 2];
    int mask = index.length - 1;
    for (int k = 0; k < size; k++) {
      int i = hashes[k] & mask;
      while (index[i] != 0) {
        i = (i + 1) & mask;
      }
      index[i] = k + 1;
    }
  }

  private static int hash(String sender, String clientMsgId) {
    int h = (sender.hashCode() * 31 + clientMsgId.hashCode()) * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
