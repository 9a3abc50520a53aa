package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of {@code POST /api/v1/rooms/{id}/messages}; {@code replyTo} (v1.1): the seq of the message this one answers.
 * (v1.1) Also {@code PATCH .../messages/{seq}}: the new {@code text}, with an optional {@code clientMsgId} that makes a
 * retry of the same edit store it once.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PostMessage(String clientMsgId, String text, Long replyTo) {
  public PostMessage(String clientMsgId, String text) {
    this(clientMsgId, text, null);
  }
}
