package parley.protocol;

import java.time.Instant;

/**
 * One timeline entry of a room. {@code kind} is {@code "message"}, {@code "joined"} or {@code "left"}; seq is the
 * room's own, starting at 1, gap-free. {@code text} and {@code clientMsgId} are null for membership entries.
 */
public record Message(
    String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId) {

  public static final String KIND_MESSAGE = "message";
  public static final String KIND_JOINED = "joined";
  public static final String KIND_LEFT = "left";

  public Message {
    sentAt = Json.millis(sentAt);
  }
}
