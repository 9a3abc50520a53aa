package parley.node.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import parley.protocol.Json;
import parley.protocol.RoomReceipts;

/**
 * The receipts of one room: each member's delivered marker (the room's, stored by {@link DeliveredMarkers}) and read
 * marker (their user entity's, which stores it batched and tells the room), rebuilt after a restart from the stored
 * delivered markers and by asking the members. Changes are coalesced: {@link #takeChanged} gives each member who moved since the
 * last call once, with their latest markers.
 */
final class Receipts {
  /** {@code readKnown}: the user entity has told the read marker (a delivered marker can come first). */
  private record Marks(long delivered, long read, boolean readShown, boolean readKnown) {}

  /** What room mates heard of a member who has not been in a frame yet: moves from nothing. */
  private static final Marks NOTHING_HEARD = new Marks(0, 0, true, false);

  /** A receipt frame and the members to tell it: null for every member connected to the room. */
  record Told(String frame, Set<String> to) {}

  /** How many seqs a second's moves may span for the room to look up whose messages they pass (else: tell all). */
  static final int AUTHORS_LOOKED_UP = 512;

  private final Map<String, Marks> marks = new HashMap<>();
  /**
   * Each member's markers as room mates last heard them, in a frame or because they knew them already (to whom a
   * move matters: see {@link #takeChanged(String, long, LongFunction)}).
   */
  private final Map<String, Marks> heard = new HashMap<>();
  private final Set<String> changed = new LinkedHashSet<>();

  /**
   * A member's markers as their user entity has them now; true if anything a room mate sees moved and is to be
   * {@code told} in the next {@link #takeChanged}.
   */
  boolean moved(String user, long delivered, long read, boolean readShown, boolean told) {
    Marks before = marks.get(user);
    Marks after = before == null ? new Marks(delivered, read, readShown, true)
        : new Marks(Math.max(before.delivered, delivered), Math.max(before.read, read), readShown, true);
    if (after.equals(before)) {
      return false;
    }
    put(user, after, told);
    if (told) {
      changed.add(user);
    }
    return told;
  }

  /**
   * A member's delivered marker, as the room accepted it or stored it; true if it moved and is to be {@code told} in
   * the next {@link #takeChanged}.
   */
  boolean delivered(String user, long delivered, boolean told) {
    Marks before = marks.get(user);
    if (before != null && before.delivered >= delivered) {
      return false;
    }
    put(user, before == null ? new Marks(delivered, 0, true, false)
        : new Marks(delivered, before.read, before.readShown, before.readKnown), told);
    if (told) {
      changed.add(user);
    }
    return told;
  }

  /**
   * A member's stored message at {@code seq}: they have it (a device of theirs sent it) and have read up to it, as their
   * unread count has it ({@code RoomSummary.readSeq}). Kept, not told: the message frame tells it. Whether their read
   * marker is shown stays what their user entity said.
   */
  void wrote(String user, long seq) {
    Marks before = marks.getOrDefault(user, NOTHING_HEARD);
    if (before.delivered < seq || before.read < seq) {
      put(user, new Marks(Math.max(before.delivered, seq), Math.max(before.read, seq), before.readShown,
          before.readKnown), false);
    }
  }

  /** Keeps a member's markers; what is not to be told, and no told move waits for, room mates know already. */
  private void put(String user, Marks now, boolean told) {
    marks.put(user, now);
    if (!told && !changed.contains(user)) {
      heard.put(user, now);
    }
  }

  /** Whether the member's user entity has told their read marker yet. */
  boolean readKnown(String user) {
    Marks m = marks.get(user);
    return m != null && m.readKnown;
  }

  void forget(String user) {
    marks.remove(user);
    heard.remove(user);
    changed.remove(user);
  }

  /** The receipt frame of {@link #takeChanged(String, long, LongFunction)}, for every member connected. */
  String takeChanged(String roomId, long lastSeq) {
    Told told = takeChanged(roomId, lastSeq, null);
    return told == null ? null : told.frame();
  }

