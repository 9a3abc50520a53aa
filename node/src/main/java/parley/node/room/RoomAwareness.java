package parley.node.room;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import parley.node.user.Notification;
import parley.node.user.UserAccount;
import parley.protocol.ServerFrame;

/**
 * v1.1, what a room tells of the moment and of what happened to its members, none of it in its journal (whose events
 * are timeline entries only): who is typing ({@link Typists}), members' delivered and read markers ({@link Receipts}),
 * and the notifications of a stored message. Soft state of the room's actor, rebuilt after a restart (markers are
 * asked again of the members; typing ends at its expiry). The room calls it from its handlers; it relays through the
 * {@link RoomAudience} and schedules the room's own timers.
 */
final class RoomAwareness {
  /** Receipts of a room go out at most this often, each moved member once with their latest markers. */
  static final Duration RECEIPTS_EVERY = Duration.ofSeconds(1);
  static final int EXCERPT_MAX = 100;

  private final String roomId;
  private final ActorContext<ChatRoom.Command> context;
  private final ClusterSharding sharding;
  private final RoomAudience audience;
  private final Typists typists;
  private final Receipts receipts = new Receipts();
  private boolean typingExpiryScheduled;
  private boolean receiptsFlushScheduled;

  RoomAwareness(String roomId, ActorContext<ChatRoom.Command> context, ClusterSharding sharding, RoomAudience audience,
      ChatRoom.Settings settings) {
    this.roomId = roomId;
    this.context = context;
    this.sharding = sharding;
    this.audience = audience;
    this.typists = new Typists(settings.typingRelayEvery(), settings.typingExpiresAfter(),
        settings.typingStartsPerSecond());
  }

  /** A member's typing frame (membership checked by the room): relayed at most once a period, or ended. */
  void typing(String user, boolean stop, Instant now) {
    if (stop) {
      endTyping(user);
    } else if (typists.typed(user, System.nanoTime())) {
      audience.relay(user, ServerFrame.Typing.started(roomId, user, now.plus(typists.expiresAfter())));
      if (!typingExpiryScheduled) {
        typingExpiryScheduled = true;
        context.scheduleOnce(typists.expiresAfter(), context.getSelf(), ChatRoom.TypingExpiry.INSTANCE);
      }
    }
  }

  /** Typing not renewed in time ends; the next expiry is looked at when it comes. */
  void typingExpiry() {
    typingExpiryScheduled = false;
    long now = System.nanoTime();
    for (String user : typists.expired(now)) {
      audience.relay(user, ServerFrame.Typing.stopped(roomId, user));
    }
    typists.nextExpiry(now).ifPresent(in -> {
      typingExpiryScheduled = true;
      context.scheduleOnce(in, context.getSelf(), ChatRoom.TypingExpiry.INSTANCE);
    });
  }

  /** A typist stops at once: said so, sent, or went offline. */
  void endTyping(String user) {
    if (typists.stopped(user)) {
      audience.relay(user, ServerFrame.Typing.stopped(roomId, user));
    }
  }

  /**
   * A member's markers as their user entity has them; what moved goes out with the next second's receipts. An answer
   * to the room's own ask (after a restart or a join) is what the members knew already: kept, not sent.
   */
  void markersMoved(ChatRoom.MarkersMoved cmd) {
    boolean moved = receipts.moved(cmd.user(), cmd.deliveredSeq(), cmd.readSeq(), cmd.readShown(), !cmd.asked());
    if (moved && !receiptsFlushScheduled) {
      receiptsFlushScheduled = true;
      context.scheduleOnce(RECEIPTS_EVERY, context.getSelf(), ChatRoom.FlushReceipts.INSTANCE);
    }
  }

  /** The members whose markers moved in the last second, in one frame, to every hub (and so every connected member). */
  void flushReceipts(long lastSeq) {
    receiptsFlushScheduled = false;
    String frame = receipts.takeChanged(roomId, lastSeq);
    if (frame != null) {
      audience.relay(null, frame);
    }
  }

  List<parley.protocol.RoomReceipts.Member> receipts(RoomState state) {
    return receipts.all(state.members.stream().sorted().toList(), state.lastSeq);
  }

  /** What the room keeps of a member from their user entity: presence and markers, asked again after a restart. */
  void askAbout(String user) {
    audience.askPresence(user);
    sharding.entityRefFor(UserAccount.ENTITY_KEY, user).tell(new UserAccount.GetMarkers(roomId, context.getSelf()));
  }

  void forget(String user) {
    receipts.forget(user);
  }

  /**
   * A stored message's notifications, to the user entities of those it mentions and, in a DM, of the other party:
   * after the write, so a notification never names a message that could be lost.
   */
  void notifyFor(RoomState state, TimelineEntry entry) {
    if (!entry.isPost()) {
      return;
    }
    boolean dm = ChatRoom.isPrivate(state.info.kind());
    if (!dm && entry.mentions().isEmpty()) {
      return;
    }
    String excerpt = excerpt(entry.text());
    // In a room, those it mentions; in a DM, the other party (as a mention if named).
    for (String member : dm ? state.members : entry.mentions()) {
      if (!member.equals(entry.sender())) {
        String kind = entry.mentions().contains(member) ? Notification.MENTION : Notification.DM;
        sharding.entityRefFor(UserAccount.ENTITY_KEY, member)
            .tell(new UserAccount.Notify(roomId, entry.seq(), entry.sender(), kind, excerpt));
      }
    }
  }

  /** The start of a message for a notification: at most {@link #EXCERPT_MAX} characters, on one line. */
  static String excerpt(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    return line.codePointCount(0, line.length()) <= EXCERPT_MAX ? line
        : line.substring(0, line.offsetByCodePoints(0, EXCERPT_MAX - 1)) + "…";
  }
}
