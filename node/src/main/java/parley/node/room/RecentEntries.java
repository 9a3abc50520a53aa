package parley.node.room;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A room's recent timeline entries, oldest first, kept in columns written in place: per entry its seq, time and where
 * its strings are, and the strings themselves (sender, clientMsgId, text) as UTF-8 in a {@link Utf8Ring}. An entry
 * added here leaves no object behind; one is made again only when history is read. Under fan-out, what recent entries
 * keep alive is most of what survives a young collection, copied at each until it is promoted, and a pause's length
 * follows what survives it (docs/benchmarks-rounds.md): a persistent queue of {@link TimelineEntry} would keep six
 * objects an entry (the entry, its text, id and time, and the queue's cells).
 *
 * <p>Messages (but replies), joins and leaves are kept so; an entry of any other kind (rarer: edits, reactions,
 * moderation) is kept as the record it is.
 *
 * <p>Mutable, like {@link SendWindow}: one incarnation's states share it, only that room's actor reads or writes it, in
 * event order, and snapshots copy it on the room's thread.
 *
 * <p>The columns start small and double up to the configured count, and the byte ring doubles when the entries it holds
 * do not fit, so a quiet room holds a few entries' worth. The ring does not shrink: a room keeps the space that its
 * largest run of recent entries took (at most the count times the largest message).
 */
final class RecentEntries {
  private static final int FIRST = 16;

  private static final byte MESSAGE = 0;
  private static final byte JOINED = 1;
  private static final byte LEFT = 2;
  /** Any other kind: the entry is in {@link #whole}. */
  private static final byte OTHER = 3;
  /** A message that mentions members: their names, space-separated, are stored with its strings. */
  private static final byte MENTIONING = 4;

  private long[] seqs;
  private long[] epochSeconds;
  private int[] nanos;
  private byte[] kinds;
  /** Where each entry's strings start in {@link #strings}; the next entry's start is where they end. */
  private int[] positions;
  /** The entries of kind {@link #OTHER}, by slot; null in the other slots. */
  private TimelineEntry[] whole;
  /** Slot of the oldest entry. */
  private int head;
  private int size;
  private final Utf8Ring strings = new Utf8Ring(256);

  RecentEntries() {
    allocate(FIRST);
  }

  int size() {
    return size;
  }

  /** The seq of the oldest entry kept; meaningless when there is none. */
  long oldestSeq() {
    return seqs[head];
  }

  /** Adds an entry, newest, and drops the oldest while more than {@code limit} (at least 1) are kept. */
  void add(TimelineEntry entry, int limit) {
    int keep = Math.max(1, limit);
    while (size >= keep) {
      dropOldest();
    }
    if (size == seqs.length) {
      allocate(Math.min(seqs.length * 2, Math.max(keep, seqs.length + 1)));
    }
    byte kind = kindCode(entry);
    int at = (head + size) % seqs.length;
    if (kind == OTHER) {
      whole[at] = entry;
      positions[at] = strings.end();
    } else if (entry instanceof TimelineEntry.Message m) {
      byte[] sender = Utf8Ring.utf8(m.sender());
      byte[] id = Utf8Ring.utf8(m.clientMsgId());
      byte[] text = Utf8Ring.utf8(m.text());
      positions[at] = kind == MENTIONING
          ? strings.append(sender, id, text, Utf8Ring.utf8(String.join(" ", m.mentions())))
          : strings.append(sender, id, text);
    } else {
      positions[at] = strings.append(Utf8Ring.utf8(entry.sender()));
    }
    seqs[at] = entry.seq();
    Instant sentAt = entry.sentAt();
    epochSeconds[at] = sentAt.getEpochSecond();
    nanos[at] = sentAt.getNano();
    kinds[at] = kind;
    size++;
  }

  /** Retention: drops the entries before {@code floor}. */
  void dropBefore(long floor) {
    while (size > 0 && seqs[head] < floor) {
      dropOldest();
    }
  }

  private void dropOldest() {
    whole[head] = null;
    int next = (head + 1) % seqs.length;
    strings.dropBefore(size > 1 ? positions[next] : strings.end());
    head = next;
    size--;
  }

  /** The entries with seq from {@code from} to {@code to}, both included, in order. */
  List<TimelineEntry> range(long from, long to) {
    List<TimelineEntry> out = new ArrayList<>(from > to ? 0 : (int) Math.min(size, to - from + 1));
    for (int k = 0; k < size; k++) {
      int at = (head + k) % seqs.length;
      long seq = seqs[at];
      if (seq > to) {
        break;
      }
      if (seq >= from) {
        out.add(entryAt(at));
      }
    }
    return out;
  }

  /** Every entry kept, oldest first. */
  List<TimelineEntry> all() {
    List<TimelineEntry> out = new ArrayList<>(size);
    for (int k = 0; k < size; k++) {
      out.add(entryAt((head + k) % seqs.length));
    }
    return out;
  }

  private TimelineEntry entryAt(int at) {
    Instant sentAt = Instant.ofEpochSecond(epochSeconds[at], nanos[at]);
    switch (kinds[at]) {
      case OTHER:
        return whole[at];
      case JOINED:
      case LEFT: {
        String[] fields = new String[1];
        strings.read(positions[at], fields);
        return kinds[at] == JOINED ? new TimelineEntry.Joined(seqs[at], fields[0], sentAt)
            : new TimelineEntry.Left(seqs[at], fields[0], sentAt);
      }
      default: {
        String[] fields = new String[kinds[at] == MENTIONING ? 4 : 3];
        strings.read(positions[at], fields);
        return new TimelineEntry.Message(seqs[at], fields[0], fields[2], sentAt, fields[1],
            kinds[at] == MENTIONING ? List.of(fields[3].split(" ")) : List.of(), null);
      }
    }
  }

  /** Columns of {@code capacity} with the entries in order from slot 0. */
  private void allocate(int capacity) {
    long[] newSeqs = new long[capacity];
    long[] newSeconds = new long[capacity];
    int[] newNanos = new int[capacity];
    byte[] newKinds = new byte[capacity];
    int[] newPositions = new int[capacity];
    TimelineEntry[] newWhole = new TimelineEntry[capacity];
    for (int k = 0; k < size; k++) {
      int from = (head + k) % seqs.length;
      newSeqs[k] = seqs[from];
      newSeconds[k] = epochSeconds[from];
      newNanos[k] = nanos[from];
      newKinds[k] = kinds[from];
      newPositions[k] = positions[from];
      newWhole[k] = whole[from];
    }
    seqs = newSeqs;
    epochSeconds = newSeconds;
    nanos = newNanos;
    kinds = newKinds;
    positions = newPositions;
    whole = newWhole;
    head = 0;
  }

  private static byte kindCode(TimelineEntry entry) {
    if (entry instanceof TimelineEntry.Message m && m.replyTo() == null) {
      return m.mentions().isEmpty() ? MESSAGE : MENTIONING;
    }
    if (entry instanceof TimelineEntry.Joined) {
      return JOINED;
    }
    if (entry instanceof TimelineEntry.Left) {
      return LEFT;
    }
    return OTHER;
  }
}
