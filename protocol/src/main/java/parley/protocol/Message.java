package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One timeline entry of a room. {@code kind} is {@code "message"}, {@code "joined"} or {@code "left"}, and (v1.1)
 * {@code "account_closed"}; a client shows the kinds it knows and skips the others. seq is the room's own, starting
 * at 1, gap-free. {@code text} and {@code clientMsgId} are null for membership entries. {@code mentions} (v1.1): the
 * members a message names with {@code @username} (every member for {@code @room}). {@code senderDeleted} (v1.1):
 * true when the sender has closed their account, left out otherwise.
 */
public record Message(
    String room,
    long seq,
    String kind,
    String sender,
    String text,
    Instant sentAt,
    String clientMsgId,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> mentions,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean senderDeleted,
    @JsonInclude(JsonInclude.Include.NON_NULL) String user,
    @JsonInclude(JsonInclude.Include.NON_NULL) String role,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer capacity,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean passcode,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long target,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long replyTo,
    @JsonInclude(JsonInclude.Include.NON_NULL) Instant editedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean deleted,
    @JsonInclude(JsonInclude.Include.NON_NULL) String emoji,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean on,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, List<String>> reactions,
    @JsonInclude(JsonInclude.Include.NON_NULL) Retention retention,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long floorSeq,
    @JsonInclude(JsonInclude.Include.NON_NULL) FileRef file) {

  public static final String KIND_MESSAGE = "message";
  public static final String KIND_JOINED = "joined";
  public static final String KIND_LEFT = "left";
  /** v1.1: the sender closed their account (and, if they were a member, left). */
  public static final String KIND_ACCOUNT_CLOSED = "account_closed";
  /** v1.1, moderation: {@code text} is the new topic ("" cleared it). */
  public static final String KIND_TOPIC = "topic";
  /** v1.1, moderation: {@code text} is the new name. */
  public static final String KIND_RENAMED = "renamed";
  /** v1.1, moderation: {@code capacity} and/or {@code passcode} (whether one is needed now) changed. */
  public static final String KIND_SETTINGS = "settings";
  /** v1.3, moderation: {@code text} is who may find the room now: public, unlisted or private. */
  public static final String KIND_VISIBILITY = "visibility";
  /** v1.3, moderation: {@code sender} invited {@code user}, who may join from now on. */
  public static final String KIND_INVITED = "invited";
  /** v1.4, moderation: {@code text} is who may invite now: {@code members} (every member) or {@code admins}. */
  public static final String KIND_WHO_INVITES = "who_invites";
  /** v1.1, moderation: {@code sender} removed {@code user}; {@code text} the reason, or null. */
  public static final String KIND_KICKED = "kicked";
  public static final String KIND_BANNED = "banned";
  public static final String KIND_UNBANNED = "unbanned";
  /** v1.1, moderation: {@code sender} gave {@code user} the {@code role} (owner, admin or member). */
  public static final String KIND_ROLE = "role";
  /** v1.1: the sender changed their message at seq {@code target} to {@code text}. */
  public static final String KIND_EDIT = "edit";
  /** v1.1: the sender (or the room's owner or an admin) deleted the message at seq {@code target}. */
  public static final String KIND_DELETE = "delete";
  /** v1.1: the sender put the {@code emoji} on ({@code on}) or took it off the message at {@code target}. */
  public static final String KIND_REACTION = "reaction";
  /** v1.1: the owner set the room's {@code retention} ({@code {}}: keep everything). */
  public static final String KIND_RETENTION = "retention";
  /** v1.1: the room's retention removed the entries before {@code floorSeq}; its history starts there now. */
  public static final String KIND_TRIMMED = "trimmed";
  /** v1.1: the sender shared a {@code file}; {@code text} is its name. */
  public static final String KIND_FILE = "file";

  public Message {
    sentAt = Json.millis(sentAt);
    mentions = mentions == null ? List.of() : List.copyOf(mentions);
    senderDeleted = Boolean.TRUE.equals(senderDeleted) ? Boolean.TRUE : null;
    deleted = Boolean.TRUE.equals(deleted) ? Boolean.TRUE : null;
    editedAt = editedAt == null ? null : Json.millis(editedAt);
    reactions = reactions == null ? Map.of() : reactions;
  }

  public Message(String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions, Boolean senderDeleted, String user, String role, Integer capacity, Boolean passcode,
      Long target, Long replyTo, Instant editedAt, Boolean deleted, String emoji, Boolean on,
      Map<String, List<String>> reactions) {
    this(room, seq, kind, sender, text, sentAt, clientMsgId, mentions, senderDeleted, user, role, capacity, passcode,
        target, replyTo, editedAt, deleted, emoji, on, reactions, null, null, null);
  }

  public Message(String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions, Boolean senderDeleted, String user, String role, Integer capacity, Boolean passcode,
      Long target, Long replyTo, Instant editedAt, Boolean deleted, String emoji, Boolean on,
      Map<String, List<String>> reactions, Retention retention, Long floorSeq) {
    this(room, seq, kind, sender, text, sentAt, clientMsgId, mentions, senderDeleted, user, role, capacity, passcode,
        target, replyTo, editedAt, deleted, emoji, on, reactions, retention, floorSeq, null);
  }

  public Message(String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions, Boolean senderDeleted, String user, String role, Integer capacity, Boolean passcode,
      Long target, Long replyTo, Instant editedAt, Boolean deleted) {
    this(room, seq, kind, sender, text, sentAt, clientMsgId, mentions, senderDeleted, user, role, capacity, passcode,
        target, replyTo, editedAt, deleted, null, null, null);
  }

  public Message(String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions, Boolean senderDeleted, String user, String role, Integer capacity, Boolean passcode) {
    this(room, seq, kind, sender, text, sentAt, clientMsgId, mentions, senderDeleted, user, role, capacity, passcode,
        null, null, null, null);
  }

  public Message(String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions) {
    this(room, seq, kind, sender, text, sentAt, clientMsgId, mentions, null);
  }

  public Message(String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId,
      List<String> mentions, Boolean senderDeleted) {
    this(room, seq, kind, sender, text, sentAt, clientMsgId, mentions, senderDeleted, null, null, null, null);
  }

  /** An entry that mentions nobody (v1.1: {@code mentions} is left out of the JSON then). */
  public Message(String room, long seq, String kind, String sender, String text, Instant sentAt, String clientMsgId) {
    this(room, seq, kind, sender, text, sentAt, clientMsgId, List.of());
  }
}