  /**
   * The one {@code receipt} frame (JSON) of the members who moved since the last call, each once, markers clamped to
   * {@code lastSeq}: in {@code members}, and flat as well when one moved (protocol.md). Null if none moved, or if
   * the moves matter to nobody.
   *
   * <p>With {@code authorOf} (a large room's: the sender of a message at a seq, "" for an entry that is no message,
   * null if not known), the frame is for the authors of the messages the moves passed only: a member's receipts are
   * those of their own messages, and a move that passes none of them changes no state their client shows. Everyone
   * is told when a move passes a seq whose author is not known, spans more than {@link #AUTHORS_LOOKED_UP} seqs, or
   * shows or hides a read marker. Without {@code authorOf}, every member connected is told.
   */
  Told takeChanged(String roomId, long lastSeq, LongFunction<String> authorOf) {
    if (changed.isEmpty()) {
      return null;
    }
    ObjectNode frame = Json.mapper().createObjectNode().put("type", "receipt").put("room", roomId);
    List<RoomReceipts.Member> moved = new ArrayList<>(changed.size());
    Passed passed = authorOf == null ? null : new Passed(lastSeq);
    for (String user : changed) {
      Marks m = marks.get(user);
      if (passed != null) {
        passed.add(heard.getOrDefault(user, NOTHING_HEARD), m);
      }
      heard.put(user, m);
      moved.add(of(user, lastSeq));
    }
    changed.clear();
    Set<String> to = passed == null ? null : passed.authors(authorOf);
    if (to != null && to.isEmpty()) {
      return null;
    }
    if (moved.size() == 1) {
      RoomReceipts.Member only = moved.get(0);
      frame.put("username", only.username()).put("deliveredSeq", only.deliveredSeq()).put("readSeq", only.readSeq());
    }
    ArrayNode members = frame.putArray("members");
    for (RoomReceipts.Member m : moved) {
      members.addObject().put("username", m.username()).put("deliveredSeq", m.deliveredSeq())
          .put("readSeq", m.readSeq());
    }
    return new Told(frame.toString(), to);
  }

  /** The seqs a second's moves passed: each move's (heard, now] of either marker, clamped to the room's end. */
  private static final class Passed {
    private final long lastSeq;
    private final TreeMap<Long, Long> spans = new TreeMap<>();
    private boolean everyone;

    Passed(long lastSeq) {
      this.lastSeq = lastSeq;
    }

    void add(Marks heard, Marks now) {
      if (heard.readShown != now.readShown) {
        everyone = true; // shown or hidden: every member's view of it changes
        return;
      }
      span(heard.delivered, now.delivered);
      if (now.readShown) {
        span(heard.read, now.read);
      }
    }

    private void span(long from, long to) {
      long lo = Math.min(from, lastSeq) + 1;
      long hi = Math.min(to, lastSeq);
      if (lo <= hi) {
        spans.merge(lo, hi, Math::max);
      }
    }

    /** The authors of the messages passed; null for every member. */
    Set<String> authors(LongFunction<String> authorOf) {
      if (everyone) {
        return null;
      }
      Set<String> authors = new HashSet<>();
      long next = Long.MIN_VALUE;
      long looked = 0;
      for (Map.Entry<Long, Long> span : spans.entrySet()) {
        for (long seq = Math.max(span.getKey(), next); seq <= span.getValue(); seq++) {
          if (++looked > AUTHORS_LOOKED_UP) {
            return null;
          }
          String author = authorOf.apply(seq);
          if (author == null) {
            return null;
          }
          if (!author.isEmpty()) {
            authors.add(author);
          }
        }
        next = Math.max(next, span.getValue() + 1);
      }
      return authors;
    }
  }

  /** Every member's receipt, in the given order; a member not heard from yet shows 0. */
  List<RoomReceipts.Member> all(Iterable<String> members, long lastSeq) {
    List<RoomReceipts.Member> all = new ArrayList<>();
    for (String user : members) {
      all.add(of(user, lastSeq));
    }
    return all;
  }

  private RoomReceipts.Member of(String user, long lastSeq) {
    Marks m = marks.getOrDefault(user, NOTHING_HEARD);
    // A delivered marker never points past the room's end; a hidden read marker is not told.
    return new RoomReceipts.Member(user, Math.min(m.delivered, lastSeq),
        m.readShown ? Long.valueOf(Math.min(m.read, lastSeq)) : null);
  }
}
