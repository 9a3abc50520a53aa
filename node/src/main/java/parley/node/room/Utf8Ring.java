package parley.node.room;

import java.nio.charset.StandardCharsets;
import parley.node.Validation;

/**
 * Strings kept as UTF-8 in one growable circular byte array, a record of fields at a time, oldest first: where a
 * room's columns ({@link RecentEntries}, {@link SendWindow}) keep their text, so that what a room remembers of a
 * message is bytes in an array it already has, not objects that each young collection copies until they are promoted.
 *
 * <p>A record is written at the newest end and dropped from the oldest. It is found by its position, a
 * count of bytes from the first ever written (an int that wraps; only differences of positions are used, and they are
 * smaller than the ring), so positions stay valid when the ring grows. A field is its length plus one as a varint (0
 * for null), then its bytes. The strings are well formed (the node refuses lone surrogates, {@link
 * Validation#isWellFormed}), so UTF-8 gives them back as they were.
 *
 * <p>Not thread-safe: its room's actor alone uses it. It doubles when a record does not fit, and does not shrink.
 */
final class Utf8Ring {
  private byte[] bytes;
  /** Index in {@link #bytes} of the oldest byte kept, and its position. */
  private int head;
  private int headPosition;
  private int used;

  Utf8Ring(int capacity) {
    bytes = new byte[Math.max(16, capacity)];
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes a record of these fields takes. */
  private static int length(byte[]... fields) {
    int total = 0;
    for (byte[] field : fields) {
      int n = field == null ? 0 : field.length + 1;
      do {
        total++;
        n >>>= 7;
      } while (n != 0);
      if (field != null) {
        total += field.length;
      }
    }
    return total;
  }

  /** Writes a record of these fields, newest, and returns its position. */
  int append(byte[]... fields) {
    int length = length(fields);
    if (used + length > bytes.length) {
      grow(Math.max(bytes.length * 2, used + length));
    }
    int position = headPosition + used;
    int at = index(position);
    for (byte[] field : fields) {
      int n = field == null ? 0 : field.length + 1;
      while ((n & ~0x7F) != 0) {
        bytes[at] = (byte) ((n & 0x7F) | 0x80);
        at = next(at);
        n >>>= 7;
      }
      bytes[at] = (byte) n;
      at = next(at);
      if (field != null) {
        int firstPart = Math.min(field.length, bytes.length - at);
        System.arraycopy(field, 0, bytes, at, firstPart);
        System.arraycopy(field, firstPart, bytes, 0, field.length - firstPart);
        at = (at + field.length) % bytes.length;
      }
    }
    used += length;
    return position;
  }

  /** The position the next record will take: the end of the newest. */
  int end() {
    return headPosition + used;
  }

  /**
   * Drops the records before {@code position}, oldest first: the position of the record that is to be the oldest,
   * or {@link #end} to drop them all. So an owner needs no record's length, only the positions it keeps anyway.
   */
  void dropBefore(int position) {
    int length = position - headPosition;
    head = (head + length) % bytes.length;
    headPosition = position;
    used -= length;
  }

  /** Decodes the record at {@code position} into {@code fields}, as many as it has room for. */
  void read(int position, String[] fields) {
    int at = index(position);
    for (int f = 0; f < fields.length; f++) {
      long header = header(at);
      int n = (int) (header >>> 32);
      at = (int) header;
      if (n == 0) {
        fields[f] = null;
        continue;
      }
      int length = n - 1;
      if (at + length <= bytes.length) {
        fields[f] = new String(bytes, at, length, StandardCharsets.UTF_8);
      } else {
        byte[] joined = new byte[length];
        int firstPart = bytes.length - at;
        System.arraycopy(bytes, at, joined, 0, firstPart);
        System.arraycopy(bytes, 0, joined, firstPart, length - firstPart);
        fields[f] = new String(joined, StandardCharsets.UTF_8);
      }
      at = (at + length) % bytes.length;
    }
  }

  /** Whether the record at {@code position} begins with exactly these fields. */
  boolean startsWith(int position, byte[]... fields) {
    int at = index(position);
    for (byte[] field : fields) {
      long header = header(at);
      int n = (int) (header >>> 32);
      at = (int) header;
      if (field == null ? n != 0 : n != field.length + 1) {
        return false;
      }
      if (field != null) {
        for (byte x : field) {
          if (bytes[at] != x) {
            return false;
          }
          at = next(at);
        }
      }
    }
    return true;
  }

  /** The field header (a varint) at index {@code at}: its value in the high half, the index after it in the low. */
  private long header(int at) {
    int n = 0;
    int shift = 0;
    byte b;
    do {
      b = bytes[at];
      at = next(at);
      n |= (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return ((long) n << 32) | at;
  }

  private int index(int position) {
    return (head + (position - headPosition)) % bytes.length;
  }

  private int next(int at) {
    return at + 1 == bytes.length ? 0 : at + 1;
  }

  /** A ring of {@code capacity} with the records in order from index 0; positions are unchanged. */
  private void grow(int capacity) {
    byte[] grown = new byte[capacity];
    int firstPart = Math.min(used, bytes.length - head);
    System.arraycopy(bytes, head, grown, 0, firstPart);
    System.arraycopy(bytes, 0, grown, firstPart, used - firstPart);
    bytes = grown;
    head = 0;
  }
}
