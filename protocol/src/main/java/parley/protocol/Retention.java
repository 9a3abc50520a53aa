package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * v1.1: how much history a room keeps: its last {@code maxMessages} entries, or the entries of its last
 * {@code maxAgeDays} days (both given: whichever keeps less). Both null (in a room's PATCH: {@code "retention":{}})
 * keeps everything, the default. What falls outside is removed from the journal in the background; reads below the
 * room's floor say {@code trimmed}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Retention(Integer maxMessages, Integer maxAgeDays) {
  public boolean keepsAll() {
    return maxMessages == null && maxAgeDays == null;
  }
}
