package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One timeline entry of a room. {@code kind} is {@code "message"}, {@code "joined"} or {@code "left"}, and (v1.1)
 * {@code "account_closed"}; a client shows the kinds it knows and skips the others. seq is the room's own, starting
 * at 1, gap-free. {@code text} and {@code clientMsgId} are null for membership entries. {@code mentions} (v1.1): the
 * members a message names with {@code @username} (every member for {@code @room}). {@code senderDeleted} (v1.1):
 * true when the sender has closed their account, left out otherwise.
 */
public record Message(
    String room,
    long seq,
    String kind,
    String sender,
    String text,
    Instant sentAt,
    String clientMsgId,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> mentions,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean senderDeleted) {

  public static final String KIND_MESSAGE = "message";
  public static final String KIND_JOINED = "joined";
  public static final String KIND_LEFT = "left";
  /** v1.1: the sender closed their account (and, if they were a member, left). */
  public static final String KIND_ACCOUNT_CLOSED = "account_closed";

  public Message {
    sentAt = Json.millis(sentAt);
    mentions = mentions == null ? List.of() : List.copyOf(mentions);
    senderDeleted = Boolean.TRUE.equals(senderDeleted) ? Boolean.TRUE : null;
  }

  public Message(String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions) {
    this(room, seq, kind, sender, text, sentAt, clientMsgId, mentions, null);
  }

  /** An entry that mentions nobody (v1.1: {@code mentions} is left out of the JSON then). */
  public Message(String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId) {
    this(room, seq, kind, sender, text, sentAt, clientMsgId, List.of());
  }
}
