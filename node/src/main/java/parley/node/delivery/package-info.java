/**
 * Delivery: one {@link parley.node.delivery.ClientSession} per WebSocket (its cursor per room, its sends in flight,
 * the hello sequence) and one {@link parley.node.delivery.RoomHub} per node (which local sessions follow which room;
 * an entry reaches a node once and is framed once). Sessions repair gaps from storage through
 * {@link parley.node.room.History}: the socket gets every entry of every room once, in seq order.
 *
 * <p>Created by the edge for each upgraded connection. Writes nothing to the journal; decides nothing a room decides
 * (membership, seqs, dedupe).
 */
package parley.node.delivery;
