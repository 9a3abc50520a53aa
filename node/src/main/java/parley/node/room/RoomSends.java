package parley.node.room;

import static parley.node.room.ChatRoom.KIND_ROOM;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import parley.node.Validation;
import parley.node.room.ChatRoom.CheckRetention;
import parley.node.room.ChatRoom.Event;
import parley.node.room.ChatRoom.Flush;
import parley.node.room.ChatRoom.AdmitSend;
import parley.node.room.ChatRoom.Rejected;
import parley.node.room.ChatRoom.Send;
import parley.node.room.ChatRoom.SendAdmitted;
import parley.node.room.ChatRoom.SendRefused;
import parley.protocol.Shortcodes;

/**
 * The room's send handlers: a message, an edit, a delete, a reaction or a file, from a socket or over HTTP, all one
 * {@link ChatRoom.Send}. This is where a send is validated, the one place: its shape, then membership, then dedupe by
 * (sender, clientMsgId) and its target; then it is gathered with the others that arrive while a write is in flight,
 * stored in one write, and answered only once stored.
 */
final class RoomSends extends RoomPart {
  private final RoomRetention retention;
  private boolean flushQueued;

  RoomSends(RoomCore core, RoomRetention retention) {
    super(core);
    this.retention = retention;
  }

  /** An upload asks before its bytes stream: would a send from {@code user} be taken here now? */
  ReplyEffect<Event, RoomState> onAdmit(RoomState state, AdmitSend cmd) {
    Rejected refusal = senderRefusal(state, cmd.user());
    if (refusal == null && blockUnknown(state, cmd.user())) {
      return Effect().stash();
    }
    refusal = refusal != null ? refusal : blockRefusal(state, cmd.user());
    cmd.replyTo().tell(refusal == null ? new SendAdmitted(roomId, cmd.clientMsgId())
        : new SendRefused(roomId, cmd.clientMsgId(), refusal.code(), refusal.message()));
    return Effect().noReply();
  }

  /** Why {@code user} may not send here (no such room: none yet, or deleted; or not theirs), or null. */
  private static Rejected senderRefusal(RoomState state, String user) {
    return !state.exists() ? noSuchRoom() : RoomCore.memberRefusal(state, user);
  }

  /**
   * A write to a 1:1 DM waits (stashed) until the other member's account has said whether it blocks the writer:
   * after a restart the room does not know, and a block must not be slipped past.
   */
  private boolean blockUnknown(RoomState state, String user) {
    return ChatRoom.KIND_DM.equals(state.info.kind()) && !core.dmBlocks.knownFor(user, state.members, now());
  }

  /** What the send names that is not there: a file entry's file, an edited or deleted message, a replied-to seq. */
  private Rejected targetRefusal(RoomState state, Send cmd, String kind) {
    if (TimelineEntry.FILE.equals(kind)) {
      return cmd.file() == null ? new Rejected("invalid_file", "a file entry needs its file") : null;
    } else if (!TimelineEntry.MESSAGE.equals(kind)) {
      return changeRefusal(state, cmd.user(), kind, cmd.target());
    }
    Long answers = cmd.answers();
    return answers != null && (answers < 1 || answers > state.lastSeq)
        ? new Rejected("no_such_message", "replyTo names no seq of this room") : null;
  }

  /** {@code blocked} when the other member of a 1:1 DM blocks {@code user}, else null. */
  private Rejected blockRefusal(RoomState state, String user) {
    String blocker = ChatRoom.KIND_DM.equals(state.info.kind()) ? core.dmBlocks.blockerOf(user, state.members) : null;
    return blocker == null ? null : new Rejected("blocked", blocker + " does not take messages from you");
  }

  /**
   * Why {@code user} may not edit or delete the message at {@code target}, or null. Only what the room holds in
   * memory (its last {@code parley.room.recent-entries}) can change: an older message's sender would take a journal
   * read to know.
   */
  private Rejected changeRefusal(RoomState state, String user, String kind, Long target) {
    if (target == null || target < state.floorSeq || target > state.lastSeq) {
      return new Rejected("no_such_message", target != null && target >= 1 && target < state.floorSeq
          ? "the room's retention removed the entries before seq " + state.floorSeq
          : "there is no message at that seq in this room");
    }
    TimelineEntry entry = state.recentEntry(target);
    if (entry == null) {
      return new Rejected("message_too_old", "only the room's last " + settings.recentEntries()
          + " entries can be edited or deleted (parley.room.recent-entries)");
    }
    RoomState.Overlay overlay = state.overlays.get(target);
    if (!entry.isPost() || (overlay != null && overlay.deleted()) || pending.deleteWaits(target)
        || (entry instanceof TimelineEntry.File && TimelineEntry.EDIT.equals(kind))) {
      return new Rejected("no_such_message", "the entry at seq " + target + " is no message (or it was deleted)");
    }
    if (TimelineEntry.REACTION.equals(kind)) {
      return null; // any member reacts to any message
    }
    boolean own = entry.sender().equals(user);
    boolean moderator = TimelineEntry.DELETE.equals(kind) && KIND_ROOM.equals(state.info.kind())
        && state.canModerate(user);
    return own || moderator ? null : new Rejected("not_your_message", TimelineEntry.EDIT.equals(kind)
        ? "you can edit only your own messages" : "you can delete only your own messages (the owner and admins: any)");
  }

