/**
 * Rooms: {@link parley.node.room.ChatRoom}, the sharded, event-sourced entity that owns one timeline (seq = journal
 * sequence number, dedupe by clientMsgId, persist before ack), its state ({@link parley.node.room.RoomState}, with the
 * recent entries and the dedupe window as columns), {@link parley.node.room.History} (pages: from the room's memory or
 * by seq range from the journal) and the {@link parley.node.room.RoomDirectory} of public rooms.
 *
 * <p>Called by the edge and by sessions through sharding; publishes entries to each node's hub. Nothing here knows
 * about sockets, frames on the wire or HTTP: a room answers commands and tells hubs, and that is all.
 */
package parley.node.room;
