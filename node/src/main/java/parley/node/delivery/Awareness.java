package parley.node.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import parley.node.Validation;
import parley.node.delivery.ClientSession.Command;
import parley.node.limits.RateClock;
import parley.node.limits.TokenBucket;
import parley.node.room.ChatRoom;
import parley.node.user.UserAccount;
import parley.protocol.ClientFrame;
import parley.protocol.Member;
import parley.protocol.ServerFrame;

/**
 * What is of the moment rather than the timeline, both ways: typing, read and delivered markers and focus from the
 * client, each behind its own gate (typing thinned, receipts from a bucket); presence, typing and notifications to
 * it, each told once and never to the connection that caused it or looks at it.
 */
final class Awareness {
  private static final long TYPING_HEARD_EVERY_NANOS = 1_000_000_000L;

  private final SessionCore core;
  private final RoomCursors cursors;
  /** Where the rooms answer typing and delivered frames, when they refuse one. */
  private final ActorRef<ChatRoom.FrameRefused> frameRefusals;
  /** What the client was last told of each room mate, to tell it once when the mate shares several rooms. */
  private final Map<String, Member> presenceSeen = new HashMap<>();
  /** Delivered and read frames; made at the first. */
  private TokenBucket receipts;
  /** The time the receipts bucket counts in (the limits' clock). */
  private final LongSupplier rateClock;
  /** Typing frames passed on in the second that began at {@code typingWindowStart} (System.nanoTime()). */
  private long typingWindowStart;
  private int typingInWindow;
  /** The room the client says it shows, or null. */
  private String focused;

  Awareness(SessionCore core, RoomCursors cursors) {
    this.core = core;
    this.cursors = cursors;
    this.frameRefusals = core.context.messageAdapter(ChatRoom.FrameRefused.class, ClientSession.FrameAnswered::new);
    this.rateClock = RateClock.get(core.context.getSystem()).source();
  }

  /**
   * Typing goes to the room, which decides membership and relays it. A client that says it types more than once a
   * second per room is heard once a second (the room relays at most one per 2 s anyway), and at most
   * {@code parley.limits.typing-per-second} typing frames a second (stops included, any rooms) leave a connection: the
   * rest are dropped without an error.
   */
  Behavior<Command> onTyping(ClientFrame.Typing typing) {
    if (typing.room() == null) {
      return core.error("invalid_frame", "typing needs a room (and stop: true when the user stopped)", null);
    }
    if (!Validation.isValidRoomId(typing.room())) {
      return core.error("no_such_room", "there is no such room: " + typing.room(), null);
    }
    boolean stop = Boolean.TRUE.equals(typing.stop());
    long now = System.nanoTime();
    Cursor cursor = core.rooms.get(typing.room());
    if (cursor != null) {
      if (!stop && cursor.typingToldAt != 0 && now - cursor.typingToldAt < TYPING_HEARD_EVERY_NANOS) {
        return Behaviors.same();
      }
      cursor.typingToldAt = stop ? 0 : now;
    }
    if (now - typingWindowStart >= 1_000_000_000L) {
      typingWindowStart = now;
      typingInWindow = 0;
    }
    if (++typingInWindow > core.settings.typingPerSecond()) {
      return Behaviors.same();
    }
    core.room(typing.room()).tell(new ChatRoom.Typing(core.username, stop, frameRefusals));
    return Behaviors.same();
  }

  Behavior<Command> onRead(ClientFrame.Read read) {
    if (read.room() == null || read.seq() == null || read.seq() < 0) {
      return core.error("invalid_frame", "read needs a room and a seq >= 0", null);
    }
    if (receiptsThrottled()) {
      return Behaviors.same();
    }
    long seq = cursors.knownUpTo(read.room(), read.seq());
    core.context.pipeToSelf(
        core.user().<UserAccount.Result>ask(r -> new UserAccount.MarkRead(read.room(), seq, r),
            core.settings.askTimeout()),
        (result, failure) -> new ClientSession.ReadAnswered(read.room(), result, failure));
    return Behaviors.same();
  }

