package parley.node.room;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import parley.protocol.FileRef;

/**
 * A room's sends accepted but not written yet, in arrival order, each with whoever waits for it: they are written
 * together in the room's next write (a batch), and each waiter is answered only after that write succeeded. A resend
 * of a send still waiting joins it and gets its seq. If the room stops before a write succeeded (the write failed, or
 * the room was stopped), every send it holds is answered {@code unavailable} at once ({@link #abandon}): stored or not,
 * the client sends it again with the same clientMsgId, as after a timeout.
 */
final class PendingSends {
  /** {@code kind}: message, edit or delete; {@code target} and {@code replyTo} as the entry has them. */
  record PendingPost(String user, String clientMsgId, String text, List<Waiter> waiters, String kind, Long target,
      Long replyTo, Boolean on, FileRef file) {}

  /** Whoever waits for a send, at its {@link ChatRoom.Send#replyTo()}: its outcome, with the entry if it asked so. */
  record Waiter(String roomId, ActorRef<ChatRoom.SendOutcome> replyTo, boolean withEntry) {
    static Waiter of(String roomId, ChatRoom.Send send) {
      return new Waiter(roomId, send.replyTo(), send.withEntry());
    }

    void stored(TimelineEntry.FromClient entry, boolean duplicate) {
      replyTo.tell(withEntry
          ? new ChatRoom.SendStored(roomId, entry.clientMsgId(), entry.seq(), entry.sentAt(), entry, duplicate)
          : new ChatRoom.SendStored(roomId, entry.clientMsgId(), entry.seq(), entry.sentAt()));
    }

    /** A resend: {@code first} is the stored entry if the room still holds it in memory, else null. */
    void storedBefore(RoomState.Sent sent, TimelineEntry first) {
      replyTo.tell(withEntry
          ? new ChatRoom.SendStored(roomId, sent.clientMsgId(), sent.seq(), sent.sentAt(), first, true)
          : new ChatRoom.SendStored(roomId, sent.clientMsgId(), sent.seq(), sent.sentAt()));
    }

    void refused(String clientMsgId, ChatRoom.Rejected why) {
      replyTo.tell(new ChatRoom.SendRefused(roomId, clientMsgId, why.code(), why.message()));
    }
  }

  /** The answer of a send the room gave up on: it may or may not be stored. */
  static final ChatRoom.Rejected UNAVAILABLE = new ChatRoom.Rejected("unavailable",
      "the room stopped before its write was confirmed; send again with the same clientMsgId");

  private final List<PendingPost> pending = new ArrayList<>();
  private final Map<String, PendingPost> byKey = new HashMap<>();
  /** The batch being written: taken, and neither completed nor abandoned yet. */
  private Batch writing;

  boolean isEmpty() {
    return pending.isEmpty();
  }

  int size() {
    return pending.size();
  }

  /** True if a send with this dedupe key waits already: {@code waiter} is answered with it. */
  boolean joinIfPending(String key, Waiter waiter) {
    PendingPost waiting = byKey.get(key);
    if (waiting == null) {
      return false;
    }
    waiting.waiters().add(waiter);
    return true;
  }

  /**
   * Whether {@code user}'s last reaction with {@code emoji} to {@code target} waiting for this write puts it on,
   * or null if none waits: a second toggle in the same batch toggles the first, not the stored state.
   */
  Boolean waitingReaction(String user, long target, String emoji) {
    for (int i = pending.size() - 1; i >= 0; i--) {
      PendingPost p = pending.get(i);
      if (TimelineEntry.REACTION.equals(p.kind()) && p.user().equals(user) && p.target() != null
          && p.target() == target && emoji.equals(p.text())) {
        return p.on();
      }
    }
    return null;
  }

  /** Whether a delete of {@code target} waits for this write (an edit after it is refused). */
  boolean deleteWaits(long target) {
    for (PendingPost p : pending) {
      if (TimelineEntry.DELETE.equals(p.kind()) && p.target() != null && p.target() == target) {
        return true;
      }
    }
    return false;
  }

  void add(String key, String user, String clientMsgId, String text, Waiter waiter) {
    add(key, user, clientMsgId, text, waiter, TimelineEntry.MESSAGE, null, null);
  }

