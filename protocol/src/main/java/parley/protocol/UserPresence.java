package parley.protocol;

import java.time.Instant;

/** {@code GET /api/v1/users/{username}}. */
public record UserPresence(String username, boolean online, Instant lastSeen) {}