  Behavior<Command> onReadAnswered(ClientSession.ReadAnswered answer) {
    if (answer.result() instanceof UserAccount.Rejected rejected) {
      return core.error(rejected.code(), rejected.message() + ": " + answer.roomId(), null);
    }
    return Behaviors.same();
  }

  /** The client holds the room's entries up to seq; the room keeps the marker and tells. */
  Behavior<Command> onDelivered(ClientFrame.Delivered delivered) {
    if (delivered.room() == null || delivered.seq() == null || delivered.seq() < 0) {
      return core.error("invalid_frame", "delivered needs a room and a seq >= 0", null);
    }
    if (!core.rooms.containsKey(delivered.room())) {
      // A client holds entries of the rooms its connection follows only: nothing else reaches a room's entity.
      return core.error("not_a_member",
          "you are not a member of room " + delivered.room() + " (or it is not followed yet)", null);
    }
    if (receiptsThrottled()) {
      return Behaviors.same();
    }
    // Told, not asked (a client says it about every room once a second): the room answers a refusal only.
    core.room(delivered.room()).tell(new ChatRoom.MarkDelivered(
        core.username, cursors.knownUpTo(delivered.room(), delivered.seq()), frameRefusals));
    return Behaviors.same();
  }

  /**
   * Takes a token from the connection's receipts bucket; without one, the client is told {@code rate_limited} and the
   * frame is dropped (markers are cumulative: the client's next one says it all).
   */
  private boolean receiptsThrottled() {
    long now = rateClock.getAsLong();
    ClientSession.Settings settings = core.settings;
    if (receipts == null) {
      receipts = new TokenBucket(settings.receiptsBurst(), settings.receiptsPerSecond(), now);
    }
    long wait = receipts.take(now);
    if (wait == 0) {
      return false;
    }
    core.metrics.rateLimited("receipts");
    core.write(new ServerFrame.Error("rate_limited", "this connection may send " + settings.receiptsBurst()
        + " read and delivered frames at once and " + TokenBucket.rate(settings.receiptsPerSecond())
        + " a second after that (parley.limits.receipts); this one was dropped, send the marker again in " + wait
        + " ms", null, wait));
    return true;
  }

  /** The room the client shows (null: none); its notifications are not written to this connection. */
  Behavior<Command> onFocus(ClientFrame.Focus focus) {
    if (focus.room() != null && !core.rooms.containsKey(focus.room())) {
      return core.error("not_a_member",
          "you are not a member of room " + focus.room() + " (or it is not followed yet)", null);
    }
    focused = focus.room();
    return Behaviors.same();
  }

  Behavior<Command> onFrameAnswered(ClientSession.FrameAnswered answer) {
    ChatRoom.FrameRefused refused = answer.refused();
    return core.error(refused.code(), refused.message() + ": " + refused.roomId(), null);
  }

  /** Typing of someone else in one of the rooms. */
  Behavior<Command> onRelayed(ClientSession.Relayed relayed) {
    return SessionCore.sameIf(core.username.equals(relayed.from()) || core.send(relayed.frame()));
  }

  /** Not written to a connection that looks at the notification's room. */
  Behavior<Command> onNotified(ClientSession.Notified notified) {
    return SessionCore.sameIf(notified.roomId().equals(focused) || core.send(PreparedText.of(notified.frame())));
  }

  Behavior<Command> onPresenceSeen(ClientSession.PresenceSeen seen) {
    // Not about the user themselves, and not what the client was already told (a mate in several shared rooms).
    List<ClientSession.PresenceChange> news = null;
    for (ClientSession.PresenceChange change : seen.changes()) {
      Member member = change.member();
      if (member.username().equals(core.username)
          || member.equals(presenceSeen.put(member.username(), member))) {
        continue;
      }
      if (news == null) {
        news = new ArrayList<>(seen.changes().size());
      }
      news.add(change);
    }
    if (news == null) {
      return Behaviors.same();
    }
    PreparedText frame = seen.frame() != null && news.size() == seen.changes().size()
        ? seen.frame()
        : Frames.presence(news);
    return SessionCore.sameIf(core.send(frame));
  }
}
