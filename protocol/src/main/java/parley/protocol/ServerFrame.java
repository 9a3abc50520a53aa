package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/** A WebSocket text frame from server to client: one JSON object with a {@code type}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ServerFrame.Hello.class, name = "hello"),
  @JsonSubTypes.Type(value = ServerFrame.MessageFrame.class, name = "message"),
  @JsonSubTypes.Type(value = ServerFrame.Ack.class, name = "ack"),
  @JsonSubTypes.Type(value = ServerFrame.Presence.class, name = "presence"),
  @JsonSubTypes.Type(value = ServerFrame.Error.class, name = "error"),
  @JsonSubTypes.Type(value = ServerFrame.Pong.class, name = "pong"),
  @JsonSubTypes.Type(value = ServerFrame.Reset.class, name = "reset"),
  @JsonSubTypes.Type(value = ServerFrame.Typing.class, name = "typing"),
  @JsonSubTypes.Type(value = ServerFrame.Receipt.class, name = "receipt"),
  @JsonSubTypes.Type(value = ServerFrame.Notification.class, name = "notification"),
  @JsonSubTypes.Type(value = ServerFrame.Removed.class, name = "removed"),
  @JsonSubTypes.Type(value = ServerFrame.RoomDeleted.class, name = "room_deleted"),
  @JsonSubTypes.Type(value = ServerFrame.Trimmed.class, name = "trimmed"),
  @JsonSubTypes.Type(value = ServerFrame.Invite.class, name = "invite"),
  @JsonSubTypes.Type(value = ServerFrame.InviteEnded.class, name = "invite_ended"),
  @JsonSubTypes.Type(value = ServerFrame.RoomAdded.class, name = "room_added"),
  @JsonSubTypes.Type(value = ServerFrame.RoomLeft.class, name = "room_left"),
  @JsonSubTypes.Type(value = ServerFrame.Block.class, name = "block"),
  @JsonSubTypes.Type(value = ServerFrame.Marker.class, name = "marker")
})
public sealed interface ServerFrame {

  /** The first frame of every connection. {@code notifications} (v1.1): the user's unread notifications. */
  record Hello(String username, List<RoomSummary> rooms, @JsonInclude(JsonInclude.Include.NON_NULL) Long notifications)
      implements ServerFrame {
    public Hello(String username, List<RoomSummary> rooms) {
      this(username, rooms, null);
    }
  }

  /** A new timeline entry: the fields of {@link Message}, flat. */
  record MessageFrame(
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
      @JsonInclude(JsonInclude.Include.NON_NULL) Retention retention,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long floorSeq,
      @JsonInclude(JsonInclude.Include.NON_NULL) FileRef file)
      implements ServerFrame {
    public MessageFrame {
      sentAt = Json.millis(sentAt);
      mentions = mentions == null ? List.of() : List.copyOf(mentions);
      senderDeleted = Boolean.TRUE.equals(senderDeleted) ? Boolean.TRUE : null;
    }

    public MessageFrame(String room, long seq, String kind, String sender, String text, Instant sentAt,
        String clientMsgId, List<String> mentions) {
      this(room, seq, kind, sender, text, sentAt, clientMsgId, mentions, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null);
    }

    public static MessageFrame of(Message m) {
      return new MessageFrame(m.room(), m.seq(), m.kind(), m.sender(), m.text(), m.sentAt(), m.clientMsgId(),
          m.mentions(), m.senderDeleted(), m.user(), m.role(), m.capacity(), m.passcode(), m.target(), m.replyTo(),
          m.editedAt(), m.deleted(), m.emoji(), m.on(), m.retention(), m.floorSeq(), m.file());
    }

    public Message toMessage() {
      return new Message(room, seq, kind, sender, text, sentAt, clientMsgId, mentions, senderDeleted, user, role,
          capacity, passcode, target, replyTo, editedAt, deleted, emoji, on, null, retention, floorSeq, file);
    }
  }

  /** A send is durably stored at {@code seq}. */
  record Ack(String clientMsgId, String room, long seq, Instant sentAt) implements ServerFrame {
    public Ack {
      sentAt = Json.millis(sentAt);
    }
  }

  /**
   * Room mates who came or went, each with their presence now, in the order they changed. A connection gets at most
   * one such frame per batch window (one second by default), so a burst of comings and goings arrives as one frame.
   */
  record Presence(List<Member> members) implements ServerFrame {
    public Presence {
      members = List.copyOf(members);
    }
  }

  /**
   * A frame could not be done; the connection stays open. {@code ref} names the frame's clientMsgId if any.
   * {@code retryAfterMs} (v1.1, with {@code rate_limited} only): when to send it again, with the same clientMsgId.
   */
  record Error(String code, String message, String ref,
      @JsonInclude(JsonInclude.Include.NON_NULL)
      Long retryAfterMs) implements ServerFrame {
    public Error(String code, String message, String ref) {
      this(code, message, ref, null);
    }
  }

  record Pong() implements ServerFrame {}

  /**
   * The client's place in {@code room} (a handshake's {@code after}, or where the connection was) is past the room's
   * {@code lastSeq}: the server does not have entries the client saw. The client drops what it holds of the room and
   * reads it again; frames for the room go on after {@code lastSeq}. {@code code} is {@code cursor_ahead}.
   */
  record Reset(String room, long lastSeq, String code, String message) implements ServerFrame {
    public static Reset cursorAhead(String room, long after, long lastSeq) {
      return new Reset(room, lastSeq, "cursor_ahead", "you are at seq " + after + " of this room, past its last seq "
          + lastSeq + ": the server does not have entries you have seen; drop what you hold of it and read it again");
    }
  }

  /**
   * v1.1: a room mate is typing in {@code room} until {@code expiresAt} unless told again (the server repeats it at
   * most every 2 s while they type), or, with {@code stop: true} (and no {@code expiresAt}), stopped: they cleared
   * the input, sent, or their last connection closed. Never stored, never in history.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Typing(String room, String username, Instant expiresAt, Boolean stop) implements ServerFrame {
    public Typing {
      expiresAt = Json.millis(expiresAt);
    }

    public static Typing started(String room, String username, Instant expiresAt) {
      return new Typing(room, username, expiresAt, null);
    }

    public static Typing stopped(String room, String username) {
      return new Typing(room, username, null, true);
    }

    public boolean ends() {
      return Boolean.TRUE.equals(stop);
    }
  }

  /**
   * v1.1: where members of {@code room} are: {@code deliveredSeq}, one of their devices holds every entry up to it;
   * {@code readSeq}, their read marker (null if they hide it). One frame per room per second at most, with each member
   * who moved once: in {@code members} always, and also flat ({@code username}, {@code deliveredSeq}, {@code readSeq})
   * when one member moved. {@link #all} reads either.
   */
  record Receipt(String room, String username, Long deliveredSeq, Long readSeq, List<RoomReceipts.Member> members)
      implements ServerFrame {

    /** One member's receipt. */
    public Receipt(String room, String username, long deliveredSeq, Long readSeq) {
      this(room, username, deliveredSeq, readSeq, List.of(new RoomReceipts.Member(username, deliveredSeq, readSeq)));
    }

    /** Every member the frame tells of. */
    public List<RoomReceipts.Member> all() {
      if (members != null) {
        return members;
      }
      return username == null || deliveredSeq == null ? List.of()
          : List.of(new RoomReceipts.Member(username, deliveredSeq, readSeq));
    }
  }

  /**
   * v1.1: a message that mentions the user ({@code kind} "mention") or came in one of their DMs ("dm"), on each of the
   * user's connections that does not show that room ({@code focus}); also kept in their inbox.
   */
  record Notification(String room, long seq, String sender, String kind, String excerpt) implements ServerFrame {}

  /**
   * v1.1: this user was removed from {@code room}: {@code reason} {@code kicked} or {@code banned}, {@code by} whom,
   * {@code text} the reason they gave (left out if none). Nothing more of the room comes on this connection, and its
   * reads are refused.
   */
  record Removed(String room, String reason, String by, @JsonInclude(JsonInclude.Include.NON_NULL) String text)
      implements ServerFrame {}

  /** v1.1: the room's owner deleted it: it is gone, with its history, for everyone. */
  record RoomDeleted(String room) implements ServerFrame {}

  /**
   * v1.1: the connection's place in {@code room} is below the room's floor: its retention removed the entries before
   * {@code floorSeq}, and the next {@code message} frame of the room is {@code floorSeq}'s. Never a silent gap.
   */
  record Trimmed(String room, long floorSeq) implements ServerFrame {}

  /**
   * v1.2: an invitation for the user (a group DM opened by someone who shares no room with them), on every connection
   * of theirs: the same item as in {@code GET /api/v1/me/invites}.
   */
  record Invite(InviteList.Item invite) implements ServerFrame {}

  /**
   * v1.2: the invitation to {@code room} is answered, on whichever device: {@code accepted} (the room comes as any
   * room the user joins) or not (declined, or its sender blocked). Every connection of the user drops it.
   */
  record InviteEnded(String room, boolean accepted) implements ServerFrame {}

  /**
   * v1.2: the user blocked {@code user} ({@code on}) or unblocked them, on whichever device: every connection keeps
   * one list of whom the user blocks (the first is {@code GET /api/v1/me/blocks}).
   */
  record Block(String user, boolean on) implements ServerFrame {}

  /**
   * v1.2: the user's read marker in {@code room} moved to {@code readSeq}, on whichever device (every connection of
   * theirs gets it, the one that read too): its unread count, mentions and notifications up to there are read.
   */
  record Marker(String room, long readSeq) implements ServerFrame {}

  /**
   * v1.2: the user is in a room now, joined on whichever device (or a DM opened, an invitation accepted), on every
   * connection of the user, before any entry of the room: its summary as in {@code hello}. Its entries follow from the
   * join on.
   */
  record RoomAdded(RoomSummary room) implements ServerFrame {}

  /**
   * v1.2: the user left the room on whichever device: every connection drops it. (Being removed has its own frames:
   * {@code removed}, {@code room_deleted}.)
   */
  record RoomLeft(String room) implements ServerFrame {}
}
