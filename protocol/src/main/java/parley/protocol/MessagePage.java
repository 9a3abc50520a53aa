package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A page of a room's timeline, ascending by seq; {@code hasMore} says whether the cursor's direction goes on.
 * {@code trimmed} and {@code floorSeq} (v1.1): the page asked for entries below the room's floor, which its
 * retention removed; the room's history starts at {@code floorSeq}. Left out otherwise.
 */
public record MessagePage(
    List<Message> messages,
    boolean hasMore,
    @JsonInclude(JsonInclude.Include.NON_NULL)
    Boolean trimmed,
    @JsonInclude(JsonInclude.Include.NON_NULL)
    Long floorSeq) {
  public MessagePage(List<Message> messages, boolean hasMore) {
    this(messages, hasMore, null, null);
  }
}
