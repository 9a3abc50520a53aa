package parley.client.core;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import parley.client.net.ApiException;
import parley.protocol.RoomSummary;
import parley.protocol.ServerFrame;

/**
 * The user's list of rooms as any of their devices changes it. The server tells every connection of the user
 * {@code room_added} when they are in a room now (joined on whichever device, a DM or group DM opened by anyone, an
 * invitation accepted), before any entry of it, and {@code room_left} when they left one on whichever device. A room
 * added joins the list and loads, without taking the place of the room in view; a room left goes, and if it was in
 * view the one next to it in the list comes into view, with a line saying why. Runs on the client's thread, like
 * {@link ChatClient}.
 */
final class Membership {
  private final ChatClient client;
  /** Rooms this client is leaving itself: their {@code room_left} is the answer to its own call, not news. */
  private final Set<String> leaving = new HashSet<>();

  Membership(ChatClient client) {
    this.client = client;
  }

  void onFrame(ServerFrame frame) {
    if (frame instanceof ServerFrame.RoomAdded added) {
      added(added.room());
    } else if (frame instanceof ServerFrame.RoomLeft left) {
      left(left.room());
    }
  }

  private void added(RoomSummary summary) {
    ChatState state = client.state();
    boolean known = state.room(summary.id()).isPresent();
    RoomState room = state.upsert(summary);
    if (!known) {
      client.sync().sync(room);
    }
    if (state.current().isEmpty()) {
      client.switchTo(room.id()); // nothing was in view: the lobby gives way, as it does on hello
    }
  }

  private void left(String roomId) {
    ChatState state = client.state();
    RoomState room = state.room(roomId).orElse(null);
    if (room == null || leaving.contains(roomId)) {
      return;
    }
    client.dropped(roomId);
    client.notice("You left " + room.displayName(state.me()) + " on another device.", false);
  }

  /** {@code /leave}: the room in view. */
  CompletableFuture<Void> leave() {
    RoomState room = client.state().current().orElse(null);
    if (room == null) {
      client.notice("You are in no room.", true);
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> left = new CompletableFuture<>();
    leaving.add(room.id());
    client.fetch(client.api().leave(room.id()), (ok, failure) -> {
      leaving.remove(room.id());
      if (failure != null) {
        client.notice("Could not leave: " + ApiException.of(failure).getMessage(), true);
        left.completeExceptionally(ApiException.of(failure));
        return;
      }
      client.dropped(room.id());
      client.notice("You left " + room.displayName(client.state().me()) + ".", false);
      left.complete(null);
    });
    return left;
  }
}
