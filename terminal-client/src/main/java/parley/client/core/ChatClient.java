package parley.client.core;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import parley.client.net.Link;
import parley.client.net.ParleyApi;
import parley.client.net.Scheduler;
import parley.protocol.Limits;
import parley.protocol.Message;
import parley.protocol.NotificationList;

/**
 * The client's core: it keeps {@link ChatState} true to the server through the {@link Link} (live frames, applied by
 * {@link LinkEvents}) and the {@link ParleyApi} (history by seq, {@link RoomSync}), and turns what the user does into
 * protocol calls. Messages, the room in view and the input line are handled here; rooms, files, the account, changes
 * to messages, invitations and search by the objects it hands out ({@link #rooms()}, {@link #files()},
 * {@link #account()}, {@link #messages()}, {@link #invitations()}, {@link #search()}), which share its thread, state
 * and listeners.
 *
 * <p>Every method runs on the client's thread ({@link Scheduler}); so do the listeners.
 */
public final class ChatClient {

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

  /** A message whose text starts with this is an action ({@code /me waves}): shown as "* sender waves". */
  public static final String ACTION = "/me ";

  private final ChatState state;
  private final ParleyApi api;
  private final Link link;
  private final Scheduler scheduler;
  private final Options options;
  private final Clock clock;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Sends sends;
  private final RoomSync sync;
  private final Signals signals;
  private final LinkEvents events;
  private final Membership membership;
  private final Invitations invitations;
  private final RoomCommands rooms;
  private final AdminCommands admin;
  private final SharedFiles files;
  private final Account account;
  private final MessageActions messages;
  private final MessageSearch search;

  public ChatClient(String username, ParleyApi api, Link link, Scheduler scheduler, Options options, Clock clock) {
    this.state = new ChatState(username);
    this.api = api;
    this.link = link;
    this.scheduler = scheduler;
    this.options = options;
    this.clock = clock;
    this.sends = new Sends(this);
    this.sync = new RoomSync(this);
    this.signals = new Signals(this);
    this.events = new LinkEvents(this);
    this.membership = new Membership(this);
    this.invitations = new Invitations(this);
    this.rooms = new RoomCommands(this);
    this.admin = new AdminCommands(this);
    this.files = new SharedFiles(this);
    this.account = new Account(this);
    this.messages = new MessageActions(this);
    this.search = new MessageSearch(this);
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

  /** Invitations waiting for the user's answer, and blocks. */
  public Invitations invitations() {
    return invitations;
  }

  /** Finding, creating, joining, leaving and running rooms. */
  public AdminCommands admin() {
    return admin;
  }

  public RoomCommands rooms() {
    return rooms;
  }

  /** Sharing and downloading files in the room in view. */
  public SharedFiles files() {
    return files;
  }

  /** The user's logins, password and account. */
  public Account account() {
    return account;
  }

  /** Replies to, edits of, deletions of and reactions to messages in the room in view. */
  public MessageActions messages() {
    return messages;
  }

  /** Search over the user's rooms, and opening a hit where it was said. */
  public MessageSearch search() {
    return search;
  }

  Link link() {
    return link;
  }

  Clock clock() {
    return clock;
  }

  Options options() {
    return options;
  }

  Sends sends() {
    return sends;
  }

  RoomSync sync() {
    return sync;
  }

  Signals signals() {
    return signals;
  }

  Membership membership() {
    return membership;
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  public void start() {
    link.open(events);
  }

  public void stop() {
    link.close();
  }

  /** Sends still waiting for their ack. */
  public int owed() {
    return sends.owed();
  }

  /**
   * The input line now reads {@code text}: while it holds something to send in the current room, the room is told
   * the user types (at most every {@code Signals.TYPING_EVERY}); once it is cleared, or the user is in another room,
   * stop. Commands other than {@code /me} are not typing.
   */
  public void inputChanged(String text) {
    signals.inputChanged(text);
  }

  /** Which of hello's {@code total} unread notifications they are (the inbox's newest page), quietly. */
  void unreadNotes(long total) {
    fetch(api.notifications(), (list, failure) -> {
      if (list != null) {
        state.inboxRead(list.notifications(), list.next() != null ? total : null);
        changed();
      }
    });
  }

  /** The notifications inbox, newest first; the unread count is set from it. */
  public CompletableFuture<NotificationList> mentions() {
    CompletableFuture<NotificationList> done = new CompletableFuture<>();
    fetch(api.notifications(), (list, failure) -> {
      if (list == null) {
        notice("Could not read your notifications: " + failure.getMessage(), true);
        done.completeExceptionally(failure);
        return;
      }
      state.inboxRead(list.notifications(), null);
      changed();
      done.complete(list);
    });
    return done;
  }

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

  /** A message; {@code replyTo}: the seq it answers, or null. */
  public CompletableFuture<Message> send(String roomId, String text, Long replyTo) {
    return sends.send(roomId, text, replyTo);
  }

  public void switchTo(String roomId) {
    signals.leaving(roomId);
    state.switchTo(roomId);
    signals.sendFocus();
    state.room(roomId).ifPresent(room -> {
      if (!room.loaded() && state.link().online()) {
        sync.sync(room);
      }
    });
    signals.markCurrentRead();
    changed();
  }

  /** The page before the oldest one held, if there is one (scrolling up). */
  public void loadOlder(String roomId) {
    sync.loadOlder(roomId);
  }

  public void notice(String text, boolean error) {
    state.notice(text, error, clock.instant());
    changed();
  }

  /** The user is no longer in the room: it goes, with what was to be sent there; if in view, its neighbour comes. */
  void dropped(String roomId) {
    boolean inView = state.current().map(r -> r.id().equals(roomId)).orElse(false);
    signals.gone(roomId);
    sends.dropRoom(roomId);
    state.remove(roomId);
    if (inView) {
      state.current().ifPresentOrElse(next -> switchTo(next.id()), signals::sendFocus);
    }
    changed();
  }

  /** Runs {@code act} on the room in view, or says there is none. */
  void inCurrentRoom(Consumer<RoomState> act) {
    state.current().ifPresentOrElse(act, () -> notice("You are in no room.", true));
  }

  /** Complete on the client's thread, then tell the listeners. */
  <T> void fetch(CompletableFuture<T> call, BiConsumer<T, Throwable> then) {
    call.whenCompleteAsync((value, failure) -> {
      then.accept(value, failure);
      changed();
    }, scheduler);
  }

  /** The bell, for something addressed to the user: a mention or DM outside the room in view, an invitation. */
  void ring() {
    listeners.forEach(Listener::onBell);
  }

  void changed() {
    signals.deliveredSoon();
    listeners.forEach(Listener::onChange);
  }
}
