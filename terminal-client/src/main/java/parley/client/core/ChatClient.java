package parley.client.core;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import parley.client.net.ApiException;
import parley.client.net.Link;
import parley.client.net.LinkListener;
import parley.client.net.LinkStatus;
import parley.client.net.ParleyApi;
import parley.client.net.Scheduler;
import parley.protocol.ClientFrame;
import parley.protocol.CreateRoom;
import parley.protocol.Limits;
import parley.protocol.Message;
import parley.protocol.Room;
import parley.protocol.RoomListing;
import parley.protocol.RoomSummary;
import parley.protocol.ServerFrame;

/**
 * The client's core: it keeps {@link ChatState} true to the server through the {@link Link} (live frames) and the
 * {@link ParleyApi} (history by seq), and turns what the user does into protocol calls.
 *
 * <p>On every {@code hello} (first connection or reconnect) every send still owed is sent again with its original
 * clientMsgId, so a send whose ack was lost is stored once; then each room is brought up to date by seq: a room
 * never seen gets its latest page, a known one gets everything after the last seq it holds gap-free.
 *
 * <p>Every method runs on the client's thread ({@link Scheduler}); so do the listeners.
 */
public final class ChatClient implements LinkListener {
  /** Rooms the current connection's handshake resumed (see {@link #resumePoints()}). */
  private Set<String> resumedBySocket = Set.of();

  /** Told after every change of state, on the client's thread. */
  public interface Listener {
    void onChange();

    /** A mention or a DM arrived for a room not in view. */
    default void onBell() {}
  }

  /** How much history a room gets when first seen (0: none, start from what is new) and per gap fetch. */
  public record Options(int historyPage, int fillPage, Duration retryDelay) {
    public static Options interactive() {
      return new Options(Limits.PAGE_DEFAULT, Limits.PAGE_MAX, Duration.ofSeconds(2));
    }

    public static Options lineMode() {
      return new Options(0, Limits.PAGE_MAX, Duration.ofSeconds(2));
    }
  }

  private static final int MEMBERSHIP_RETRIES = 3;
  /** v1.1: the client tells a room the user types at most this often. */
  static final Duration TYPING_EVERY = Duration.ofSeconds(2);
  /** v1.1: how often at most the client tells the server how far it holds its rooms. */
  static final Duration DELIVERED_EVERY = Duration.ofSeconds(1);
  /**
   * How long a room mate's "typing" shows without a renewal, counted from its arrival: the server's expiresAt is 6 s
   * after it sent the frame, and counting here needs no clock in step with the server's (the server's stop comes
   * then anyway).
   */
  static final Duration TYPING_SHOWN_FOR = Duration.ofSeconds(6);

  /** A message whose text starts with this is an action ({@code /me waves}): shown as "* sender waves". */
  public static final String ACTION = "/me ";

  private final ChatState state;
  private final ParleyApi api;
  private final Link link;
  private final Scheduler scheduler;
  private final Options options;
  private final Clock clock;
  private final Outbox outbox = new Outbox();
  private final Map<String, CompletableFuture<Message>> acks = new HashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private Scheduler.Cancellable deliveredTask;
  /** The room this client last told that the user types, and when; null once it said stop. */
  private String typingIn;
  private java.time.Instant typingToldAt;

  public ChatClient(String username, ParleyApi api, Link link, Scheduler scheduler, Options options, Clock clock) {
    this.state = new ChatState(username);
    this.api = api;
    this.link = link;
    this.scheduler = scheduler;
    this.options = options;
    this.clock = clock;
  }

  public ChatState state() {
    return state;
  }

