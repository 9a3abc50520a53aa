package parley.node.room;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;
import parley.node.CborSerializable;

/**
 * One entry of a room's timeline as the journal keeps it: the room's own gap-free seq, who did it and when, and a
 * record of its own for each kind of fact with only that fact's fields. Not a wire type: the edge maps entries to the
 * protocol's messages.
 *
 * <p>In the journal an entry is its fields and its kind's name under {@code kind} (the Jackson type name), never a
 * class name, so a class may move or be renamed freely. That is also the shape every entry had when all kinds were
 * one record with a field for each, so journals and snapshots of that time read as these records: where a field's
 * name here differs from that record's, {@link JsonProperty} keeps the stored one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TimelineEntry.Message.class, name = TimelineEntry.MESSAGE),
    @JsonSubTypes.Type(value = TimelineEntry.File.class, name = TimelineEntry.FILE),
    @JsonSubTypes.Type(value = TimelineEntry.Edit.class, name = TimelineEntry.EDIT),
    @JsonSubTypes.Type(value = TimelineEntry.Delete.class, name = TimelineEntry.DELETE),
    @JsonSubTypes.Type(value = TimelineEntry.Reaction.class, name = TimelineEntry.REACTION),
    @JsonSubTypes.Type(value = TimelineEntry.Joined.class, name = TimelineEntry.JOINED),
    @JsonSubTypes.Type(value = TimelineEntry.Left.class, name = TimelineEntry.LEFT),
    @JsonSubTypes.Type(value = TimelineEntry.AccountClosed.class, name = TimelineEntry.ACCOUNT_CLOSED),
    @JsonSubTypes.Type(value = TimelineEntry.Kicked.class, name = TimelineEntry.KICKED),
    @JsonSubTypes.Type(value = TimelineEntry.Banned.class, name = TimelineEntry.BANNED),
    @JsonSubTypes.Type(value = TimelineEntry.Unbanned.class, name = TimelineEntry.UNBANNED),
    @JsonSubTypes.Type(value = TimelineEntry.Role.class, name = TimelineEntry.ROLE),
    @JsonSubTypes.Type(value = TimelineEntry.Topic.class, name = TimelineEntry.TOPIC),
    @JsonSubTypes.Type(value = TimelineEntry.Renamed.class, name = TimelineEntry.RENAMED),
    @JsonSubTypes.Type(value = TimelineEntry.Settings.class, name = TimelineEntry.SETTINGS),
    @JsonSubTypes.Type(value = TimelineEntry.Visibility.class, name = TimelineEntry.VISIBILITY),
    @JsonSubTypes.Type(value = TimelineEntry.Invited.class, name = TimelineEntry.INVITED),
    @JsonSubTypes.Type(value = TimelineEntry.WhoInvites.class, name = TimelineEntry.WHO_INVITES),
    @JsonSubTypes.Type(value = TimelineEntry.Retention.class, name = TimelineEntry.RETENTION),
    @JsonSubTypes.Type(value = TimelineEntry.Trimmed.class, name = TimelineEntry.TRIMMED),
    @JsonSubTypes.Type(value = TimelineEntry.RoomDeleted.class, name = TimelineEntry.DELETED)})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface TimelineEntry extends CborSerializable {
  String MESSAGE = "message";
  String FILE = "file";
  String EDIT = "edit";
  String DELETE = "delete";
  String REACTION = "reaction";
  String JOINED = "joined";
  String LEFT = "left";
  String ACCOUNT_CLOSED = "account_closed";
  String KICKED = "kicked";
  String BANNED = "banned";
  String UNBANNED = "unbanned";
  String ROLE = "role";
  String TOPIC = "topic";
  String RENAMED = "renamed";
  String SETTINGS = "settings";
  String VISIBILITY = "visibility";
  String INVITED = "invited";
  String WHO_INVITES = "who_invites";
  String RETENTION = "retention";
  String TRIMMED = "trimmed";
  /** The tombstone of a deleted room; never shown as an entry (members get {@code room_deleted}). */
  String DELETED = "room_deleted";

  long seq();

  /** Who did it: the writer, the member who came or went, the moderator. */
  String sender();

  Instant sentAt();

  /** The kind's name, as the journal and the protocol have it. */
  String kind();

  /** A message or a file: what a person writes, counts as unread, and may delete or react to. */
  @JsonIgnore
  default boolean isPost() {
    return this instanceof Writing;
  }

  /** An entry a member sent: deduplicated by (sender, clientMsgId). */
  sealed interface FromClient extends TimelineEntry {
    String clientMsgId();
  }

  /** A message or a file; {@code mentions}: the members it names (empty for none). */
  sealed interface Writing extends FromClient {
    String text();

    List<String> mentions();
  }

  /** An edit, a delete or a reaction: about the message at {@code target}. */
  sealed interface AboutMessage extends FromClient {
    long target();
  }

  /** Moderation: {@code sender} acted on {@code user}. */
  sealed interface AboutMember extends TimelineEntry {
    String user();
  }

  /** {@code replyTo}: the message it answers, or null. */
  record Message(long seq, String sender, String text, Instant sentAt, String clientMsgId,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> mentions, Long replyTo) implements Writing {
    public Message {
      mentions = mentions == null || mentions.isEmpty() ? List.of() : List.copyOf(mentions);
    }

    public Message(long seq, String sender, String text, Instant sentAt, String clientMsgId) {
      this(seq, sender, text, sentAt, clientMsgId, List.of(), null);
    }

    @Override
    public String kind() {
      return MESSAGE;
    }
  }

  /** A shared file; {@code text}, its caption. */
  record File(long seq, String sender, String text, Instant sentAt, String clientMsgId, SharedFile file)
      implements Writing {
    @Override
    public List<String> mentions() {
      return List.of();
    }

    @Override
    public String kind() {
      return FILE;
    }
  }

  /** The message at {@code target} now reads {@code text}. */
  record Edit(long seq, String sender, String text, Instant sentAt, String clientMsgId, long target)
      implements AboutMessage {
    @Override
    public String kind() {
      return EDIT;
    }
  }

  record Delete(long seq, String sender, Instant sentAt, String clientMsgId, long target) implements AboutMessage {
    @Override
    public String kind() {
      return DELETE;
    }
  }

  /**
   * {@code sender} put {@code emoji} on the message at {@code target} ({@code on}), or took it off. Entries stored
   * before reactions were kept as emoji hold a {@code :shortcode:} instead.
   */
  record Reaction(long seq, String sender, Instant sentAt, String clientMsgId, long target,
      @JsonProperty("text") String emoji, boolean on) implements AboutMessage {
    @Override
    public String kind() {
      return REACTION;
    }
  }

  record Joined(long seq, String sender, Instant sentAt) implements TimelineEntry {
    @Override
    public String kind() {
      return JOINED;
    }
  }

  record Left(long seq, String sender, Instant sentAt) implements TimelineEntry {
    @Override
    public String kind() {
      return LEFT;
    }
  }

  /** The sender closed their account: their entries read as a deleted user's; a member leaves with it. */
  record AccountClosed(long seq, String sender, Instant sentAt) implements TimelineEntry {
    @Override
    public String kind() {
      return ACCOUNT_CLOSED;
    }
  }

  /** {@code reason} may be null. */
  record Kicked(long seq, String sender, Instant sentAt, String user, @JsonProperty("text") String reason)
      implements AboutMember {
    @Override
    public String kind() {
      return KICKED;
    }
  }

  /** {@code reason} may be null. */
  record Banned(long seq, String sender, Instant sentAt, String user, @JsonProperty("text") String reason)
      implements AboutMember {
    @Override
    public String kind() {
      return BANNED;
    }
  }

  /** {@code reason} may be null. */
  record Unbanned(long seq, String sender, Instant sentAt, String user, @JsonProperty("text") String reason)
      implements AboutMember {
    @Override
    public String kind() {
      return UNBANNED;
    }
  }

  /** {@code user} is now {@code role}: {@code admin}, {@code member} or {@code owner} (who hands over the room). */
  record Role(long seq, String sender, Instant sentAt, String user, String role) implements AboutMember {
    @Override
    public String kind() {
      return ROLE;
    }
  }

  /** {@code topic}: empty for none. */
  record Topic(long seq, String sender, Instant sentAt, @JsonProperty("text") String topic) implements TimelineEntry {
    @Override
    public String kind() {
      return TOPIC;
    }
  }

  record Renamed(long seq, String sender, Instant sentAt, @JsonProperty("text") String name) implements TimelineEntry {
    @Override
    public String kind() {
      return RENAMED;
    }
  }

  /**
   * The room's new {@code capacity} and whether a {@code passcode} is now needed; null for what did not change (the
   * passcode's hash is the event's, never the entry's).
   */
  record Settings(long seq, String sender, Instant sentAt, Integer capacity, Boolean passcode)
      implements TimelineEntry {
    @Override
    public String kind() {
      return SETTINGS;
    }
  }

  /** Who may find the room from now on: {@link RoomInfo#PUBLIC}, {@link RoomInfo#UNLISTED} or {@link RoomInfo#PRIVATE}. */
  record Visibility(long seq, String sender, Instant sentAt, @JsonProperty("text") String visibility)
      implements TimelineEntry {
    @Override
    public String kind() {
      return VISIBILITY;
    }
  }

  /** v1.4: who may invite from now on: {@link #MEMBERS} (every member) or {@link #ADMINS} (the owner and admins). */
  record WhoInvites(long seq, String sender, Instant sentAt, @JsonProperty("text") String who)
      implements TimelineEntry {
    public static final String MEMBERS = "members";
    public static final String ADMINS = "admins";

    @Override
    public String kind() {
      return WHO_INVITES;
    }
  }

  /** {@code sender} invited {@code user}, who may join from now on whatever the room's visibility and passcode. */
  record Invited(long seq, String sender, Instant sentAt, String user) implements AboutMember {
    @Override
    public String kind() {
      return INVITED;
    }
  }

  /** What the room keeps from now on ({@link RetentionRule#keepsAll()}: everything). */
  record Retention(long seq, String sender, Instant sentAt, RetentionRule retention) implements TimelineEntry {
    @Override
    public String kind() {
      return RETENTION;
    }
  }

  /** Retention removed the entries before {@code floorSeq} (stored as {@code target}). */
  record Trimmed(long seq, String sender, Instant sentAt, @JsonProperty("target") long floorSeq)
      implements TimelineEntry {
    @Override
    public String kind() {
      return TRIMMED;
    }
  }

  /** The owner ({@code sender}) deleted the room. */
  record RoomDeleted(long seq, String sender, Instant sentAt) implements TimelineEntry {
    @Override
    public String kind() {
      return DELETED;
    }
  }
}
