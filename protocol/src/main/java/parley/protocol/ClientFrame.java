package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A WebSocket text frame from client to server: one JSON object with a {@code type}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ClientFrame.Send.class, name = "send"),
  @JsonSubTypes.Type(value = ClientFrame.Read.class, name = "read"),
  @JsonSubTypes.Type(value = ClientFrame.Ping.class, name = "ping"),
  @JsonSubTypes.Type(value = ClientFrame.Typing.class, name = "typing"),
  @JsonSubTypes.Type(value = ClientFrame.Delivered.class, name = "delivered"),
  @JsonSubTypes.Type(value = ClientFrame.Focus.class, name = "focus"),
  @JsonSubTypes.Type(value = ClientFrame.Edit.class, name = "edit"),
  @JsonSubTypes.Type(value = ClientFrame.Delete.class, name = "delete"),
  @JsonSubTypes.Type(value = ClientFrame.React.class, name = "react")
})
public sealed interface ClientFrame {

  /**
   * Post {@code text} to {@code room}; answered by an ack once durably stored. {@code replyTo} (v1.1): the seq of the
   * room's message this one answers, or null.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Send(String room, String clientMsgId, String text, Long replyTo) implements ClientFrame {
    public Send(String room, String clientMsgId, String text) {
      this(room, clientMsgId, text, null);
    }
  }

  /** v1.1: change the user's own message at {@code seq} to {@code text}; acked like a send (an {@code edit} entry). */
  record Edit(String room, Long seq, String text, String clientMsgId) implements ClientFrame {}

  /**
   * v1.1: delete the message at {@code seq} (one's own; the room's owner and admins: anyone's); acked like a send (a
   * {@code delete} entry).
   */
  record Delete(String room, Long seq, String clientMsgId) implements ClientFrame {}

  /**
   * v1.1: toggle the user's {@code emoji} (a {@code :shortcode:} or one emoji) on the message at {@code seq}: a
   * {@code reaction} entry. {@code clientMsgId} (optional) is acked like a send's.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record React(String room, Long seq, String emoji, String clientMsgId) implements ClientFrame {}

  /** Move the user's read marker in {@code room} to {@code seq} (never backwards). */
  record Read(String room, Long seq) implements ClientFrame {}

  /** Answered by a pong. */
  record Ping() implements ClientFrame {}

  /**
   * v1.1: the user is typing in {@code room} (a client sends at most one every 2 s while the input changes), or, with
   * {@code stop: true}, no longer is (input cleared or sent). Never stored; answered only by an error.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Typing(String room, Boolean stop) implements ClientFrame {}

  /**
   * v1.1: this device holds every entry of {@code room} up to {@code seq} (cumulative; a client sends it at most once a
   * second per room). Never moves back; lowered to what the room has. Answered only by an error.
   */
  record Delivered(String room, Long seq) implements ClientFrame {}

  /**
   * v1.1: the room this connection shows the user ({@code null}: none); the user's notifications for it are not sent
   * to this connection.
   */
  record Focus(String room) implements ClientFrame {}
}
