package parley.node.user;

import java.time.Instant;
import parley.node.CborSerializable;

/**
 * Something that happened to a user while they may not have been looking: a message that mentions them
 * ({@code kind} "mention") or a message in one of their DMs ("dm"). {@code id}: the user's own, increasing.
 */
public record Notification(long id, String room, long seq, String sender, String kind, String excerpt, Instant at)
    implements CborSerializable {

  public static final String MENTION = "mention";
  public static final String DM = "dm";
}