  /** A send: answered at once if it is refused or stored already, else after its write. */
  ReplyEffect<Event, RoomState> onSend(RoomState state, Send cmd) {
    String user = cmd.user();
    String clientMsgId = cmd.clientMsgId();
    String kind = cmd.kind();
    Long target = cmd.target();
    Long answers = cmd.answers();
    PendingSends.Waiter waiter = PendingSends.Waiter.of(roomId, cmd);
    // A reaction is kept as its emoji, however it was sent (":tada:" is 🎉), so every client shows one chip for it.
    String text = TimelineEntry.REACTION.equals(kind) && cmd.text() != null
        ? Objects.requireNonNullElse(Shortcodes.canonical(cmd.text()), cmd.text()) : cmd.text();
    // The shape first, as a client learns it whatever the room: a resend is the same send, so it is valid too.
    var problem = TimelineEntry.DELETE.equals(kind) || TimelineEntry.FILE.equals(kind)
        ? Validation.clientMsgId(clientMsgId)
        : TimelineEntry.REACTION.equals(kind) ? Validation.clientMsgId(clientMsgId).or(() -> Validation.emoji(text))
        : Validation.message(clientMsgId, text);
    Rejected refusal = problem.isPresent() ? new Rejected(problem.get().code(), problem.get().message())
        : senderRefusal(state, user);
    if (refusal == null) {
      RoomState.Sent sent = state.sent(user, clientMsgId);
      if (sent != null) {
        // The first stored entry answers, its text included, whatever text the resend carries.
        waiter.storedBefore(sent, state.recentEntry(sent.seq()));
        return Effect().noReply();
      }
      if (!TimelineEntry.DELETE.equals(kind) && blockUnknown(state, user)) {
        return Effect().stash();
      }
      // One who is blocked may still delete what they wrote.
      refusal = TimelineEntry.DELETE.equals(kind) ? null : blockRefusal(state, user);
      if (refusal == null) {
        refusal = targetRefusal(state, cmd, kind);
      }
    }
    if (refusal != null) {
      waiter.refused(clientMsgId, refusal);
      return Effect().noReply();
    }
    awareness.endTyping(user);
    String key = RoomState.dedupeKey(user, clientMsgId);
    if (pending.joinIfPending(key, waiter)) {
      // A resend while the first copy waits for the same write: both get its seq.
      return Effect().noReply();
    }
    // A reaction toggles: on unless the user has it on already (stored, or put on by a toggle waiting for this write).
    Boolean on = null;
    if (TimelineEntry.REACTION.equals(kind)) {
      Boolean waiting = pending.waitingReaction(user, target, text);
      on = waiting != null ? !waiting : !state.reacted(target, text, user);
    }
    boolean post = TimelineEntry.MESSAGE.equals(kind) || TimelineEntry.FILE.equals(kind);
    pending.add(key, user, clientMsgId, TimelineEntry.DELETE.equals(kind) ? null : text, waiter, kind,
        post ? null : target, TimelineEntry.MESSAGE.equals(kind) ? answers : null, on,
        TimelineEntry.FILE.equals(kind) ? cmd.file() : null);
    if (!flushQueued) {
      flushQueued = true;
      context.getSelf().tell(Flush.INSTANCE);
    }
    return Effect().noReply();
  }

  /**
   * Stores the sends gathered since the last write, in one write. Sends that arrive while a write is in flight are
   * stashed by Pekko and gathered for the next one, so a busy room writes in batches instead of one commit per
   * message; each sender is answered only after the write that holds its message succeeded.
   */
  ReplyEffect<Event, RoomState> onFlush(RoomState state) {
    flushQueued = false;
    if (pending.isEmpty()) {
      return Effect().noReply();
    }
    PendingSends.Batch batch = pending.take(state, now(), null);
    long started = System.nanoTime();
    return Effect().persist(batch.events()).thenRun(s -> {
      metrics.journalWrite.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      batch.complete(entry -> {
        audience.publish(entry);
        awareness.posted(s, entry);
        if (entry instanceof TimelineEntry.Delete delete
            && s.recentEntry(delete.target()) instanceof TimelineEntry.File deleted) {
          // The file's bytes go with its entry (once no other share of the same bytes is left).
          core.io().tell(new RoomIo.ReleaseEntry(deleted.seq()));
        }
      });
      if (retention.countTrimDue(s, false) > 0) {
        context.getSelf().tell(new CheckRetention(false));
      }
    }).thenNoReply();
  }
}
