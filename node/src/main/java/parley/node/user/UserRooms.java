package parley.node.user;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import parley.node.room.ChatRoom;
import parley.node.user.UserAccount.AddRoom;
import parley.node.user.UserAccount.Command;
import parley.node.user.UserAccount.Done;
import parley.node.user.UserAccount.Event;
import parley.node.user.UserAccount.FlushMarkers;
import parley.node.user.UserAccount.GetMarkers;
import parley.node.user.UserAccount.GetNotifications;
import parley.node.user.UserAccount.GetSettings;
import parley.node.user.UserAccount.GetSummary;
import parley.node.user.UserAccount.InviteEnded;
import parley.node.user.UserAccount.MarkRead;
import parley.node.user.UserAccount.Notified;
import parley.node.user.UserAccount.NotificationsView;
import parley.node.user.UserAccount.Notify;
import parley.node.user.UserAccount.ReadMarkersMoved;
import parley.node.user.UserAccount.ReadReceiptsSet;
import parley.node.user.UserAccount.Rejected;
import parley.node.user.UserAccount.RemoveRoom;
import parley.node.user.UserAccount.RoomAdded;
import parley.node.user.UserAccount.RoomRemoved;
import parley.node.user.UserAccount.SetReadReceipts;
import parley.node.user.UserAccount.SettingsView;
import parley.node.user.UserAccount.Summary;

/**
 * The user's rooms with their read markers, and the inbox of notifications. Markers move with every message read and
 * notifications come with every mention: both are held here and stored together in one event batch a second (the
 * rooms hear of a marker at once, for their receipts); until then what the user sees merges stored and pending.
 */
final class UserRooms {
  private final UserScope scope;
  private final UserSessions sessions;
  /** Soft until flushed (within a second): read markers moved since the last flush. */
  private final Map<String, Long> pendingMarkers = new HashMap<>();
  /** Soft until flushed with the markers: notifications since the last flush, oldest first. */
  private final List<Notification> pendingNotifications = new ArrayList<>();

  UserRooms(UserScope scope, UserSessions sessions) {
    this.scope = scope;
    this.sessions = sessions;
  }

  void addTo(CommandHandlerWithReplyBuilderByState<Command, Event, UserState, UserState> handler) {
    handler
        .onCommand(AddRoom.class, this::onAddRoom)
        .onCommand(RemoveRoom.class, this::onRemoveRoom)
        .onCommand(MarkRead.class, this::onMarkRead)
        .onCommand(FlushMarkers.class, (s, c) -> {
          List<Event> events = pendingEvents();
          return events.isEmpty() ? scope.effect().noReply() : scope.effect().persist(events).thenNoReply();
        })
        .onCommand(GetMarkers.class, (s, c) -> {
          if (s.rooms().containsKey(c.roomId())) {
            c.replyTo().tell(markersIn(s, c.roomId(), true));
          }
          return scope.effect().noReply();
        })
        .onCommand(SetReadReceipts.class, this::onSetReadReceipts)
        .onCommand(GetSettings.class, (s, c) -> scope.effect().reply(c.replyTo(),
            new SettingsView(s.exists(), s.showsRead())))
        .onCommand(Notify.class, this::onNotify)
        .onCommand(GetNotifications.class, this::onGetNotifications)
        .onCommand(GetSummary.class, (s, c) -> scope.effect().reply(c.replyTo(),
            new Summary(scope.username(), s.exists(), rooms(s), s.blocked())));
  }

