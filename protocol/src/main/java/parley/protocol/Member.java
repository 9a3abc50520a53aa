package parley.protocol;

import java.time.Instant;

/** A room member with presence; {@code lastSeen} is null for a user never seen. */
public record Member(String username, boolean online, Instant lastSeen) {}
