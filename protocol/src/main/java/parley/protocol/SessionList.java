package parley.protocol;

import java.time.Instant;
import java.util.List;

/**
 * v1.1: {@code GET /api/v1/me/sessions}: the user's live tokens, most recently used first. {@code address} and
 * {@code userAgent} are those of the login (null for a token issued before v1.1); {@code lastUsed} is exact while
 * the node holding the user's entity runs, else at most an hour early. v1.2: {@code limit}, the most an account
 * holds, and {@code ended}, the last sessions the node ended because a login went past it, newest first.
 */
public record SessionList(List<Item> sessions, int limit, List<Ended> ended) {
  public SessionList {
    ended = ended == null ? List.of() : ended;
  }

  public record Item(String id, Instant created, Instant lastUsed, String address, String userAgent, boolean current,
      Instant expiresAt) {}

  /** A session ended by the limit: {@code reason} is {@code session_limit}. */
  public record Ended(String id, Instant created, Instant lastUsed, String address, String userAgent, Instant endedAt,
      String reason) {}
}
