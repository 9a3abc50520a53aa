/**
 * Rooms: {@link parley.node.room.ChatRoom}, the sharded, event-sourced entity that owns one timeline (seq = journal
 * sequence number, dedupe by clientMsgId, persist before ack): its protocol there, its entity
 * ({@link parley.node.room.RoomEntity}) wiring each command to the handlers of one concern (membership, sends,
 * moderation, retention), its state ({@link parley.node.room.RoomState}, with the recent entries and the dedupe window
 * as columns), its soft state (listeners and presence, typing, receipts, mentions, notifications), and its I/O child
 * ({@link parley.node.room.RoomIo}: journal erasure, file release, the age scan of retention, off the room's thread);
 * {@link parley.node.room.History} (pages: from the room's memory or by seq range from the journal), and the
 * {@link parley.node.room.RoomDirectory} of public rooms.
 *
 * <p>Called by the edge and by sessions through sharding. A room tells its listeners (one hub per node) what happened
 * as {@link parley.node.room.RoomNews}, a type of its own: it never imports {@code delivery} or {@code http}, and
 * knows nothing of sockets, sessions or HTTP. It asks its members' accounts through {@link parley.node.room.Members},
 * a port the user package implements: it never imports {@code user}, which sends through rooms. It renders its moments
 * (typing, receipts) once as the protocol's JSON; its entries go out as entries, which each hub frames. An entry
 * ({@link parley.node.room.TimelineEntry}) is a record of its kind, in the room's own types: it never becomes the
 * protocol's {@code Message} here (that is the edge's {@code WireEntries}), and the journal holds no wire type.
 */
package parley.node.room;
