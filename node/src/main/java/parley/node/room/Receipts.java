package parley.node.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import parley.protocol.Json;
import parley.protocol.RoomReceipts;

/**
 * v1.1 receipts of one room: each member's delivered marker (the room's, stored by {@link DeliveredMarkers}) and read
 * marker (their user entity's, which stores it batched and tells the room), rebuilt after a restart from the stored
 * delivered markers and by asking the members. Changes are coalesced: {@link #takeChanged} gives each member who moved since the
 * last call once, with their latest markers.
 */
final class Receipts {
  /** {@code readKnown}: the user entity has told the read marker (a delivered marker can come first). */
  private record Marks(long delivered, long read, boolean readShown, boolean readKnown) {}

  private final Map<String, Marks> marks = new HashMap<>();
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
    marks.put(user, after);
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
    marks.put(user, before == null ? new Marks(delivered, 0, true, false)
        : new Marks(delivered, before.read, before.readShown, before.readKnown));
    if (told) {
      changed.add(user);
    }
    return told;
  }

  /** Whether the member's user entity has told their read marker yet. */
  boolean readKnown(String user) {
    Marks m = marks.get(user);
    return m != null && m.readKnown;
  }

  void forget(String user) {
    marks.remove(user);
    changed.remove(user);
  }

  /**
   * The one {@code receipt} frame (JSON) of the members who moved since the last call, each once, markers clamped to
   * {@code lastSeq}: in {@code members}, and flat as well when one moved (protocol.md). Null if none moved.
   */
  String takeChanged(String roomId, long lastSeq) {
    if (changed.isEmpty()) {
      return null;
    }
    ObjectNode frame = Json.mapper().createObjectNode().put("type", "receipt").put("room", roomId);
    List<RoomReceipts.Member> moved = new ArrayList<>(changed.size());
    for (String user : changed) {
      moved.add(of(user, lastSeq));
    }
    changed.clear();
    if (moved.size() == 1) {
      RoomReceipts.Member only = moved.get(0);
      frame.put("username", only.username()).put("deliveredSeq", only.deliveredSeq()).put("readSeq", only.readSeq());
    }
    ArrayNode members = frame.putArray("members");
    for (RoomReceipts.Member m : moved) {
      members.addObject().put("username", m.username()).put("deliveredSeq", m.deliveredSeq())
          .put("readSeq", m.readSeq());
    }
    return frame.toString();
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
    Marks m = marks.getOrDefault(user, new Marks(0, 0, true, false));
    // A delivered marker never points past the room's end; a hidden read marker is not told.
    return new RoomReceipts.Member(user, Math.min(m.delivered, lastSeq),
        m.readShown ? Long.valueOf(Math.min(m.read, lastSeq)) : null);
  }
}
