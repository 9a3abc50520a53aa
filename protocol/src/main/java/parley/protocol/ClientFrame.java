package parley.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A WebSocket text frame from client to server: one JSON object with a {@code type}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ClientFrame.Send.class, name = "send"),
  @JsonSubTypes.Type(value = ClientFrame.Read.class, name = "read"),
  @JsonSubTypes.Type(value = ClientFrame.Ping.class, name = "ping")
})
public sealed interface ClientFrame {

  /** Post {@code text} to {@code room}; answered by an ack once durably stored. */
  record Send(String room, String clientMsgId, String text) implements ClientFrame {}

  /** Move the user's read marker in {@code room} to {@code seq} (never backwards). */
  record Read(String room, Long seq) implements ClientFrame {}

  /** Answered by a pong. */
  record Ping() implements ClientFrame {}
}
