package parley.client.net;

import java.util.Map;
import parley.protocol.ServerFrame;

/** What a {@link Link} reports, always on the client's thread. */
public interface LinkListener {

  void onFrame(ServerFrame frame);

  void onStatus(LinkStatus status);

  /**
   * Asked before each connection: per room, the seq up to which the client has every entry. The link names them
   * on the handshake ({@code after}), and the new socket sends each room's entries from the next seq on.
   */
  default Map<String, Long> resumePoints() {
    return Map.of();
  }
}
