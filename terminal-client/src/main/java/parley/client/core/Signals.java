package parley.client.core;

import java.time.Duration;
import java.time.Instant;
import parley.client.net.Link;
import parley.client.net.Scheduler;
import parley.protocol.ClientFrame;

/**
 * What the client tells the server of the user's attention, none of it stored as entries: that they type in a room,
 * which room is in view (the server notifies no connection of the room it shows), how far they read each room, and
 * how far this client holds each one. Runs on the client's thread, like {@link ChatClient}.
 */
final class Signals {
  /** The client tells a room the user types at most this often. */
  static final Duration TYPING_EVERY = Duration.ofSeconds(2);
  /** How often at most the client tells the server how far it holds its rooms. */
  static final Duration DELIVERED_EVERY = Duration.ofSeconds(1);

  private final ChatClient client;
  private final ChatState state;
  private final Link link;
  private Scheduler.Cancellable deliveredTask;
  /** The room this client last told that the user types, and when; null once it said stop. */
  private String typingIn;
  private Instant typingToldAt;

  Signals(ChatClient client) {
    this.client = client;
    this.state = client.state();
    this.link = client.link();
  }

  /** See {@link ChatClient#inputChanged}. */
  void inputChanged(String text) {
    RoomState room = state.current().orElse(null);
    boolean typing = room != null && !text.isBlank() && (!text.startsWith("/") || text.startsWith(ChatClient.ACTION));
    Instant now = client.clock().instant();
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

  /** Another room comes into view: the line typed belongs to the one left, so the user no longer types there. */
  void leaving(String nextRoomId) {
    if (typingIn != null && !typingIn.equals(nextRoomId)) {
      // The next keystroke types in the room now in view.
      link.send(new ClientFrame.Typing(typingIn, true));
      typingIn = null;
    }
  }

  /** The user is no longer in the room: no "stopped typing" goes to it, since the server would refuse it. */
  void gone(String roomId) {
    if (roomId.equals(typingIn)) {
      typingIn = null;
    }
  }

  /** The server does not notify this connection of the room in view. */
  void sendFocus() {
    link.send(new ClientFrame.Focus(state.current().map(RoomState::id).orElse(null)));
  }

  /** Viewing a room moves its read marker to the last entry in view. */
  void markCurrentRead() {
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

  /** Something changed: how far this client holds its rooms goes to the server within {@link #DELIVERED_EVERY}. */
  void deliveredSoon() {
    if (deliveredTask == null && state.link().online()) {
      deliveredTask = client.scheduler().schedule(DELIVERED_EVERY, this::sendDelivered);
    }
  }

  /** Tell each room how far this client holds it, if further than last told. */
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
