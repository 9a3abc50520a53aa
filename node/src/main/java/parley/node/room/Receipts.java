package parley.node.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import parley.protocol.ServerFrame;

/**
 * v1.1 receipts of one room: each member's delivered and read markers as their user entity last reported them (the
 * user entity stores them, batched; the room only keeps them to answer and to tell), soft state rebuilt after a
 * restart by asking the members. Changes are coalesced: {@link #takeChanged} gives each member who moved since the
 * last call once, with their latest markers.
 */
final class Receipts {
  private record Marks(long delivered, long read, boolean readShown) {}

  private final Map<String, Marks> marks = new HashMap<>();
  private final Set<String> changed = new LinkedHashSet<>();

  /**
   * A member's markers as their user entity has them now; true if anything a room mate sees moved and is to be
   * {@code told} in the next {@link #takeChanged}.
   */
  boolean moved(String user, long delivered, long read, boolean readShown, boolean told) {
    Marks before = marks.get(user);
    Marks after = before == null ? new Marks(delivered, read, readShown)
        : new Marks(Math.max(before.delivered, delivered), Math.max(before.read, read), readShown);
    if (after.equals(before)) {
      return false;
    }
    marks.put(user, after);
    if (told) {
      changed.add(user);
    }
    return told;
  }

  void forget(String user) {
    marks.remove(user);
    changed.remove(user);
  }

  /** The frames of the members who moved since the last call, each once, markers clamped to {@code lastSeq}. */
  List<ServerFrame.Receipt> takeChanged(String roomId, long lastSeq) {
    List<ServerFrame.Receipt> frames = new ArrayList<>(changed.size());
    for (String user : changed) {
      frames.add(frame(roomId, user, lastSeq));
    }
    changed.clear();
    return frames;
  }

  /** Every member's receipt, in the given order; a member not heard from yet shows 0. */
  List<ServerFrame.Receipt> all(String roomId, Iterable<String> members, long lastSeq) {
    List<ServerFrame.Receipt> all = new ArrayList<>();
    for (String user : members) {
      all.add(frame(roomId, user, lastSeq));
    }
    return all;
  }

  private ServerFrame.Receipt frame(String roomId, String user, long lastSeq) {
    Marks m = marks.getOrDefault(user, new Marks(0, 0, true));
    // A delivered marker never points past the room's end; a hidden read marker is not told.
    return new ServerFrame.Receipt(roomId, user, Math.min(m.delivered, lastSeq),
        m.readShown ? Long.valueOf(Math.min(m.read, lastSeq)) : null);
  }
}
