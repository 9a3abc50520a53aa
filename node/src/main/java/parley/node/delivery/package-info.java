/**
 * Delivery: one {@link parley.node.delivery.ClientSession} per WebSocket (its cursor per room, its sends in flight,
 * the hello sequence, each a class of its own the session's actor hands its messages to) and one
 * {@link parley.node.delivery.RoomHub} per node (which local sessions follow which room; an entry reaches a node once
 * and is encoded once). The hub subscribes to rooms with a message adapter for what a room tells it
 * ({@link parley.node.room.RoomNews}) and turns that into what its sessions need. Sessions repair gaps from storage
 * through {@link parley.node.room.History}: the socket gets every entry of every room once, in seq order.
 *
 * <p>Created by the edge for each upgraded connection, and blind to it: a session writes {@link
 * parley.node.delivery.PreparedText}s (a frame's text encoded once, for every socket that gets it) to an {@link
 * parley.node.delivery.ClientSession.Outbound}, and the edge renders them to WebSocket frames. Never imports
 * {@code parley.node.http}. Writes nothing to the journal; decides nothing a room decides (membership, seqs, dedupe).
 */
package parley.node.delivery;
