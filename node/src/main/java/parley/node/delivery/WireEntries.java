package parley.node.delivery;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import parley.node.room.ChatRoom;
import parley.node.room.RetentionRule;
import parley.node.room.RoomState;
import parley.node.room.SharedFile;
import parley.node.room.TimelineEntry;
import parley.protocol.FileRef;
import parley.protocol.Message;
import parley.protocol.Retention;
import parley.protocol.Shortcodes;

/**
 * A room's entries as clients get them: the protocol's {@link Message}, for the hubs' frames, the sessions' history
 * and the HTTP API alike. The room keeps its entries in its own types and never builds a wire message; the edge does,
 * here.
 */
public final class WireEntries {
  private WireEntries() {}

  /** As a client gets it live; an {@code account_closed} entry's sender is deleted by definition. */
  public static Message of(String roomId, TimelineEntry e) {
    return of(roomId, e, e instanceof TimelineEntry.AccountClosed);
  }

  /** {@code senderDeleted}: the sender has closed their account. */
  public static Message of(String roomId, TimelineEntry e, boolean senderDeleted) {
    String text = null;
    String clientMsgId = null;
    List<String> mentions = List.of();
    String user = null;
    String role = null;
    Integer capacity = null;
    Boolean passcode = null;
    Long target = null;
    Long replyTo = null;
    String emoji = null;
    Boolean on = null;
    Retention retention = null;
    Long floorSeq = null;
    FileRef file = null;
    if (e instanceof TimelineEntry.FromClient sent) {
      clientMsgId = sent.clientMsgId();
    }
    if (e instanceof TimelineEntry.AboutMessage about) {
      target = about.target();
    }
    if (e instanceof TimelineEntry.AboutMember about) {
      user = about.user();
    }
    if (e instanceof TimelineEntry.Writing writing) {
      text = writing.text();
      mentions = writing.mentions();
    }
    if (e instanceof TimelineEntry.Message m) {
      replyTo = m.replyTo();
    } else if (e instanceof TimelineEntry.File f) {
      file = wire(f.file());
    } else if (e instanceof TimelineEntry.Edit edit) {
      text = edit.text();
    } else if (e instanceof TimelineEntry.Reaction r) {
      // Reactions stored as a shortcode before they were kept as emoji go out as that emoji.
      emoji = Objects.requireNonNullElse(Shortcodes.canonical(r.emoji()), r.emoji());
      on = r.on();
    } else if (e instanceof TimelineEntry.Kicked k) {
      text = k.reason();
    } else if (e instanceof TimelineEntry.Banned b) {
      text = b.reason();
    } else if (e instanceof TimelineEntry.Unbanned u) {
      text = u.reason();
    } else if (e instanceof TimelineEntry.Role r) {
      role = r.role();
    } else if (e instanceof TimelineEntry.Topic t) {
      text = t.topic();
    } else if (e instanceof TimelineEntry.Renamed r) {
      text = r.name();
    } else if (e instanceof TimelineEntry.Settings s) {
      capacity = s.capacity();
      passcode = s.passcode();
    } else if (e instanceof TimelineEntry.Visibility v) {
      text = v.visibility();
    } else if (e instanceof TimelineEntry.WhoInvites w) {
      text = w.who();
    } else if (e instanceof TimelineEntry.Retention r) {
      retention = wire(r.retention());
    } else if (e instanceof TimelineEntry.Trimmed t) {
      floorSeq = t.floorSeq();
    }
    return new Message(roomId, e.seq(), e.kind(), e.sender(), text, e.sentAt(), clientMsgId, mentions,
        senderDeleted ? Boolean.TRUE : null, user, role, capacity, passcode, target, replyTo, null, null, emoji, on,
        null, retention, floorSeq, file);
  }

  /** A page's entries as a client gets them, {@code senderDeleted} marked, edits, deletes and reactions shown. */
  public static List<Message> page(String roomId, ChatRoom.Page page) {
    return page.entries().stream().map(e -> inPage(roomId, page, e)).toList();
  }

  /** One entry of {@code page}, as {@link #page} shows it. */
  public static Message inPage(String roomId, ChatRoom.Page page, TimelineEntry e) {
    Message m = of(roomId, e, page.closedSenders().contains(e.sender()) || e instanceof TimelineEntry.AccountClosed);
    Map<String, List<String>> reacted = page.reactions().get(e.seq());
    if (reacted != null) {
      m = new Message(m.room(), m.seq(), m.kind(), m.sender(), m.text(), m.sentAt(), m.clientMsgId(),
          m.mentions(), m.senderDeleted(), m.user(), m.role(), m.capacity(), m.passcode(), m.target(), m.replyTo(),
          m.editedAt(), m.deleted(), m.emoji(), m.on(), reacted, m.retention(), m.floorSeq(), m.file());
    }
    RoomState.Overlay o = page.overlays().get(e.seq());
    if (o == null) {
      return m;
    }
    // The latest text of an edited message; none at all of a deleted one (nor of its edits).
    return new Message(m.room(), m.seq(), m.kind(), m.sender(), o.deleted() ? null : o.text(),
        m.sentAt(), m.clientMsgId(), o.deleted() ? List.of() : m.mentions(), m.senderDeleted(), m.user(), m.role(),
        m.capacity(), m.passcode(), m.target(), m.replyTo(), o.deleted() ? null : o.editedAt(),
        o.deleted() ? Boolean.TRUE : null, m.emoji(), m.on(), o.deleted() ? null : m.reactions(), m.retention(),
        m.floorSeq(), o.deleted() ? null : m.file());
  }

  public static Retention wire(RetentionRule r) {
    return r == null ? null : new Retention(r.maxMessages(), r.maxAgeDays());
  }

  static FileRef wire(SharedFile f) {
    return f == null ? null : new FileRef(f.id(), f.name(), f.size(), f.contentType(), f.sha256());
  }
}
