package parley.node.room;

import java.time.Instant;
import java.util.List;
import parley.node.CborSerializable;
import parley.protocol.Message;

/**
 * One entry of a room's timeline as the journal keeps it: the room's own gap-free seq, what happened, who did it.
 * {@code text} and {@code clientMsgId} are null for membership entries. Not a wire type: see {@link #toWire}.
 */
public record TimelineEntry(
    long seq,
    String kind,
    String sender,
    String text,
    Instant sentAt,
    String clientMsgId,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
    List<String> mentions)
    implements CborSerializable {

  /** {@code mentions} (v1.1): the members a message names; empty (null in entries stored before v1.1) for none. */
  public TimelineEntry {
    mentions = mentions == null || mentions.isEmpty() ? List.of() : List.copyOf(mentions);
  }

  public TimelineEntry(long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId) {
    this(seq, kind, sender, text, sentAt, clientMsgId, List.of());
  }

  public static final String MESSAGE = Message.KIND_MESSAGE;
  public static final String JOINED = Message.KIND_JOINED;
  public static final String LEFT = Message.KIND_LEFT;
  public static final String ACCOUNT_CLOSED = Message.KIND_ACCOUNT_CLOSED;

  /** As a client gets it; an {@code account_closed} entry's sender is deleted by definition. */
  public Message toWire(String roomId) {
    return toWire(roomId, ACCOUNT_CLOSED.equals(kind));
  }

  /** {@code senderDeleted}: the sender has closed their account (see {@link ChatRoom.Page#toWire}). */
  public Message toWire(String roomId, boolean senderDeleted) {
    return new Message(roomId, seq, kind, sender, text, sentAt, clientMsgId, mentions, senderDeleted ? Boolean.TRUE : null);
  }
}
