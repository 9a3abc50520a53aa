package parley.node.room;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import parley.protocol.RoomReceipts;
import parley.protocol.ServerFrame;

/**
 * What a room tells of the moment and of what happened to its members, none of it in its journal (whose events
 * are timeline entries only): who is typing ({@link Typists}), members' delivered and read markers ({@link Receipts}),
 * and the notifications of a stored message. Delivered markers are the room's: stored by its child
 * {@link DeliveredMarkers} (one batch a second for the room) and told back to it after a restart. Read markers are the
 * users' (their unread counts): asked again of the members after a restart. Typing ends at its expiry. The room calls
 * it from its handlers; it relays through the {@link RoomAudience} and schedules the room's own timers.
 */
final class RoomAwareness {
  /** Receipts of a room go out at most this often, each moved member once with their latest markers. */
  static final Duration RECEIPTS_EVERY = Duration.ofSeconds(1);
  /**
   * Up to this many members every member connected is told every receipt; in a larger room, the authors of the
   * messages the moves passed (protocol.md): a room of 100 whose members all report each second would otherwise send
   * each of them the whole room's markers every second.
   */
  static final int RECEIPTS_TO_EVERYONE_UP_TO = 20;
  static final int EXCERPT_MAX = 100;

  private final String roomId;
  private final ActorContext<ChatRoom.Command> context;
  private final Members members;
  private final RoomAudience audience;
  private final Typists typists;
  private final Receipts receipts = new Receipts();
  private boolean typingExpiryScheduled;
  private boolean receiptsFlushScheduled;
  /** Where the delivered markers are stored; started once the room exists. */
  private ActorRef<DeliveredMarkers.Command> storedMarkers;
  /** Delivered markers moved, and members gone, since the last receipts: stored with them. */
  private final Map<String, Long> toStore = new HashMap<>();
  private final Set<String> leftToStore = new HashSet<>();

