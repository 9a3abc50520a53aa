/**
 * Users: {@link parley.node.user.UserAccount}, the sharded, event-sourced entity of one account (password hash,
 * hashed tokens and tickets, the user's rooms with read markers, presence from the sessions registered with it, the
 * per-user limits), and its state ({@link parley.node.user.UserState}).
 *
 * <p>Called by the edge (authentication on every request) and by sessions (registration, read markers); tells rooms
 * of presence. Stores only hashes of secrets, never a token or a password.
 */
package parley.node.user;
