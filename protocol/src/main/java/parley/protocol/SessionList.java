package parley.protocol;

import java.time.Instant;
import java.util.List;

/**
 * v1.1: {@code GET /api/v1/me/sessions}: the user's live tokens, most recently used first. {@code address} and
 * {@code userAgent} are those of the login (null for a token issued before v1.1); {@code lastUsed} is exact while
 * the node holding the user's entity runs, else at most an hour early.
 */
public record SessionList(List<Item> sessions) {
  public record Item(String id, Instant created, Instant lastUsed, String address, String userAgent, boolean current,
      Instant expiresAt) {}
}