  void add(String key, String user, String clientMsgId, String text, Waiter waiter, String kind, Long target,
      Long replyTo) {
    add(key, user, clientMsgId, text, waiter, kind, target, replyTo, null);
  }

  void add(String key, String user, String clientMsgId, String text, Waiter waiter, String kind, Long target,
      Long replyTo, Boolean on) {
    add(key, user, clientMsgId, text, waiter, kind, target, replyTo, on, null);
  }

  void add(String key, String user, String clientMsgId, String text, Waiter waiter, String kind, Long target,
      Long replyTo, Boolean on, FileRef file) {
    PendingPost post =
        new PendingPost(user, clientMsgId, text, new ArrayList<>(List.of(waiter)), kind, target, replyTo, on, file);
    pending.add(post);
    byKey.put(key, post);
  }

  /** The waiting sends as events (seqs after {@code state.lastSeq}, in arrival order), then {@code last} if any. */
  Batch take(RoomState state, Instant now, ChatRoom.Event last) {
    List<ChatRoom.Event> events = new ArrayList<>(pending.size() + 1);
    List<PendingPost> posts = List.copyOf(pending);
    long seq = state.lastSeq;
    for (PendingPost p : posts) {
      List<String> mentions = TimelineEntry.MESSAGE.equals(p.kind())
          ? Mentions.in(p.text(), p.user(), state.members, state.info.owner()) : List.of();
      events.add(new ChatRoom.MessagePosted(entry(++seq, p, now, mentions)));
    }
    if (last != null) {
      events.add(last);
    }
    pending.clear();
    byKey.clear();
    writing = new Batch(events, posts);
    return writing;
  }

  /** The entry a send of {@code p.kind()} stores. */
  private static TimelineEntry.FromClient entry(long seq, PendingPost p, Instant at, List<String> mentions) {
    return switch (p.kind()) {
      case TimelineEntry.FILE -> new TimelineEntry.File(seq, p.user(), p.text(), at, p.clientMsgId(), shared(p.file()));
      case TimelineEntry.EDIT -> new TimelineEntry.Edit(seq, p.user(), p.text(), at, p.clientMsgId(), p.target());
      case TimelineEntry.DELETE -> new TimelineEntry.Delete(seq, p.user(), at, p.clientMsgId(), p.target());
      case TimelineEntry.REACTION ->
          new TimelineEntry.Reaction(seq, p.user(), at, p.clientMsgId(), p.target(), p.text(), p.on());
      default -> new TimelineEntry.Message(seq, p.user(), p.text(), at, p.clientMsgId(), mentions, p.replyTo());
    };
  }

  private static SharedFile shared(FileRef f) {
    return f == null ? null : new SharedFile(f.id(), f.name(), f.size(), f.contentType(), f.sha256());
  }

  /**
   * The room stops: every send it holds (being written, or waiting for the next write) is answered
   * {@code unavailable}, once. Whether a failed write stored them is not known; the resend finds out (its dedupe).
   */
  void abandon() {
    List<PendingPost> unanswered = new ArrayList<>();
    if (writing != null) {
      unanswered.addAll(writing.posts);
      writing = null;
    }
    unanswered.addAll(pending);
    pending.clear();
    byKey.clear();
    for (PendingPost post : unanswered) {
      for (Waiter waiter : post.waiters()) {
        waiter.refused(post.clientMsgId(), UNAVAILABLE);
      }
    }
  }

  /** Events to write together, and the sends among them to answer once written. */
  final class Batch {
    private final List<ChatRoom.Event> events;
    private final List<PendingPost> posts;

    private Batch(List<ChatRoom.Event> events, List<PendingPost> posts) {
      this.events = events;
      this.posts = posts;
    }

    List<ChatRoom.Event> events() {
      return events;
    }

    List<PendingPost> posts() {
      return posts;
    }

    /** Written: each entry is published, each of its waiters answered. */
    void complete(Consumer<TimelineEntry> publish) {
      if (writing == this) {
        writing = null;
      }
      for (int i = 0; i < events.size(); i++) {
        TimelineEntry entry = events.get(i).entry();
        publish.accept(entry);
        if (i < posts.size()) {
          for (Waiter waiter : posts.get(i).waiters()) {
            waiter.stored((TimelineEntry.FromClient) entry, false);
          }
        }
      }
    }
  }
}
