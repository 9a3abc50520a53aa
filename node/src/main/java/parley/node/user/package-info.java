/**
 * Users: {@link parley.node.user.UserAccount}, the sharded, event-sourced entity of one account, its state
 * ({@link parley.node.user.UserState}) and its parts, one concern each: the persistent account (credentials, tokens
 * and tickets; the user's rooms with read markers and the inbox; invitations and blocks; closure) and the soft state
 * of the moment (the sessions connected now and presence derived from them; the per-user rate buckets).
 *
 * <p>Called by the edge (authentication on every request) and by sessions (registration, read markers); tells rooms
 * of presence and markers. Tells the user's sessions what happened to the user as a
 * {@link parley.node.user.UserNotice}, which each session adapts: this package never imports {@code delivery} or
 * {@code http}, never renders a wire frame or picks a close code. Stores only hashes of secrets, never a token or a
 * password.
 */
package parley.node.user;
