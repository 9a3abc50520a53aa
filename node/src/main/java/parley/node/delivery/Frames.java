package parley.node.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import parley.protocol.Json;
import parley.protocol.ServerFrame;

/** Server frames as they go on the wire: rendered to JSON once, encoded and framed once, for any number of sockets. */
final class Frames {
  private Frames() {}

  /** {@link ServerFrame.Presence} as JSON, put together from the members' own JSON (no rendering per session). */
  static PreparedText presence(List<ClientSession.PresenceChange> changes) {
    StringBuilder json = new StringBuilder(32 + 80 * changes.size()).append("{\"type\":\"presence\",\"members\":[");
    for (int i = 0; i < changes.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append(changes.get(i).json());
    }
    return PreparedText.of(json.append("]}").toString());
  }

  /** A server frame as JSON, encoded and framed for any number of sockets. */
  static PreparedText render(ServerFrame frame) {
    try {
      return PreparedText.of(Json.mapper().writeValueAsString(frame));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
