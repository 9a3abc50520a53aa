package parley.bench;

/**
 * The slice of the Socket.IO v5 protocol over Engine.IO v4 the generator needs, WebSocket transport only
 * ({@code ?EIO=4&transport=websocket}): one text frame is one Engine.IO packet, whose first character is its type
 * ({@code 0} open, {@code 1} close, {@code 2} ping, {@code 3} pong, {@code 4} message); a message carries a
 * Socket.IO packet, whose next character is its type ({@code 0} connect, {@code 1} disconnect, {@code 2} event,
 * {@code 3} ack, {@code 4} connect error), then an optional ack id, then JSON.
 */
public final class SocketIo {
  private SocketIo() {}

  public static final String PONG = "3";

  public enum Kind { OPEN, CLOSE, PING, PONG, CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, OTHER }

  /**
   * A decoded packet. For EVENT, {@code name} is the event name and {@code payload} the first argument as JSON
   * text; for ACK, {@code payload} is the first argument of the ack; for OPEN, CONNECT and CONNECT_ERROR the JSON
   * object that follows. {@code ackId} is -1 when absent.
   */
  public record Packet(Kind kind, String name, String payload, long ackId) {}

  public static Packet decode(String frame) {
    if (frame.isEmpty()) {
      return new Packet(Kind.OTHER, null, frame, -1);
    }
    switch (frame.charAt(0)) {
      case '0':
        return new Packet(Kind.OPEN, null, frame.substring(1), -1);
      case '1':
        return new Packet(Kind.CLOSE, null, null, -1);
      case '2':
        return new Packet(Kind.PING, null, frame.substring(1), -1);
      case '3':
        return new Packet(Kind.PONG, null, frame.substring(1), -1);
      case '4':
        return decodeSocketIo(frame);
      default:
        return new Packet(Kind.OTHER, null, frame, -1);
    }
  }

  private static Packet decodeSocketIo(String frame) {
    if (frame.length() < 2) {
      return new Packet(Kind.OTHER, null, frame, -1);
    }
    char type = frame.charAt(1);
    int i = 2;
    // A namespace other than "/" would come here as "/name,"; the generator only uses the main namespace.
    if (i < frame.length() && frame.charAt(i) == '/') {
      int comma = frame.indexOf(',', i);
      i = comma < 0 ? frame.length() : comma + 1;
    }
    long ackId = Frames.digits(frame, i);
    while (i < frame.length() && Character.isDigit(frame.charAt(i))) {
      i++;
    }
    String rest = frame.substring(i);
    switch (type) {
      case '0':
        return new Packet(Kind.CONNECT, null, rest, -1);
      case '1':
        return new Packet(Kind.DISCONNECT, null, null, -1);
      case '4':
        return new Packet(Kind.CONNECT_ERROR, null, rest, -1);
      case '2': {
        // ["name",arg,...]: the generator's events carry one argument.
        if (!rest.startsWith("[\"")) {
          return new Packet(Kind.OTHER, null, frame, ackId);
        }
        int nameEnd = rest.indexOf('"', 2);
        String name = rest.substring(2, nameEnd);
        int argStart = nameEnd + 1;
        String payload = argStart < rest.length() - 1 && rest.charAt(argStart) == ','
            ? rest.substring(argStart + 1, rest.length() - 1)
            : null;
        return new Packet(Kind.EVENT, name, payload, ackId);
      }
      case '3': {
        String payload = rest.length() >= 2 ? rest.substring(1, rest.length() - 1) : null;
        return new Packet(Kind.ACK, null, payload, ackId);
      }
      default:
        return new Packet(Kind.OTHER, null, frame, ackId);
    }
  }

  /** Connect to the main namespace with an auth object (JSON). */
  public static String connect(String authJson) {
    return "40" + authJson;
  }

  /** An event with one JSON argument, asking for an ack when {@code ackId >= 0}. */
  public static String event(String name, String argJson, long ackId) {
    StringBuilder sb = new StringBuilder(argJson.length() + name.length() + 16).append("42");
    if (ackId >= 0) {
      sb.append(ackId);
    }
    return sb.append("[\"").append(name).append("\",").append(argJson).append(']').toString();
  }
}
