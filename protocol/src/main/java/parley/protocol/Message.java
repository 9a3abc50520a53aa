package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One timeline entry of a room. {@code kind} is {@code "message"}, {@code "joined"} or {@code "left"}; seq is the
 * room's own, starting at 1, gap-free. {@code text} and {@code clientMsgId} are null for membership entries.
 * {@code mentions} (v1.1): the members a message names with {@code @username} (every member for {@code @room}).
 */
public record Message(
    String room,
    long seq,
    String kind,
    String sender,
    String text,
    Instant sentAt,
    String clientMsgId,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> mentions) {

  public static final String KIND_MESSAGE = "message";
  public static final String KIND_JOINED = "joined";
  public static final String KIND_LEFT = "left";

  public Message {
    sentAt = Json.millis(sentAt);
    mentions = mentions == null ? List.of() : List.copyOf(mentions);
  }

  /** An entry that mentions nobody (v1.1: {@code mentions} is left out of the JSON then). */
  public Message(String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId) {
    this(room, seq, kind, sender, text, sentAt, clientMsgId, List.of());
  }
}
