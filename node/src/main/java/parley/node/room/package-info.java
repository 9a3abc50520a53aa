/**
 * Rooms: {@link parley.node.room.ChatRoom}, the sharded, event-sourced entity that owns one timeline (seq = journal
 * sequence number, dedupe by clientMsgId, persist before ack), its state ({@link parley.node.room.RoomState}, with the
 * recent entries and the dedupe window as columns), {@link parley.node.room.History} (pages: from the room's memory or
 * by seq range from the journal), {@link parley.node.room.RoomDirectory} of public rooms, and the soft state of v1.1
 * (typing, receipts, mentions, notifications: {@code RoomAwareness}).
 *
 * <p>Called by the edge and by sessions through sharding; publishes entries to each node's hub. Nothing here knows
 * about sockets or HTTP: a room answers commands and tells hubs what to pass on, which it renders once as the
 * protocol's JSON (so every hub and session forwards the same text).
 */
package parley.node.room;
