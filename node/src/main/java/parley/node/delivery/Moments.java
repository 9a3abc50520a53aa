package parley.node.delivery;

import java.util.ArrayList;
import java.util.List;
import parley.node.http.websocket.WebSocketUpgrades;

/**
 * A room's frames of the moment (typing, receipts) that reach a hub together, each framed once for every session of
 * the node: alone, or ahead of the entry they ride with. Each goes to every reader except the one whose it is (a
 * typist does not see their own typing); the list most readers get is built once and shared.
 */
public final class Moments {
  static final Moments NONE = new Moments(List.of());

  private final String[] from;
  private final WebSocketUpgrades.PreparedText[] frames;
  private List<WebSocketUpgrades.PreparedText> shared;
  private WebSocketUpgrades.PreparedText sharedWith;

  Moments(List<RoomHub.Moment> moments) {
    from = new String[moments.size()];
    frames = new WebSocketUpgrades.PreparedText[moments.size()];
    for (int i = 0; i < from.length; i++) {
      from[i] = moments.get(i).from();
      frames[i] = WebSocketUpgrades.PreparedText.of(moments.get(i).frame());
    }
  }

  boolean isEmpty() {
    return from.length == 0;
  }

  /** What {@code reader} is written: the moments not theirs, then {@code entry} unless null. Possibly empty. */
  List<WebSocketUpgrades.PreparedText> forReader(String reader, WebSocketUpgrades.PreparedText entry) {
    if (from.length == 0) {
      return entry == null ? List.of() : List.of(entry);
    }
    boolean theirs = false;
    for (String f : from) {
      theirs |= reader.equals(f);
    }
    if (!theirs) {
      if (shared == null || sharedWith != entry) {
        shared = build(null, entry);
        sharedWith = entry;
      }
      return shared;
    }
    return build(reader, entry);
  }

  private List<WebSocketUpgrades.PreparedText> build(String reader, WebSocketUpgrades.PreparedText entry) {
    List<WebSocketUpgrades.PreparedText> out = new ArrayList<>(frames.length + 1);
    for (int i = 0; i < frames.length; i++) {
      if (reader == null || !reader.equals(from[i])) {
        out.add(frames[i]);
      }
    }
    if (entry != null) {
      out.add(entry);
    }
    return List.copyOf(out);
  }

  /** The moments as the session takes them when the hub cannot write them itself. */
  void tellTo(org.apache.pekko.actor.typed.ActorRef<ClientSession.Command> session) {
    for (int i = 0; i < frames.length; i++) {
      session.tell(new ClientSession.Relayed(from[i], frames[i]));
    }
  }
}
