/**
 * A Parley node: its wiring and configuration ({@link parley.node.Main}, {@link parley.node.ParleyNode},
 * {@link parley.node.NodeConfig}, {@link parley.node.DatabaseSettings}, {@link parley.node.Migrations}), and what
 * every part shares: the serialization marker, the input rules of protocol v1 ({@link parley.node.Validation}),
 * secrets (passwords, tokens, room ids), the log throttle and the names persisted data had before.
 *
 * <p>The parts, each a package: {@code room} (the room entity and the room directory: timelines, members, dedupe),
 * {@code user} (the user entity: accounts, tokens, read markers, presence), {@code delivery} (a WebSocket's session
 * and the node's hub: who gets which entry, in order), {@code http} (the edge: routes, WebSockets, connection limits), {@code limits} (rate limits: token buckets, login
 * backoff, what a node keeps per client address), {@code files} (shared files) and {@code invites} (invite links).
 * Calls go edge to delivery to entities; entities answer and publish to hubs. Nothing here holds chat state.
 */
package parley.node;