  public ParleyApi api() {
    return api;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  public void start() {
    link.open(this);
  }

  public void stop() {
    link.close();
  }

  /** Sends still waiting for their ack. */
  public int owed() {
    return outbox.size();
  }

  /**
   * The input line now reads {@code text}: while it holds something to send in the current room, the room is told
   * the user types (at most every {@link #TYPING_EVERY}); once it is cleared, or the user is in another room, stop.
   * Commands other than {@code /me} are not typing.
   */
  public void inputChanged(String text) {
    RoomState room = state.current().orElse(null);
    boolean typing = room != null && !text.isBlank() && (!text.startsWith("/") || text.startsWith(ACTION));
    java.time.Instant now = clock.instant();
    if (typingIn != null && (!typing || !typingIn.equals(room.id()))) {
      link.send(new ClientFrame.Typing(typingIn, true));
      typingIn = null;
    }
    if (typing && (typingIn == null || !now.isBefore(typingToldAt.plus(TYPING_EVERY)))
        && link.send(new ClientFrame.Typing(room.id(), null))) {
      typingIn = room.id();
      typingToldAt = now;
    }
  }

  // ---------------------------------------------------------------------------------------------- from the link

  /**
   * Per room whose timeline the client holds, the seq up to which it has every entry: the link names these on the
   * handshake, and the new socket sends what was missed in them. Those rooms need no fetch after {@code hello}.
   */
  @Override
  public Map<String, Long> resumePoints() {
    Map<String, Long> points = new HashMap<>();
    for (RoomState room : state.rooms()) {
      if (room.loaded() && points.size() < Limits.RESUME_ROOMS_MAX) {
        points.put(room.id(), room.contiguous());
      }
    }
    resumedBySocket = Set.copyOf(points.keySet());
    return points;
  }

  @Override
  public void onStatus(LinkStatus status) {
    state.link(status);
    changed();
  }

  @Override
  public void onFrame(ServerFrame frame) {
    if (frame instanceof ServerFrame.Hello hello) {
      onHello(hello);
    } else if (frame instanceof ServerFrame.MessageFrame message) {
      onLive(message.toMessage());
    } else if (frame instanceof ServerFrame.Ack ack) {
      onAck(ack);
    } else if (frame instanceof ServerFrame.Presence p) {
      p.members().forEach(m -> state.presence(m.username(), m.online(), m.lastSeen()));
      changed();
    } else if (frame instanceof ServerFrame.Error error) {
      onError(error);
    } else if (frame instanceof ServerFrame.Typing typing) {
      if (!typing.username().equals(state.me())) {
        state.room(typing.room()).ifPresent(room ->
            room.typing(typing.username(), typing.ends() ? null : clock.instant().plus(TYPING_SHOWN_FOR)));
        changed();
      }
    } else if (frame instanceof ServerFrame.Notification) {
      // The message frame itself rings and marks the room (a mention or a DM outside the room in view): the
      // notification only counts for the inbox.
      state.notified(1);
      changed();
    } else if (frame instanceof ServerFrame.Receipt receipt) {
      state.room(receipt.room()).ifPresent(room ->
          receipt.all().forEach(m -> room.receipt(m.username(), m.deliveredSeq(), m.readSeq())));
      changed();
    } else if (frame instanceof ServerFrame.Removed removed) {
      onRemoved(removed.room(), "You were " + removed.reason() + " from %s"
          + (removed.by() == null ? "" : " by " + removed.by())
          + (removed.text() == null ? "." : ": " + SafeText.oneLine(removed.text())));
    } else if (frame instanceof ServerFrame.RoomDeleted deleted) {
      onRemoved(deleted.room(), "%s was deleted by its owner, with its history.");
    } else if (frame instanceof ServerFrame.Trimmed trimmed) {
      state.room(trimmed.room()).ifPresent(room -> room.trimmed(trimmed.floorSeq(), clock.instant()));
      changed();
    } else if (frame instanceof ServerFrame.Reset reset) {
      state.room(reset.room()).ifPresent(room -> reload(room, reset.lastSeq()));
      changed();
    }
  }

  /** v1.1: kicked, banned, or the room deleted: it leaves the list, with a line saying who did it and why. */
  private void onRemoved(String roomId, String why) {
    RoomState room = state.room(roomId).orElse(null);
    if (room == null) {
      return;
    }
    outbox.dropRoom(room.id());
    state.remove(room.id());
    notice(String.format(why, room.displayName(state.me())), true);
    changed();
  }

  /** The server's timeline of a room ends before what this client holds of it: forget the room and load it again. */
  private void reload(RoomState room, long serverLastSeq) {
    room.forget(serverLastSeq);
    room.notice(lostNotice(serverLastSeq), true, clock.instant());
    sync(room);
  }

  private static String lostNotice(long serverLastSeq) {
    return "The server's history of this room ends at seq " + serverLastSeq
        + ", before messages shown here: it lost them. The room was loaded again.";
  }

  private void onHello(ServerFrame.Hello hello) {
    Set<String> listed = new HashSet<>();
    List<RoomSummary> behind = new ArrayList<>();
    for (RoomSummary summary : hello.rooms()) {
      listed.add(summary.id());
      RoomState room = state.upsert(summary);
      if (room.readSeq() > summary.readSeq()) {
        behind.add(new RoomSummary(room.id(), room.name(), room.kind(), room.lastSeq(), room.readSeq(), 0));
      }
    }
    for (RoomState room : List.copyOf(state.rooms())) {
      if (!listed.contains(room.id())) {
        state.remove(room.id()); // left from another session
      }
    }
    if (state.current().isEmpty()) {
      state.ordered().stream().findFirst().ifPresent(r -> state.switchTo(r.id()));
    }
    for (Outbox.Item item : outbox.items()) {
      link.send(item.frame());
    }
    for (RoomSummary summary : hello.rooms()) {
      RoomState room = state.room(summary.id()).orElseThrow();
      if (room.loaded() && summary.lastSeq() < room.contiguous() && !Boolean.TRUE.equals(summary.unavailable())
          && !resumedBySocket.contains(room.id())) {
        // The server has less than this client holds: it lost entries (a room the socket resumed gets a reset frame).
        room.forget(summary.lastSeq());
        room.notice(lostNotice(summary.lastSeq()), true, clock.instant());
      }
    }
    for (RoomState room : List.copyOf(state.rooms())) {
      if (room.membersKnown()) {
        // Presence frames sent while the link was down are lost; the socket sends every change from hello on.
        readMembers(room);
      }
      sync(room);
    }
    for (RoomSummary marker : behind) {
      link.send(new ClientFrame.Read(marker.id(), marker.readSeq()));
    }
    markCurrentRead();
    state.notified(hello.notifications() == null ? 0 : hello.notifications() - state.notifications());
    sendFocus();
    changed();
  }

  /** v1.1: the server does not notify this connection of the room in view. */
  private void sendFocus() {
    link.send(new ClientFrame.Focus(state.current().map(RoomState::id).orElse(null)));
  }

  /** v1.1: the notifications inbox, newest first; the unread count is set from it. */
  public CompletableFuture<parley.protocol.NotificationList> mentions() {
    CompletableFuture<parley.protocol.NotificationList> done = new CompletableFuture<>();
    fetch(api.notifications(), (list, failure) -> {
      if (list == null) {
        notice("Could not read your notifications: " + failure.getMessage(), true);
        done.completeExceptionally(failure);
        return;
      }
      state.notified(list.notifications().stream().filter(n -> !n.read()).count() - state.notifications());
      changed();
      done.complete(list);
    });
    return done;
  }

  private void onLive(Message m) {
    boolean known = state.room(m.room()).isPresent();
    RoomState room = state.ensureRoom(m.room());
    boolean bell = state.receive(m.room(), List.of(m), true);
    room.typing(m.sender(), null); // whoever sent has stopped typing
    settled(List.of(m));
    if (Message.KIND_JOINED.equals(m.kind()) && !state.me().equals(m.sender())) {
      // presence frames only tell of comings and goings: someone already online who joins needs asking
      fetch(api.user(m.sender()), (p, failure) -> {
        if (p != null) {
          state.presence(p.username(), p.online(), p.lastSeen());
        }
      });
    }
    if (!known) {
      sync(room); // a room added elsewhere (a DM someone opened with us, a join from another session)
    } else if (room.loaded() && m.seq() > room.contiguous() + 1) {
      fill(room);
    }
    if (state.current().map(c -> c == room).orElse(false)) {
      markCurrentRead();
    }
    if (bell) {
      listeners.forEach(Listener::onBell);
    }
    changed();
  }

  private void onAck(ServerFrame.Ack ack) {
    outbox.remove(ack.clientMsgId());
    state.room(ack.room()).ifPresent(room -> room.acked(ack.clientMsgId(), ack.seq(), ack.sentAt(), state.me()));
    CompletableFuture<Message> waiting = acks.remove(ack.clientMsgId());
    if (waiting != null) {
      waiting.complete(state.room(ack.room()).flatMap(r -> r.entry(ack.seq())).orElse(null));
    }
    changed();
  }

  private void onError(ServerFrame.Error error) {
    var item = error.ref() == null ? null : outbox.get(error.ref()).orElse(null);
    if (item == null) {
      // A marker the connection's bucket dropped: the next one (markers are cumulative) says it all. Nothing to show.
      if (!"rate_limited".equals(error.code())) {
        notice(error.message(), true);
      }
      return;
    }
    if ("rate_limited".equals(error.code())) {
      // v1.1: sending faster than the user's limit. The send stays pending and goes again, same clientMsgId, when
      // the server said; the user sees it pending meanwhile, not failed.
      outbox.retried(item.clientMsgId());
      long ms = error.retryAfterMs() == null ? options.retryDelay().toMillis() : Math.max(1, error.retryAfterMs());
      scheduler.schedule(Duration.ofMillis(ms), () -> resend(item.clientMsgId()));
      return;
    }
    boolean retry = "unavailable".equals(error.code())
        || ("not_a_member".equals(error.code()) && item.retries() < MEMBERSHIP_RETRIES);
    if (retry) {
      outbox.retried(item.clientMsgId());
      scheduler.schedule(options.retryDelay(), () -> resend(item.clientMsgId()));
      return;
    }
    outbox.remove(item.clientMsgId());
    state.room(item.room()).ifPresent(room -> room.fail(item.clientMsgId(), error.message()));
    CompletableFuture<Message> waiting = acks.remove(item.clientMsgId());
    if (waiting != null) {
      waiting.completeExceptionally(new ApiException(0, error.code(), error.message()));
    }
    changed();
  }

  private void resend(String clientMsgId) {
    outbox.get(clientMsgId).ifPresent(item -> {
      if (state.link().online()) {
        link.send(item.frame());
      }
    });
  }

  /** Entries seen stored: sends of ours among them are done, whether or not their ack ever comes. */
  private void settled(List<Message> entries) {
    for (Message m : entries) {
      if (m.clientMsgId() != null && state.me().equals(m.sender()) && outbox.remove(m.clientMsgId()).isPresent()) {
        CompletableFuture<Message> waiting = acks.remove(m.clientMsgId());
        if (waiting != null) {
          waiting.complete(m);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- sync by seq

  /** The room's members and their presence now, but for members a frame told of while the read was under way. */
  private void readMembers(RoomState room) {
    long asOf = state.presenceMark();
    fetch(api.room(room.id()), (full, failure) -> {
      if (full != null) {
        state.upsert(full, asOf);
      }
    });
    // Receipt frames sent while the link was down are lost too; a server before v1.1 has none (404): none shown.
    fetch(api.receipts(room.id()), (receipts, failure) -> {
      if (receipts != null) {
        receipts.members().forEach(m -> room.receipt(m.username(), m.deliveredSeq(), m.readSeq()));
      }
    });
  }

  /** Bring one room up to date: its first page if it has none, else whatever lies past its gap-free run. */
  private void sync(RoomState room) {
    if (!room.membersKnown() && options.historyPage() > 0) {
      readMembers(room);
    }
    if (room.loaded()) {
      if (!resumedBySocket.contains(room.id())) {
        fill(room);
      }
      return;
    }
    if (options.historyPage() == 0) {
      room.startAt(room.lastSeq());
      fill(room);
      return;
    }
    if (room.syncing()) {
      return;
    }
    room.syncing(true);
    fetch(api.latest(room.id(), options.historyPage()), (page, failure) -> {
      room.syncing(false);
      if (failure != null) {
        retryLater(room);
        return;
      }
      settled(page.messages());
      room.baseline(page, state.me());
      if (Boolean.TRUE.equals(page.trimmed()) && page.floorSeq() != null) {
        room.trimmed(page.floorSeq(), clock.instant());
      }
      fill(room);
      if (state.current().map(c -> c == room).orElse(false)) {
        markCurrentRead();
      }
    });
  }

  /** Fetch after the last gap-free seq, page by page, until the room holds everything the server said it has. */
  private void fill(RoomState room) {
    var gap = room.gap();
    if (gap.isEmpty() || room.syncing()) {
      return;
    }
    long after = gap.getAsLong();
    room.syncing(true);
    fetch(api.after(room.id(), after, options.fillPage()), (page, failure) -> {
      room.syncing(false);
      if (failure != null) {
        ApiException e = ApiException.of(failure);
        if ("cursor_ahead".equals(e.code()) && e.lastSeq() != null) {
          reload(room, e.lastSeq());
        } else {
          retryLater(room);
        }
        return;
      }
      if (Boolean.TRUE.equals(page.trimmed()) && page.floorSeq() != null) {
        room.trimmed(page.floorSeq(), clock.instant());
      }
      state.receive(room.id(), page.messages(), false);
      settled(page.messages());
      if (room.contiguous() > after) {
        fill(room);
      } else if (room.gap().isPresent()) {
        retryLater(room); // the server said it has more than it gave: ask again shortly
      }
      if (state.current().map(c -> c == room).orElse(false)) {
        markCurrentRead();
      }
    });
  }

  private void retryLater(RoomState room) {
    scheduler.schedule(options.retryDelay(), () -> {
      if (state.link().online() && state.room(room.id()).orElse(null) == room) {
        sync(room);
      }
    });
  }

  /** Complete on the client's thread, then tell the listeners. */
  private <T> void fetch(CompletableFuture<T> call, BiConsumer<T, Throwable> then) {
    call.whenCompleteAsync((value, failure) -> {
      then.accept(value, failure);
      changed();
    }, scheduler);
  }

  // ---------------------------------------------------------------------------------------------- the user

  /** Send a line to the room in view. */
  public CompletableFuture<Message> send(String text) {
    return state.current()
        .map(room -> send(room.id(), text))
        .orElseGet(() -> {
          notice("You are in no room yet: /create one, /join one, or browse them with /rooms.", true);
          return CompletableFuture.failedFuture(new IllegalStateException("no room"));
        });
  }

  /** Send a line: pending at once, sent for good once acknowledged, resent on every reconnect until then. */
  public CompletableFuture<Message> send(String roomId, String text) {
    return send(roomId, text, null);
  }

  /** A message; {@code replyTo} (v1.1): the seq it answers, or null. */
  public CompletableFuture<Message> send(String roomId, String text, Long replyTo) {
    RoomState room = state.room(roomId).orElse(null);
    if (room == null) {
      return CompletableFuture.failedFuture(new ApiException(403, "not_a_member", "you are not in room " + roomId));
    }
    if (text.isBlank()) {
      return CompletableFuture.failedFuture(new ApiException(400, "invalid_message", "the message is empty"));
    }
    if (text.length() > Limits.MESSAGE_MAX_CHARS) {
      String why = "the message has " + text.length() + " characters; the limit is " + Limits.MESSAGE_MAX_CHARS;
      notice(why, true);
      return CompletableFuture.failedFuture(new ApiException(400, "invalid_message", why));
    }
    String clientMsgId = UUID.randomUUID().toString();
    room.addPending(clientMsgId, text, clock.instant());
    outbox.add(roomId, clientMsgId, text, replyTo);
    CompletableFuture<Message> acked = new CompletableFuture<>();
    acks.put(clientMsgId, acked);
    if (state.link().online()) {
      link.send(new ClientFrame.Send(roomId, clientMsgId, text, replyTo));
    }
    changed();
    return acked;
  }

  public void switchTo(String roomId) {
    if (typingIn != null && !typingIn.equals(roomId)) {
      // The line typed belongs to the room left: it no longer types there (the next keystroke types here).
      link.send(new ClientFrame.Typing(typingIn, true));
      typingIn = null;
    }
    state.switchTo(roomId);
    sendFocus();
    state.room(roomId).ifPresent(room -> {
      if (!room.loaded() && state.link().online()) {
        sync(room);
      }
    });
    markCurrentRead();
    changed();
  }

  /** Viewing a room moves its read marker to the last entry in view. */
  public void markCurrentRead() {
    state.current().ifPresent(room -> {
      room.clearActivity();
      long seen = room.contiguous();
      if (room.loaded() && seen > room.readSeq()) {
        room.markRead(seen);
        if (state.link().online()) {
          link.send(new ClientFrame.Read(room.id(), seen));
        }
      }
    });
  }

  /** The page before the oldest one held, if there is one (scrolling up). */
  public void loadOlder(String roomId) {
    RoomState room = state.room(roomId).orElse(null);
    if (room == null || !room.loaded() || !room.hasOlder() || room.loadingOlder()) {
      return;
    }
    room.loadingOlder(true);
    int page = options.historyPage() > 0 ? options.historyPage() : Limits.PAGE_DEFAULT;
    fetch(api.before(roomId, room.floor(), page), (older, failure) -> {
      if (failure != null) {
        room.loadingOlder(false);
        notice("Could not load older messages: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      if (Boolean.TRUE.equals(older.trimmed()) && older.floorSeq() != null) {
        room.trimmed(older.floorSeq(), clock.instant());
      }
      room.older(older, state.me());
    });
  }

  public CompletableFuture<Room> create(String name, String passcode, Integer capacity) {
    return adopt(api.createRoom(new CreateRoom(name, passcode, capacity)), room ->
        "Created " + roomLabel(room) + ". Others join with: /join " + room.id()
            + (room.passcode() ? " <passcode>" : ""));
  }

  /** Join by id, or by name when no room has that id and exactly one public room has that name. */
  public CompletableFuture<Room> join(String idOrName, String passcode) {
    CompletableFuture<Room> joined = api.join(idOrName, passcode).exceptionallyCompose(failure -> {
      ApiException e = ApiException.of(failure);
      if (!"no_such_room".equals(e.code())) {
        return CompletableFuture.failedFuture(e);
      }
      return api.rooms(idOrName).thenCompose(listing -> {
        List<RoomListing.Entry> named = listing.rooms().stream()
            .filter(r -> r.name().equalsIgnoreCase(idOrName))
            .toList();
        if (named.size() != 1) {
          return CompletableFuture.failedFuture(named.isEmpty() ? e : new ApiException(409, "ambiguous",
              named.size() + " rooms are called " + idOrName + ": /join one of them by id (see /rooms)"));
        }
        return api.join(named.get(0).id(), passcode);
      });
    });
    return adopt(joined, room -> "Joined " + roomLabel(room) + ".");
  }

  /** v1.1: opens (or reopens) the group DM with these people, and shows it. */
  public CompletableFuture<Room> group(java.util.List<String> usernames) {
    return adopt(api.openGroup(usernames.stream().map(u -> u.toLowerCase(Locale.ROOT).replaceFirst("^@", "")).toList()),
        room -> null);
  }

  public CompletableFuture<Room> dm(String username) {
    return adopt(api.openDm(username.toLowerCase(Locale.ROOT).replaceFirst("^@", "")), room -> null);
  }

  public CompletableFuture<Void> leave() {
    RoomState room = state.current().orElse(null);
    if (room == null) {
      notice("You are in no room.", true);
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> left = new CompletableFuture<>();
    fetch(api.leave(room.id()), (ok, failure) -> {
      if (failure != null) {
        notice("Could not leave: " + ApiException.of(failure).getMessage(), true);
        left.completeExceptionally(ApiException.of(failure));
        return;
      }
      outbox.dropRoom(room.id());
      state.remove(room.id());
      notice("You left " + room.displayName(state.me()) + ".", false);
      markCurrentRead();
      left.complete(null);
    });
    return left;
  }

  public CompletableFuture<RoomListing> browse(String filter) {
    CompletableFuture<RoomListing> listing = new CompletableFuture<>();
    fetch(api.rooms(filter), (rooms, failure) -> {
      if (failure != null) {
        notice("Could not list rooms: " + ApiException.of(failure).getMessage(), true);
        listing.completeExceptionally(ApiException.of(failure));
      } else {
        listing.complete(rooms);
      }
    });
    return listing;
  }

  /** The members of the room in view, online first, as a notice. */
  public void who() {
    state.current().ifPresentOrElse(room -> {
      List<String> online = new ArrayList<>();
      List<String> offline = new ArrayList<>();
      for (String member : room.members()) {
        (state.presenceOf(member).online() ? online : offline).add(member);
      }
      notice(room.members().size() + " in " + room.displayName(state.me()) + ": online " + String.join(", ", online)
          + (offline.isEmpty() ? "" : "; offline " + String.join(", ", offline)), false);
    }, () -> notice("You are in no room.", true));
  }

  // ---------------------------------------------------------------------------------------------- files (v1.1)

  /** The transfer running (at most one at a time), to cancel. */
  private CompletableFuture<?> transferring;
  private long progressShownAt;

  /** Shares the file at {@code path} in the room in view, with progress in the status bar. */
  public void upload(java.nio.file.Path path) {
    inCurrentRoom(room -> {
      if (transferring != null) {
        notice("A transfer is running: wait for it, or Esc cancels it.", true);
        return;
      }
      long size;
      try {
        if (!java.nio.file.Files.isRegularFile(path) || !java.nio.file.Files.isReadable(path)) {
          notice("Cannot read " + path + ": no such file, or not a readable one.", true);
          return;
        }
        size = java.nio.file.Files.size(path);
      } catch (java.io.IOException e) {
        notice("Cannot read " + path + ": " + e.getMessage(), true);
        return;
      }
      String name = path.getFileName().toString();
      state.transfer(new Transfer(name, true, size, 0, 0, clock.instant()));
      CompletableFuture<Message> upload = api.upload(room.id(), path, UUID.randomUUID().toString(), this::progress);
      transferring = upload;
      fetch(upload, (entry, failure) -> {
        transferring = null;
        state.transfer(null);
        if (failure != null) {
          notice(upload.isCancelled() ? "Upload of " + name + " cancelled." : "Not shared: "
              + ApiException.of(failure).getMessage(), !upload.isCancelled());
          return;
        }
        state.receive(room.id(), List.of(entry), true);
        notice("Shared " + name + " (" + Transfer.size(size) + ") as #" + entry.seq() + ".", false);
      });
    });
  }

  /** Progress from the HTTP client's thread: shown on the client's, at most 10 times a second. */
  private void progress(long bytes) {
    scheduler.execute(() -> {
      state.transfer().ifPresent(t -> state.transfer(t.progressed(bytes)));
      long now = clock.millis();
      if (now - progressShownAt >= 100) {
        progressShownAt = now;
        changed();
      }
    });
  }

  /** Downloads the file shared at {@code seq} in the room in view into {@code dir}, resuming an earlier try. */
  public void download(long seq, java.nio.file.Path dir) {
    inCurrentRoom(room -> {
      Message entry = room.entry(seq).map(room::current).orElse(null);
      if (entry == null || entry.file() == null) {
        notice("#" + seq + " is no file here (only the ones this client holds: scroll up to load older ones).", true);
        return;
      }
      if (transferring != null) {
        notice("A transfer is running: wait for it, or Esc cancels it.", true);
        return;
      }
      parley.protocol.FileRef file = entry.file();
      long have = 0;
      try {
        java.nio.file.Path part = dir.resolve(file.name() + ".part");
        have = java.nio.file.Files.exists(part) ? java.nio.file.Files.size(part) : 0;
      } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
        have = 0;
      }
      state.transfer(new Transfer(file.name(), false, file.size(), have, have, clock.instant()));
      CompletableFuture<java.nio.file.Path> download = api.download(file, dir, this::progress);
      transferring = download;
      fetch(download, (path, failure) -> {
        transferring = null;
        state.transfer(null);
        if (failure != null) {
          notice(download.isCancelled() ? "Download of " + file.name() + " stopped; /download " + seq
              + " again resumes it." : "Not downloaded: " + ApiException.of(failure).getMessage()
              + " (/download " + seq + " again resumes it)", !download.isCancelled());
          return;
        }
        notice("Saved " + path + " (" + Transfer.size(file.size()) + ", sha256 checked).", false);
      });
    });
  }

  /** Stops the transfer running, if any: true if there was one. */
  public boolean cancelTransfer() {
    CompletableFuture<?> t = transferring;
    if (t == null) {
      return false;
    }
    t.cancel(true);
    return true;
  }

  // ---------------------------------------------------------------------------------------------- edits (v1.1)

  /** The text of your last message in the room in view, as it reads now (Up on an empty line edits it). */
  public java.util.Optional<String> lastOwnText() {
    return state.current().flatMap(room -> {
      Long seq = room.lastOwnMessage(state.me());
      return seq == null ? java.util.Optional.empty()
          : room.entry(seq).map(room::current).map(Message::text);
    });
  }

  /** Replaces the text of your last message in the room in view (the server answers with an edit entry). */
  public void edit(String text) {
    inCurrentRoom(room -> {
      Long seq = room.lastOwnMessage(state.me());
      if (seq == null) {
        notice("You have no message here to edit (only the ones this client holds).", true);
      } else if (text.isBlank()) {
        notice("An edit needs some text; /del deletes the message.", true);
      } else if (!state.link().online()) {
        notice("Not connected: edit again once the connection is back.", true);
      } else {
        link.send(new ClientFrame.Edit(room.id(), seq, text, UUID.randomUUID().toString()));
      }
    });
  }

  /** Deletes the message at {@code seq}, or your last one (null). */
  public void delete(Long seq) {
    inCurrentRoom(room -> {
      Long target = seq != null ? seq : room.lastOwnMessage(state.me());
      if (target == null) {
        notice("You have no message here to delete.", true);
      } else if (!state.link().online()) {
        notice("Not connected: delete again once the connection is back.", true);
      } else {
        link.send(new ClientFrame.Delete(room.id(), target, UUID.randomUUID().toString()));
      }
    });
  }

  /** v1.1: toggles your {@code emoji} on the message at {@code seq} in the room in view. */
  public void react(long seq, String emoji) {
    inCurrentRoom(room -> {
      if (!state.link().online()) {
        notice("Not connected: react again once the connection is back.", true);
      } else {
        link.send(new ClientFrame.React(room.id(), seq, emoji, UUID.randomUUID().toString()));
      }
    });
  }

  /** A message in the room in view answering the one at {@code seq}. */
  public void reply(long seq, String text) {
    inCurrentRoom(room -> send(room.id(), text, seq));
  }

  // ---------------------------------------------------------------------------------------------- moderation (v1.1)

  /** Changes the room in view; the entries it makes show the change to everyone, this client included. */
  public void changeRoom(parley.protocol.RoomChange change) {
    inCurrentRoom(room -> fetch(api.changeRoom(room.id(), change), this::adoptModerated));
  }

  public void moderate(String action, String username, String reason) {
    inCurrentRoom(room -> fetch(api.moderate(room.id(), action, new parley.protocol.Moderation(username, reason)),
        this::adoptModerated));
  }

  /** Deletes the room in view; it leaves the list at once (the server's room_deleted comes too, and finds it gone). */
  public void deleteRoom() {
    inCurrentRoom(room -> fetch(api.deleteRoom(room.id()), (ok, failure) -> {
      if (failure != null) {
        notice("Not deleted: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      outbox.dropRoom(room.id());
      state.remove(room.id());
      notice("You deleted " + room.displayName(state.me()) + " and its history.", false);
    }));
  }

  public void setRole(String username, String role) {
    inCurrentRoom(room -> fetch(api.setRole(room.id(), new parley.protocol.RoleChange(username, role)),
        this::adoptModerated));
  }

  private void inCurrentRoom(java.util.function.Consumer<RoomState> act) {
    state.current().ifPresentOrElse(act, () -> notice("You are in no room.", true));
  }

  private void adoptModerated(Room room, Throwable failure) {
    if (failure != null) {
      notice(ApiException.of(failure).getMessage(), true);
    } else {
      state.upsert(room);
    }
  }

  // ---------------------------------------------------------------------------------------------- the account (v1.1)

  /** Lists the user's logins as notices, this one marked, each with the id {@code /endsession} takes. */
  public void sessions() {
    fetch(api.sessions(), (list, failure) -> {
      if (list == null) {
        notice("Could not list your logins: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      notice(list.sessions().size() + (list.sessions().size() == 1 ? " login:" : " logins, most recent first:"), false);
      for (parley.protocol.SessionList.Item s : list.sessions()) {
        notice(String.format("%s %s  %s  from %s, last used %s", s.id(), s.current() ? "(this one)" : "          ",
            s.userAgent() == null ? "unknown client" : SafeText.clean(s.userAgent()),
            s.address() == null ? "?" : s.address(), s.lastUsed() == null ? "?" : s.lastUsed().toString()), false);
      }
    });
  }

  public void endSession(String id) {
    fetch(api.endSession(id), (ok, failure) -> notice(failure == null ? "That login has ended."
        : "Could not end it: " + ApiException.of(failure).getMessage(), failure != null));
  }

  /** Changes the password; this login stays, the others end. */
  public void changePassword(String current, String next) {
    fetch(api.changePassword(current, next), (ok, failure) -> notice(failure == null
        ? "Password changed. Your other logins have ended; this one goes on."
        : "Password not changed: " + ApiException.of(failure).getMessage(), failure != null));
  }

  /** Closes the account; done once the server has (its 4001 close then logs this client out). */
  public CompletableFuture<Void> closeAccount(String password) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    fetch(api.closeAccount(password), (ok, failure) -> {
      if (failure != null) {
        notice("Account not closed: " + ApiException.of(failure).getMessage(), true);
        done.completeExceptionally(failure);
      } else {
        done.complete(null);
      }
    });
    return done;
  }

  public void notice(String text, boolean error) {
    state.notice(text, error, clock.instant());
    changed();
  }

  private CompletableFuture<Room> adopt(CompletableFuture<Room> call, java.util.function.Function<Room, String> said) {
    CompletableFuture<Room> done = new CompletableFuture<>();
    fetch(call, (room, failure) -> {
      if (failure != null) {
        ApiException e = ApiException.of(failure);
        notice(e.getMessage(), true);
        done.completeExceptionally(e);
        return;
      }
      RoomState adopted = state.upsert(room);
      adopted.markRead(room.lastSeq()); // the server starts the marker at our own joined entry
      switchTo(adopted.id());
      String text = said.apply(room);
      if (text != null) {
        notice(text, false);
      }
      done.complete(room);
    });
    return done;
  }

  private String roomLabel(Room room) {
    return "#" + room.name() + " (id " + room.id() + ")";
  }

  private void changed() {
    if (deliveredTask == null && state.link().online()) {
      deliveredTask = scheduler.schedule(DELIVERED_EVERY, this::sendDelivered);
    }
    listeners.forEach(Listener::onChange);
  }

  /** v1.1: tell each room how far this client holds it, if further than last told: at most once a second. */
  private void sendDelivered() {
    deliveredTask = null;
    for (RoomState room : state.rooms()) {
      long holds = room.loaded() ? room.contiguous() : 0;
      if (holds > room.deliveredSent() && link.send(new ClientFrame.Delivered(room.id(), holds))) {
        room.deliveredSent(holds);
      }
    }
  }
}
