package parley.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the few fields the generator needs out of a server frame without building a JSON tree: the frames are
 * written by a JSON serializer (no whitespace between tokens) and the texts inside them are the generator's own,
 * so searching for {@code "key":} is exact and keeps the generator's CPU off the machine's budget.
 */
public final class Frames {
  private Frames() {}

  /** {@code "key":}, ready to search for: the hot path never builds it again. */
  public static String needle(String key) {
    return "\"" + key + "\":";
  }

  static final String TYPE = needle("type");
  static final String ROOM = needle("room");
  static final String SEQ = needle("seq");
  static final String CLIENT_MSG_ID = needle("clientMsgId");

  /** The string value of {@code key}, or null when absent or JSON null. No escapes expected (ids, types). */
  public static String str(String frame, String key) {
    return strAt(frame, needle(key), 0);
  }

  static String str(String frame, String key, int from) {
    return strAt(frame, needle(key), from);
  }

  /** The string value after {@code needle} (from {@link #needle}), or null. */
  static String strAt(String frame, String needle, int from) {
    int at = frame.indexOf(needle, from);
    if (at < 0) {
      return null;
    }
    int v = at + needle.length();
    if (v >= frame.length() || frame.charAt(v) != '"') {
      return null;
    }
    int end = frame.indexOf('"', v + 1);
    return end < 0 ? null : frame.substring(v + 1, end);
  }

  /** The whole-number value of {@code key}, or -1 when absent. */
  public static long num(String frame, String key) {
    return num(frame, key, 0);
  }

  static long num(String frame, String key, int from) {
    return numAt(frame, needle(key), from);
  }

  /** The whole number after {@code needle} (from {@link #needle}), or -1. */
  static long numAt(String frame, String needle, int from) {
    int at = frame.indexOf(needle, from);
    if (at < 0) {
      return -1;
    }
    return digits(frame, at + needle.length());
  }

  /** The scheduled send time at the front of the frame's clientMsgId, without copying it out; -1 if none. */
  static long scheduledMicrosOf(String frame) {
    int at = frame.indexOf(CLIENT_MSG_ID);
    if (at < 0) {
      return -1;
    }
    int v = at + CLIENT_MSG_ID.length();
    return v < frame.length() && frame.charAt(v) == '"' ? digits(frame, v + 1) : -1;
  }

  /** The digits at {@code from} as a number; -1 if there are none. */
  static long digits(String s, int from) {
    long value = 0;
    int i = from;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return i == from ? -1 : value;
  }

  /** The scheduled send time the generator put at the front of a clientMsgId ({@code <micros>-<conn>-<n>}). */
  public static long scheduledMicros(String clientMsgId) {
    return clientMsgId == null ? -1 : digits(clientMsgId, 0);
  }

  /** One room of a {@code hello} frame. */
  public record RoomSeq(String id, long lastSeq) {}

  /** The rooms of a {@code hello} frame, in order: each {@code {"id":"..",...,"lastSeq":n}}. */
  public static List<RoomSeq> helloRooms(String frame) {
    List<RoomSeq> rooms = new ArrayList<>();
    int from = frame.indexOf("\"rooms\":");
    while (from >= 0) {
      int at = frame.indexOf("\"id\":\"", from);
      if (at < 0) {
        break;
      }
      String id = str(frame, "id", at);
      long lastSeq = num(frame, "lastSeq", at);
      rooms.add(new RoomSeq(id, lastSeq));
      from = at + 6;
    }
    return rooms;
  }

  /** The seqs of a history page {@code {"messages":[{..,"seq":n,..},..],"hasMore":b}}, in order. */
  public static long[] pageSeqs(String page) {
    List<Long> seqs = new ArrayList<>();
    int from = 0;
    while (true) {
      int at = page.indexOf("\"seq\":", from);
      if (at < 0) {
        break;
      }
      seqs.add(digits(page, at + 6));
      from = at + 6;
    }
    return seqs.stream().mapToLong(Long::longValue).toArray();
  }

  public static boolean pageHasMore(String page) {
    return page.contains("\"hasMore\":true");
  }

  /** A JSON string literal for generator-made values (ids, names, texts): only quotes and backslashes escaped. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }
}
