package parley.node.delivery;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import parley.node.room.RoomNews;

/**
 * A room's frames of the moment (typing, receipts) that reach a hub together, each framed once for every session of
 * the node: alone, or ahead of the entry they ride with. Each goes to every reader except the one whose it is (a
 * typist does not see their own typing); the list most readers get is built once and shared.
 */
public final class Moments {
  static final Moments NONE = new Moments(List.of());

  private final RoomNews.Moment[] moments;
  private final PreparedText[] frames;
  /** Whether some moment is for some users only (receipts of a large room: the authors whose messages they pass). */
  private final boolean targeted;
  private List<PreparedText> shared;
  private PreparedText sharedWith;
  private List<PreparedText> untargeted;
  private PreparedText untargetedWith;

  Moments(List<RoomNews.Moment> moments) {
    this.moments = moments.toArray(new RoomNews.Moment[0]);
    frames = new PreparedText[this.moments.length];
    boolean anyTargeted = false;
    for (int i = 0; i < frames.length; i++) {
      frames[i] = PreparedText.of(this.moments[i].frame());
      anyTargeted |= this.moments[i].to() != null;
    }
    targeted = anyTargeted;
  }

  boolean isEmpty() {
    return moments.length == 0;
  }

  /** What {@code reader} is written: the moments for them, then {@code entry} unless null. Possibly empty. */
  List<PreparedText> forReader(String reader, PreparedText entry) {
    if (moments.length == 0) {
      return entry == null ? List.of() : List.of(entry);
    }
    boolean all = true;
    boolean noneTargeted = true;
    boolean theirs = false;
    for (RoomNews.Moment m : moments) {
      theirs |= reader.equals(m.from());
      if (!m.isFor(reader)) {
        all = false;
      } else if (m.to() != null) {
        noneTargeted = false;
      }
    }
    if (all) {
      if (shared == null || sharedWith != entry) {
        shared = build(null, entry, true);
        sharedWith = entry;
      }
      return shared;
    }
    if (!theirs && noneTargeted) {
      // The readers a targeted moment is not for (most of a large room's): one list for them too.
      if (untargeted == null || untargetedWith != entry) {
        untargeted = build(null, entry, false);
        untargetedWith = entry;
      }
      return untargeted;
    }
    return build(reader, entry, targeted);
  }

  /**
   * The moments for {@code reader} (null: every reader's but the targeted ones unless {@code withTargeted}), then the
   * entry.
   */
  private List<PreparedText> build(String reader, PreparedText entry,
      boolean withTargeted) {
    List<PreparedText> out = new ArrayList<>(frames.length + 1);
    for (int i = 0; i < frames.length; i++) {
      RoomNews.Moment m = moments[i];
      if (reader == null ? withTargeted || m.to() == null : m.isFor(reader)) {
        out.add(frames[i]);
      }
    }
    if (entry != null) {
      out.add(entry);
    }
    return List.copyOf(out);
  }

  /** The moments for {@code reader}, as their session takes them when the hub cannot write them itself. */
  void tellTo(String reader, ActorRef<ClientSession.Command> session) {
    for (int i = 0; i < frames.length; i++) {
      if (moments[i].isFor(reader)) {
        session.tell(new ClientSession.Relayed(moments[i].from(), frames[i]));
      }
    }
  }
}
