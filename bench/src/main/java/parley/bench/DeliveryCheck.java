package parley.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The delivery contract, checked for one simulated client across its connections: on each socket, a room's
 * {@code message} frames are consecutive seqs starting right after the {@code lastSeq} that socket's
 * {@code hello} gave, or right after the seq the client resumed the room from on the handshake; across
 * reconnects, the resumed socket or history pages fill what the client missed, so the client ends up with every
 * seq of its rooms once and in order. Anything else is a violation, counted and described.
 *
 * <p>Methods are synchronized: the socket's stream and history fetches call in from different threads.
 */
public final class DeliveryCheck {
  private static final int DESCRIBED = 5;

  /** One room as the client sees it. */
  private static final class Room {
    /** Every seq up to here was seen once, in order. */
    long delivered;
    /** The current socket's hello lastSeq: its frames start after it. */
    long socketBase;
    /** The last seq the current socket delivered. */
    long socketLast;

    Room(long lastSeq) {
      delivered = lastSeq;
      socketBase = lastSeq;
      socketLast = lastSeq;
    }

    boolean catchingUp() {
      return delivered < socketBase;
    }
  }

  private final String who;
  private final Map<String, Room> rooms = new HashMap<>();
  private long violations;
  private final List<String> described = new ArrayList<>();

  public DeliveryCheck(String who) {
    this.who = who;
  }

  /**
   * A socket's hello said the room is at {@code lastSeq}. The first hello sets the starting point; a later one
   * (a reconnect) must not be behind what was delivered. Returns true when history must be fetched.
   */
  public synchronized boolean hello(String room, long lastSeq) {
    return hello(room, lastSeq, null);
  }

  /**
   * As {@link #hello(String, long)}, for a socket whose handshake resumed the room after {@code resumedAfter}
   * (null if it did not): its frames start right after that seq, so nothing is fetched.
   */
  public synchronized boolean hello(String room, long lastSeq, Long resumedAfter) {
    Room r = rooms.get(room);
    if (r == null) {
      rooms.put(room, new Room(resumedAfter == null ? lastSeq : Math.min(resumedAfter, lastSeq)));
      return false;
    }
    if (lastSeq < r.delivered) {
      violation("room " + room + ": hello lastSeq " + lastSeq + " is behind delivered seq " + r.delivered);
    }
    long base = resumedAfter == null ? lastSeq : Math.min(resumedAfter, lastSeq);
    r.socketBase = base;
    r.socketLast = base;
    return r.catchingUp();
  }

  /** Where the client would resume each of its rooms: the seq up to which it has every entry. */
  public synchronized Map<String, Long> resumePoints() {
    Map<String, Long> out = new HashMap<>();
    rooms.forEach((id, r) -> out.put(id, r.delivered));
    return out;
  }

  /** A room the client expected was not in the hello. */
  public synchronized void missingFromHello(String room) {
    violation("room " + room + " missing from hello");
  }

  /** A live frame from the socket. */
  public synchronized void live(String room, long seq) {
    Room r = rooms.get(room);
    if (r == null) {
      violation("frame for room " + room + " that is not the client's (seq " + seq + ")");
      return;
    }
    long expected = r.socketLast + 1;
    if (seq != expected) {
      violation("room " + room + ": " + (seq < expected ? "duplicate or out-of-order" : "gap before")
          + " seq " + seq + " (expected " + expected + ")");
      if (seq < expected) {
        return;
      }
    }
    r.socketLast = seq;
    if (!r.catchingUp()) {
      r.delivered = Math.max(r.delivered, r.socketLast);
    }
  }

  /** One entry of a fetched history page. Overlap with what was delivered is expected and dropped. */
  public synchronized void page(String room, long seq) {
    Room r = rooms.get(room);
    if (r == null) {
      violation("page entry for room " + room + " that is not the client's");
      return;
    }
    if (seq <= r.delivered) {
      return;
    }
    if (seq != r.delivered + 1) {
      violation("room " + room + ": history page skips from " + r.delivered + " to " + seq);
    }
    r.delivered = seq;
    if (!r.catchingUp() && r.socketLast > r.delivered) {
      r.delivered = r.socketLast;
    }
  }

  /** Where to fetch from next, or -1 when the room needs no fetch. */
  public synchronized long fetchAfter(String room) {
    Room r = rooms.get(room);
    return r != null && r.catchingUp() ? r.delivered : -1;
  }

  public synchronized long delivered(String room) {
    Room r = rooms.get(room);
    return r == null ? -1 : r.delivered;
  }

  /** True when every room in {@code expected} the client has is delivered up to at least its seq. */
  public synchronized boolean reached(Map<String, Long> expected) {
    for (Map.Entry<String, Room> e : rooms.entrySet()) {
      Long want = expected.get(e.getKey());
      if (want != null && e.getValue().delivered < want) {
        return false;
      }
    }
    return true;
  }

  /** Rooms still short of {@code expected}: each becomes a violation ("lost"). Returns how many. */
  public synchronized int reportShortfall(Map<String, Long> expected) {
    return shortfall(expected, true);
  }

  /**
   * Rooms still short of {@code expected} on a client whose socket the server closed during the run and that did
   * not reconnect: the seqs after the close never had a socket to come on, so they are described ("cut off"), not
   * counted as lost. The close itself is what breaks the contract then. Returns how many rooms.
   */
  public synchronized int reportCutOff(Map<String, Long> expected) {
    return shortfall(expected, false);
  }

  private int shortfall(Map<String, Long> expected, boolean lost) {
    int shortRooms = 0;
    for (Map.Entry<String, Room> e : rooms.entrySet()) {
      Long want = expected.get(e.getKey());
      if (want != null && e.getValue().delivered < want) {
        shortRooms++;
        String seqs = (e.getValue().delivered + 1) + ".." + want;
        if (lost) {
          violation("room " + e.getKey() + ": lost seqs " + seqs);
        } else {
          describe("room " + e.getKey() + ": cut off before seqs " + seqs + " (the server closed the socket)");
        }
      }
    }
    return shortRooms;
  }

  /** The highest seq seen per room (delivered or on the socket). */
  public synchronized Map<String, Long> highest() {
    Map<String, Long> out = new HashMap<>();
    rooms.forEach((id, r) -> out.put(id, Math.max(r.delivered, r.socketLast)));
    return out;
  }

  public synchronized long violations() {
    return violations;
  }

  public synchronized List<String> described() {
    return Collections.unmodifiableList(new ArrayList<>(described));
  }

  private void violation(String what) {
    violations++;
    describe(what);
  }

  private void describe(String what) {
    if (described.size() < DESCRIBED) {
      described.add(who + ": " + what);
    }
  }
}
