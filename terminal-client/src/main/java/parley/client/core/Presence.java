package parley.client.core;

import java.time.Instant;

/** Whether a user is online, and when last seen if not (null if never). */
public record Presence(boolean online, Instant lastSeen) {
  public static final Presence UNKNOWN = new Presence(false, null);
}