  private ReplyEffect<Event, UserState> onAddRoom(UserState state, AddRoom cmd) {
    if (!state.exists()) {
      return scope.effect().reply(cmd.replyTo(), new Rejected("no_such_user", "there is no such user"));
    }
    sessions.tell(new UserNotice.RoomAdded(cmd.roomId(), Math.max(0, cmd.joinSeq() - 1)));
    if (state.rooms().containsKey(cmd.roomId())) {
      return scope.effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    // In the room, however the user got there: an invitation to it is answered.
    boolean invited = state.invites().containsKey(cmd.roomId());
    List<Event> events = invited
        ? List.of(new RoomAdded(cmd.roomId(), Math.max(0, cmd.joinSeq())), new InviteEnded(cmd.roomId(), true))
        : List.of(new RoomAdded(cmd.roomId(), Math.max(0, cmd.joinSeq())));
    // The room asked for the markers at the join, and that ask may have come before this: told now, as known already.
    return scope.effect()
        .persist(events)
        .thenRun(s -> {
          scope.room(cmd.roomId()).tell(markersIn(s, cmd.roomId(), true));
          if (invited) {
            sessions.tell(new UserNotice.InviteEnded(cmd.roomId(), true));
          }
        })
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onRemoveRoom(UserState state, RemoveRoom cmd) {
    sessions.tell(new UserNotice.RoomRemoved(cmd.roomId(), cmd.removal()));
    pendingMarkers.remove(cmd.roomId());
    if (!state.rooms().containsKey(cmd.roomId())) {
      return scope.effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    return scope.effect().persist(new RoomRemoved(cmd.roomId())).thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onMarkRead(UserState state, MarkRead cmd) {
    if (!state.rooms().containsKey(cmd.roomId())) {
      if (cmd.replyTo() != null) {
        cmd.replyTo().tell(new Rejected("not_a_member", "you are not a member of this room"));
      }
      return scope.effect().noReply();
    }
    // Markers move often (every message read or sent): they are batched into one event a second.
    long current = Math.max(state.rooms().get(cmd.roomId()), pendingMarkers.getOrDefault(cmd.roomId(), 0L));
    if (cmd.seq() > current) {
      pendingMarkers.put(cmd.roomId(), cmd.seq());
      flushSoon();
      scope.room(cmd.roomId()).tell(markersIn(state, cmd.roomId(), false));
      // Read on one device is read on all: their unread counts, mentions and notifications clear at once.
      sessions.tell(new UserNotice.MarkerMoved(cmd.roomId(), cmd.seq()));
    }
    if (cmd.replyTo() != null) {
      cmd.replyTo().tell(Done.INSTANCE);
    }
    return scope.effect().noReply();
  }

  /** What moved is stored with the next flush, within {@code markerFlush}. */
  private void flushSoon() {
    if (!scope.timers().isTimerActive(FlushMarkers.INSTANCE)) {
      scope.timers().startSingleTimer(FlushMarkers.INSTANCE, scope.settings().markerFlush());
    }
  }

  private ChatRoom.MarkersMoved markersIn(UserState state, String roomId, boolean asked) {
    long read = Math.max(state.rooms().getOrDefault(roomId, 0L), pendingMarkers.getOrDefault(roomId, 0L));
    return new ChatRoom.MarkersMoved(scope.username(), state.delivered().getOrDefault(roomId, 0L), read,
        state.showsRead(), asked);
  }

  private ReplyEffect<Event, UserState> onSetReadReceipts(UserState state, SetReadReceipts cmd) {
    if (state.showsRead() == cmd.shown()) {
      return scope.effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    return scope.effect().persist(new ReadReceiptsSet(cmd.shown()))
        .thenRun(s -> s.rooms().keySet().forEach(roomId -> scope.room(roomId).tell(markersIn(s, roomId, false))))
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onNotify(UserState state, Notify cmd) {
    // Nothing of someone the user blocks reaches them: no toast, no inbox entry, no push.
    if (!state.exists() || !state.rooms().containsKey(cmd.roomId()) || state.blocked().contains(cmd.sender())) {
      return scope.effect().noReply();
    }
    List<Notification> inbox = inbox(state);
    long id = inbox.isEmpty() ? 1 : inbox.get(inbox.size() - 1).id() + 1;
    Notification n = new Notification(id, cmd.roomId(), cmd.seq(), cmd.sender(), cmd.kind(), cmd.excerpt(),
        scope.now());
    pendingNotifications.add(n);
    flushSoon();
    sessions.notified(n);
    return scope.effect().noReply();
  }

  private ReplyEffect<Event, UserState> onGetNotifications(UserState state, GetNotifications cmd) {
    Map<String, Long> rooms = rooms(state);
    List<Notification> inbox = inbox(state);
    List<Notification> page = Inbox.page(inbox, cmd.before(), cmd.limit());
    List<Boolean> read = page.stream().map(n -> Inbox.isRead(n, rooms)).toList();
    Long next = page.size() == cmd.limit() && page.get(page.size() - 1).id() > inbox.get(0).id()
        ? page.get(page.size() - 1).id() : null;
    return scope.effect().reply(cmd.replyTo(), new NotificationsView(page, read, next));
  }

  /** The inbox as stored, and the notifications not stored yet. */
  List<Notification> inbox(UserState state) {
    return pendingNotifications.isEmpty() ? state.inbox() : Inbox.with(state.inbox(), pendingNotifications);
  }

  /** The user's rooms with their read markers, stored or moved since. */
  Map<String, Long> rooms(UserState state) {
    if (pendingMarkers.isEmpty()) {
      return state.rooms();
    }
    Map<String, Long> merged = new HashMap<>(state.rooms());
    pendingMarkers.forEach((room, seq) -> merged.computeIfPresent(room, (r, old) -> Math.max(old, seq)));
    return Map.copyOf(merged);
  }

  /** The notifications and markers not stored yet, as events (none if none), forgotten here: the caller stores them. */
  List<Event> pendingEvents() {
    List<Event> events = new ArrayList<>(3);
    if (!pendingNotifications.isEmpty()) {
      events.add(new Notified(List.copyOf(pendingNotifications)));
      pendingNotifications.clear();
    }
    if (!pendingMarkers.isEmpty()) {
      events.add(new ReadMarkersMoved(Map.copyOf(pendingMarkers)));
      pendingMarkers.clear();
    }
    return events;
  }

  /** No read marker waits to be stored (a handoff stores whatever does). */
  boolean markersSettled() {
    return pendingMarkers.isEmpty();
  }

  /** What was not stored yet goes unstored (the account is closed). */
  void dropPending() {
    pendingMarkers.clear();
    pendingNotifications.clear();
  }
}
