package parley.node.room;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A room's recent timeline entries, oldest first, kept in columns written in place: per entry its seq, time and where
 * its strings are, and the strings themselves (sender, clientMsgId, text) as UTF-8 in a {@link Utf8Ring}. An entry
 * added here leaves no object behind; one is made again only when history is read. As a persistent queue of {@link
 * TimelineEntry}, each entry kept six objects alive (the entry, its text, id and time, and the queue's cells), and
 * every young collection copied them until they were promoted: under fan-out that was most of what survived a pause,
 * and a pause's length follows what survives it (docs/benchmarks-rounds.md, the round of 11:33 UTC on 11-24).
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
  /**
   * Any other kind: its name is stored with the entry's strings, and (v1.1, moderation) its user, role, capacity and
   * passcode flag as strings.
   */
  private static final byte OTHER = 3;
  /** A message that mentions members: their names, space-separated, are stored with its strings. */
  private static final byte MENTIONING = 4;

  private long[] seqs;
  private long[] epochSeconds;
  private int[] nanos;
  private byte[] kinds;
  /** Where each entry's strings start in {@link #strings}; the next entry's start is where they end. */
  private int[] positions;
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
    byte kind = entry.hasMore() ? OTHER : kindCode(entry.kind());
    if (kind == MESSAGE && !entry.mentions().isEmpty()) {
      kind = MENTIONING;
    }
    byte[] sender = Utf8Ring.utf8(entry.sender());
    byte[] id = Utf8Ring.utf8(entry.clientMsgId());
    byte[] text = Utf8Ring.utf8(entry.text());
    int at = (head + size) % seqs.length;
    if (kind == OTHER) {
      byte[] name = Utf8Ring.utf8(entry.kind());
      positions[at] = strings.append(sender, id, text, name, Utf8Ring.utf8(entry.user()), Utf8Ring.utf8(entry.role()),
          Utf8Ring.utf8(entry.capacity() == null ? null : entry.capacity().toString()),
          Utf8Ring.utf8(entry.passcode() == null ? null : entry.passcode().toString()),
          Utf8Ring.utf8(entry.target() == null ? null : entry.target().toString()),
          Utf8Ring.utf8(entry.replyTo() == null ? null : entry.replyTo().toString()),
          Utf8Ring.utf8(entry.mentions().isEmpty() ? null : String.join(" ", entry.mentions())),
          Utf8Ring.utf8(entry.on() == null ? null : entry.on().toString()),
          Utf8Ring.utf8(entry.retention() == null ? null : retentionText(entry.retention())),
          Utf8Ring.utf8(entry.file() == null ? null : fileText(entry.file())));
    } else if (kind == MENTIONING) {
      positions[at] = strings.append(sender, id, text, Utf8Ring.utf8(String.join(" ", entry.mentions())));
    } else {
      positions[at] = strings.append(sender, id, text);
    }
    seqs[at] = entry.seq();
    Instant sentAt = entry.sentAt();
    epochSeconds[at] = sentAt.getEpochSecond();
    nanos[at] = sentAt.getNano();
    kinds[at] = kind;
    size++;
  }

  /** v1.1, retention: drops the entries before {@code floor}. */
  void dropBefore(long floor) {
    while (size > 0 && seqs[head] < floor) {
      dropOldest();
    }
  }

  private void dropOldest() {
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
    String[] fields = new String[kinds[at] == OTHER ? 14 : kinds[at] == MENTIONING ? 4 : 3];
    strings.read(positions[at], fields);
    if (kinds[at] == MENTIONING) {
      Instant sentAt = Instant.ofEpochSecond(epochSeconds[at], nanos[at]);
      return new TimelineEntry(seqs[at], TimelineEntry.MESSAGE, fields[0], fields[2], sentAt, fields[1],
          List.of(fields[3].split(" ")));
    }
    String kind = switch (kinds[at]) {
      case MESSAGE -> TimelineEntry.MESSAGE;
      case JOINED -> TimelineEntry.JOINED;
      case LEFT -> TimelineEntry.LEFT;
      default -> fields[3];
    };
    Instant sentAt = Instant.ofEpochSecond(epochSeconds[at], nanos[at]);
    if (kinds[at] == OTHER) {
      return new TimelineEntry(seqs[at], kind, fields[0], fields[2], sentAt, fields[1],
          fields[10] == null ? List.of() : List.of(fields[10].split(" ")), fields[4], fields[5],
          fields[6] == null ? null : Integer.valueOf(fields[6]), fields[7] == null ? null : Boolean.valueOf(fields[7]),
          fields[8] == null ? null : Long.valueOf(fields[8]), fields[9] == null ? null : Long.valueOf(fields[9]),
          fields[11] == null ? null : Boolean.valueOf(fields[11]), retention(fields[12]), file(fields[13]));
    }
    return new TimelineEntry(seqs[at], kind, fields[0], fields[2], sentAt, fields[1]);
  }

  /** Columns of {@code capacity} with the entries in order from slot 0. */
  private void allocate(int capacity) {
    long[] newSeqs = new long[capacity];
    long[] newSeconds = new long[capacity];
    int[] newNanos = new int[capacity];
    byte[] newKinds = new byte[capacity];
    int[] newPositions = new int[capacity];
    for (int k = 0; k < size; k++) {
      int from = (head + k) % seqs.length;
      newSeqs[k] = seqs[from];
      newSeconds[k] = epochSeconds[from];
      newNanos[k] = nanos[from];
      newKinds[k] = kinds[from];
      newPositions[k] = positions[from];
    }
    seqs = newSeqs;
    epochSeconds = newSeconds;
    nanos = newNanos;
    kinds = newKinds;
    positions = newPositions;
    head = 0;
  }

  /** A file's id, size, type and digest, then its name (which holds no control character), tab-separated. */
  private static String fileText(parley.protocol.FileRef f) {
    return f.id() + "\t" + f.size() + "\t" + f.contentType() + "\t" + f.sha256() + "\t" + f.name();
  }

  private static parley.protocol.FileRef file(String text) {
    if (text == null) {
      return null;
    }
    String[] p = text.split("\t", 5);
    return new parley.protocol.FileRef(p[0], p[4], Long.parseLong(p[1]), p[2], p[3]);
  }

  private static String retentionText(parley.protocol.Retention r) {
    return (r.maxMessages() == null ? "" : r.maxMessages().toString()) + ","
        + (r.maxAgeDays() == null ? "" : r.maxAgeDays().toString());
  }

  private static parley.protocol.Retention retention(String text) {
    if (text == null) {
      return null;
    }
    int comma = text.indexOf(',');
    String messages = text.substring(0, comma);
    String days = text.substring(comma + 1);
    return new parley.protocol.Retention(messages.isEmpty() ? null : Integer.valueOf(messages),
        days.isEmpty() ? null : Integer.valueOf(days));
  }

  private static byte kindCode(String kind) {
    if (TimelineEntry.MESSAGE.equals(kind)) {
      return MESSAGE;
    }
    if (TimelineEntry.JOINED.equals(kind)) {
      return JOINED;
    }
    if (TimelineEntry.LEFT.equals(kind)) {
      return LEFT;
    }
    return OTHER;
  }
}
