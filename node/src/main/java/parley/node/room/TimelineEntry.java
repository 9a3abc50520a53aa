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
    List<String> mentions,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String user,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String role,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Integer capacity,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Boolean passcode,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Long target,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Long replyTo,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Boolean on,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    parley.protocol.Retention retention,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    parley.protocol.FileRef file)
    implements CborSerializable {

  /**
   * {@code mentions} (v1.1): the members a message names; empty (null in entries stored before v1.1) for none.
   * {@code user}, {@code role}, {@code capacity}, {@code passcode} (v1.1, moderation): who a {@code kicked},
   * {@code banned}, {@code unbanned} or {@code role} entry is about and the role given; a {@code settings}
   * entry's new capacity and whether a passcode is now needed. {@code target} (v1.1): the message an {@code edit} or
   * {@code delete} is about; {@code replyTo}: the message a message answers; {@code on}: whether a {@code reaction}
   * (its emoji in {@code text}, its message in {@code target}) was put on or taken off. {@code retention}: what a
   * {@code retention} entry set; a {@code trimmed} entry's new floor is its {@code target} (on the wire,
   * {@code floorSeq}); {@code file}: what a {@code file} entry shared. Null where they do not apply.
   */
  public TimelineEntry {
    mentions = mentions == null || mentions.isEmpty() ? List.of() : List.copyOf(mentions);
  }

  public TimelineEntry(long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId) {
    this(seq, kind, sender, text, sentAt, clientMsgId, List.of());
  }

  public TimelineEntry(long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions) {
    this(seq, kind, sender, text, sentAt, clientMsgId, mentions, null, null, null, null, null, null);
  }

  public TimelineEntry(long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions, String user, String role, Integer capacity, Boolean passcode) {
    this(seq, kind, sender, text, sentAt, clientMsgId, mentions, user, role, capacity, passcode, null, null, null);
  }

  public TimelineEntry(long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions, String user, String role, Integer capacity, Boolean passcode, Long target, Long replyTo) {
    this(seq, kind, sender, text, sentAt, clientMsgId, mentions, user, role, capacity, passcode, target, replyTo, null);
  }

  public TimelineEntry(long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions, String user, String role, Integer capacity, Boolean passcode, Long target, Long replyTo,
      Boolean on) {
    this(seq, kind, sender, text, sentAt, clientMsgId, mentions, user, role, capacity, passcode, target, replyTo, on,
        null);
  }

  public TimelineEntry(long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions, String user, String role, Integer capacity, Boolean passcode, Long target, Long replyTo,
      Boolean on, parley.protocol.Retention retention) {
    this(seq, kind, sender, text, sentAt, clientMsgId, mentions, user, role, capacity, passcode, target, replyTo, on,
        retention, null);
  }

  /** Anything beyond a sender, an id, a text and mentions (moderation fields, a target, a reply). */
  boolean hasMore() {
    return user != null || role != null || capacity != null || passcode != null || target != null || replyTo != null
        || on != null || retention != null || file != null;
  }

  /** A moderation entry (v1.1): {@code sender} acted on {@code user}; {@code text}, the reason or the new value. */
  public static TimelineEntry moderation(long seq, String kind, String sender, String user, String text, Instant at) {
    return new TimelineEntry(seq, kind, sender, text, at, null, List.of(), user, null, null, null);
  }

  public static final String MESSAGE = Message.KIND_MESSAGE;
  public static final String JOINED = Message.KIND_JOINED;
  public static final String LEFT = Message.KIND_LEFT;
  public static final String ACCOUNT_CLOSED = Message.KIND_ACCOUNT_CLOSED;
  public static final String TOPIC = Message.KIND_TOPIC;
  public static final String RENAMED = Message.KIND_RENAMED;
  public static final String SETTINGS = Message.KIND_SETTINGS;
  public static final String KICKED = Message.KIND_KICKED;
  public static final String BANNED = Message.KIND_BANNED;
  public static final String UNBANNED = Message.KIND_UNBANNED;
  public static final String ROLE = Message.KIND_ROLE;
  /** v1.1: the tombstone of a deleted room; never shown as an entry (members get {@code room_deleted}). */
  public static final String DELETED = "room_deleted";
  public static final String EDIT = Message.KIND_EDIT;
  public static final String DELETE = Message.KIND_DELETE;
  public static final String REACTION = Message.KIND_REACTION;
  public static final String RETENTION = Message.KIND_RETENTION;
  public static final String TRIMMED = Message.KIND_TRIMMED;
  public static final String FILE = Message.KIND_FILE;

  /** A message or (v1.1) a file: what a person writes, counts as unread, and may delete or react to. */
  public boolean isPost() {
    return MESSAGE.equals(kind) || FILE.equals(kind);
  }

  /** As a client gets it; an {@code account_closed} entry's sender is deleted by definition. */
  public Message toWire(String roomId) {
    return toWire(roomId, ACCOUNT_CLOSED.equals(kind));
  }

  /** {@code senderDeleted}: the sender has closed their account (see {@link ChatRoom.Page#toWire}). */
  public Message toWire(String roomId, boolean senderDeleted) {
    boolean reaction = REACTION.equals(kind);
    boolean trimmed = TRIMMED.equals(kind);
    return new Message(roomId, seq, kind, sender, reaction ? null : text, sentAt, clientMsgId, mentions,
        senderDeleted ? Boolean.TRUE : null, user, role, capacity, passcode, trimmed ? null : target, replyTo, null,
        null, reaction ? text : null, on, null, retention, trimmed ? target : null, file);
  }
}
