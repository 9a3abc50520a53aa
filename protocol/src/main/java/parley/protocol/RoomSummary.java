package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A room as seen in one user's list: {@code unread = lastSeq - readSeq}. A room whose node did not answer in time
 * is {@code unavailable} (true; otherwise null and left out of the JSON, so a summary without the field reads as
 * available): its name and kind are unknown (null), and {@code lastSeq} and {@code readSeq} are the user's read
 * marker, the last seq known to exist. {@code mentions} (v1.1): the unread messages that mention the user.
 */
public record RoomSummary(
    String id,
    String name,
    String kind,
    long lastSeq,
    long readSeq,
    long unread,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean unavailable,
    Long mentions) {

  /** A summary from a server before v1.1 has no {@code mentions}: none. */
  public RoomSummary {
    mentions = mentions == null ? 0L : mentions;
  }

  public RoomSummary(String id, String name, String kind, long lastSeq, long readSeq, long unread) {
    this(id, name, kind, lastSeq, readSeq, unread, null, 0L);
  }

  /** A room the user belongs to whose node did not answer: all that is known is the user's read marker. */
  public static RoomSummary unavailable(String id, long readSeq) {
    return new RoomSummary(id, null, null, readSeq, readSeq, 0, Boolean.TRUE, 0L);
  }
}
