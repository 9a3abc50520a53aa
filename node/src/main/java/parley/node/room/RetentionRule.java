package parley.node.room;

import com.fasterxml.jackson.annotation.JsonInclude;
import parley.node.CborSerializable;

/**
 * How much history a room keeps, as the room stores it: its last {@code maxMessages} entries, or the entries of its
 * last {@code maxAgeDays} days (both given: whichever keeps less); both null keeps everything. The room's own type,
 * so the journal does not change with the protocol; its fields are named as the protocol's {@code Retention} (which
 * journals hold in this place), so both read as this.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetentionRule(Integer maxMessages, Integer maxAgeDays) implements CborSerializable {
  public static final RetentionRule KEEP_ALL = new RetentionRule(null, null);

  public boolean keepsAll() {
    return maxMessages == null && maxAgeDays == null;
  }
}