  RoomAwareness(String roomId, ActorContext<ChatRoom.Command> context, Members members, RoomAudience audience,
      ChatRoom.Settings settings) {
    this.roomId = roomId;
    this.context = context;
    this.members = members;
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
   * A member's read marker (and whether others see it) as their user entity has them; what moved goes out with the
   * next second's receipts. An answer to the room's own ask (after a restart or a join) is what the members knew
   * already: kept, not sent. The delivered marker it carries is the one users stored before the room kept them.
   */
  void markersMoved(ChatRoom.MarkersMoved cmd) {
    if (receipts.moved(cmd.user(), cmd.deliveredSeq(), cmd.readSeq(), cmd.readShown(), !cmd.asked())) {
      scheduleReceipts();
    }
  }

  private void scheduleReceipts() {
    if (!receiptsFlushScheduled) {
      receiptsFlushScheduled = true;
      context.scheduleOnce(RECEIPTS_EVERY, context.getSelf(), ChatRoom.FlushReceipts.INSTANCE);
    }
  }

  /** The room exists (recovered, or created): its stored delivered markers are read, and written from now on. */
  void startStoredMarkers() {
    if (storedMarkers == null) {
      ActorRef<DeliveredMarkers.Recovered> recovered = context.messageAdapter(DeliveredMarkers.Recovered.class,
          r -> new ChatRoom.DeliveredRecovered(r.markers()));
      storedMarkers = context.spawn(DeliveredMarkers.create(roomId, recovered, DeliveredMarkers.SNAPSHOT_EVERY),
          "delivered-markers");
    }
  }

  /** The room is deleted: nothing more is stored for it. */
  void stopStoredMarkers() {
    if (storedMarkers != null) {
      context.stop(storedMarkers);
      storedMarkers = null;
    }
  }

  /** A member's delivered marker, checked and clamped by the room: told with the next receipts and stored with them. */
  void delivered(String user, long seq) {
    if (!receipts.readKnown(user)) {
      // Its read marker goes with it in the receipt: asked of the user (told by the user's entity when it takes the
      // room too, but an ask after a restart can go unanswered).
      members.askMarkers(user, roomId, context.getSelf());
    }
    if (receipts.delivered(user, seq, true)) {
      toStore.put(user, seq);
      leftToStore.remove(user);
      scheduleReceipts();
    }
  }

  /**
   * A member's message is stored: their markers are at least at it (they have it, and a sender has read up to their
   * own message, as their unread count says). Not told in a receipt: the message itself tells room mates (a client
   * raises its sender's markers to it), and {@code GET .../receipts} and the member's next receipt carry it. No
   * write: the room's {@code lastSent} keeps it, and {@link #wroteRecovered} reads it after a restart.
   */
  void wrote(String user, long seq) {
    receipts.wrote(user, seq);
  }

  /** After a restart: each member's last message, what room mates knew already. */
  void wroteRecovered(RoomState state) {
    state.lastSent.foreach(last -> {
      if (state.isMember(last._1())) {
        receipts.wrote(last._1(), last._2());
      }
      return null;
    });
  }

  /** The stored markers after a restart: what the members knew already, kept and not told. */
  void deliveredRecovered(Map<String, Long> markers, Predicate<String> isMember) {
    markers.forEach((user, seq) -> {
      if (isMember.test(user)) {
        receipts.delivered(user, seq, false);
      }
    });
  }

  /**
   * The members whose markers moved in the last second, in one frame, to every hub (and so every connected member, or
   * in a large room the authors of the messages the moves passed).
   */
  void flushReceipts(RoomState state) {
    long lastSeq = state.lastSeq;
    receiptsFlushScheduled = false;
    if (!toStore.isEmpty() || !leftToStore.isEmpty()) {
      startStoredMarkers();
      storedMarkers.tell(new DeliveredMarkers.Store(Map.copyOf(toStore), Set.copyOf(leftToStore)));
      toStore.clear();
      leftToStore.clear();
    }
    Receipts.Told told = receipts.takeChanged(roomId, lastSeq,
        state.members.size() <= RECEIPTS_TO_EVERYONE_UP_TO ? null : seq -> authorOf(state, seq));
    if (told != null) {
      audience.relayReceipts(told.frame(), told.to());
    }
  }

  /** Who sent the message at {@code seq}: "" if the entry is no message, null if it is not in memory. */
  private static String authorOf(RoomState state, long seq) {
    TimelineEntry entry = state.recentEntry(seq);
    return entry == null ? null : entry.isPost() ? entry.sender() : "";
  }

  List<RoomReceipts.Member> receipts(RoomState state) {
    return receipts.all(state.members.stream().sorted().toList(), state.lastSeq);
  }

  /** What the room keeps of a member from their user entity: presence and markers, asked again after a restart. */
  void askAbout(String user) {
    audience.askPresence(user);
    members.askMarkers(user, roomId, context.getSelf());
  }

  void forget(String user) {
    receipts.forget(user);
    toStore.remove(user);
    if (storedMarkers != null) {
      leftToStore.add(user);
      scheduleReceipts();
    }
  }

  /**
   * A stored message, after the write: its sender's markers move to it ({@link #wrote}), and its notifications go to
   * the user entities of those it mentions and, in a DM, of the other party (so a notification never names a message
   * that could be lost).
   */
  void posted(RoomState state, TimelineEntry stored) {
    if (!(stored instanceof TimelineEntry.Writing entry)) {
      return;
    }
    wrote(entry.sender(), entry.seq());
    boolean dm = ChatRoom.isPrivate(state.info.kind());
    if (!dm && entry.mentions().isEmpty()) {
      return;
    }
    String excerpt = excerpt(entry.text());
    // In a room, those it mentions; in a DM, the other party (as a mention if named).
    for (String member : dm ? state.members : entry.mentions()) {
      if (!member.equals(entry.sender())) {
        members.notify(member, new Members.Notice(roomId, entry.seq(), entry.sender(),
            entry.mentions().contains(member), excerpt));
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
