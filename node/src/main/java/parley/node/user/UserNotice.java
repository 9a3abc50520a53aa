package parley.node.user;

import parley.node.CborSerializable;

/**
 * What the user's entity tells each session of the user. A session registers an {@code ActorRef<UserNotice>} with
 * {@link UserAccount.SessionStarted} and turns each notice into what its client sees (a close code, a frame): the
 * user owns what happened, the session how it is shown. Sessions and the entity may be on different nodes, so every
 * notice is serializable.
 */
public sealed interface UserNotice extends CborSerializable {

  /** The session's token is no longer valid (logout, a password change, a closed account, evicted): it ends. */
  record SignedOut(String reason) implements UserNotice {}

  /** The user joined a room (or a DM was opened): entries after {@code afterSeq} are theirs to follow. */
  record RoomAdded(String roomId, long afterSeq) implements UserNotice {}

  /** The user is no longer in the room; {@code removal}: why, when they did not leave it themselves (else null). */
  record RoomRemoved(String roomId, Removal removal) implements UserNotice {}

  /**
   * Why a user lost a room: {@code reason} is {@code kicked}, {@code banned} or {@code room_deleted}; {@code by} who
   * did it, {@code text} the reason they gave (or null).
   */
  record Removal(String reason, String by, String text) implements CborSerializable {}

  /** A notification was added to the user's inbox (a mention, a DM). */
  record Notified(Notification notification) implements UserNotice {}

  /** An invitation came for the user. */
  record Invited(Invite invite) implements UserNotice {}

  /** The invitation to the room was accepted or declined (or went: its sender blocked, the inbox full). */
  record InviteEnded(String roomId, boolean accepted) implements UserNotice {}

  /** The user's read marker in the room moved to {@code readSeq}, on whichever device. */
  record MarkerMoved(String roomId, long readSeq) implements UserNotice {}

  /** The user blocked {@code username} ({@code on}), or unblocked them. */
  record BlockChanged(String username, boolean on) implements UserNotice {}
}
