package parley.client.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import parley.client.net.LinkListener;
import parley.client.net.LinkStatus;
import parley.protocol.ClientFrame;
import parley.protocol.Message;
import parley.protocol.RoomSummary;
import parley.protocol.ServerFrame;

/**
 * What the link reports, applied to {@link ChatState}, each change told to the client's listeners: the connection's
 * state, and every server frame. On every {@code hello} (first connection or reconnect) every send still owed goes
 * again with its original clientMsgId, then each room is brought up to date by seq ({@link RoomSync}). Runs on the
 * client's thread, like {@link ChatClient}.
 */
final class LinkEvents implements LinkListener {
  /**
   * How long a room mate's "typing" shows without a renewal, counted from its arrival: the server's expiresAt is 6 s
   * after it sent the frame, and counting here needs no clock in step with the server's (the server's stop comes
   * then anyway).
   */
  static final Duration TYPING_SHOWN_FOR = Duration.ofSeconds(6);

  private final ChatClient client;
  private final ChatState state;

  LinkEvents(ChatClient client) {
    this.client = client;
    this.state = client.state();
  }

  @Override
  public Map<String, Long> resumePoints() {
    return client.sync().resumePoints();
  }

  @Override
  public void onStatus(LinkStatus status) {
    state.link(status);
    client.changed();
  }

  @Override
  public void onFrame(ServerFrame frame) {
    if (frame instanceof ServerFrame.Hello hello) {
      onHello(hello);
    } else if (frame instanceof ServerFrame.MessageFrame message) {
      onLive(message.toMessage());
    } else if (frame instanceof ServerFrame.Ack ack) {
      client.sends().onAck(ack);
    } else if (frame instanceof ServerFrame.Presence p) {
      p.members().forEach(m -> state.presence(m.username(), m.online(), m.lastSeen()));
      client.changed();
    } else if (frame instanceof ServerFrame.Error error) {
      client.sends().onError(error);
    } else if (frame instanceof ServerFrame.Typing typing) {
      if (!typing.username().equals(state.me()) && !state.blocks(typing.username())) {
        state.room(typing.room()).ifPresent(room -> room.typing(typing.username(),
            typing.ends() ? null : client.clock().instant().plus(TYPING_SHOWN_FOR)));
        client.changed();
      }
    } else if (frame instanceof ServerFrame.Notification n) {
      // The message frame itself rings and marks the room (a mention or a DM outside the room in view): the
      // notification only counts for the inbox, until its room is read.
      state.notified(n.room(), n.seq());
      client.changed();
    } else if (frame instanceof ServerFrame.Marker marker) {
      // Read on another device: read here too (its unread count, its mentions, the inbox's count).
      state.room(marker.room()).ifPresent(room -> {
        room.markRead(marker.readSeq());
        if (room.unread() == 0) {
          room.clearActivity();
        }
      });
      client.changed();
    } else if (frame instanceof ServerFrame.Receipt receipt) {
      state.room(receipt.room()).ifPresent(room ->
          receipt.all().forEach(m -> room.receipt(m.username(), m.deliveredSeq(), m.readSeq())));
      client.changed();
    } else if (frame instanceof ServerFrame.Removed removed) {
      onRemoved(removed.room(), "You were " + removed.reason() + " from %s"
          + (removed.by() == null ? "" : " by " + removed.by())
          + (removed.text() == null ? "." : ": " + SafeText.oneLine(removed.text())));
    } else if (frame instanceof ServerFrame.RoomDeleted deleted) {
      onRemoved(deleted.room(), "%s was deleted by its owner, with its history.");
    } else if (frame instanceof ServerFrame.Trimmed trimmed) {
      state.room(trimmed.room()).ifPresent(room -> room.trimmed(trimmed.floorSeq(), client.clock().instant()));
      client.changed();
    } else if (frame instanceof ServerFrame.Reset reset) {
      state.room(reset.room()).ifPresent(room -> client.sync().reload(room, reset.lastSeq()));
      client.changed();
    } else if (frame instanceof ServerFrame.Invite || frame instanceof ServerFrame.InviteEnded) {
      client.invitations().onFrame(frame);
      client.changed();
    } else if (frame instanceof ServerFrame.Block block) {
      state.block(block.user(), block.on()); // blocked or unblocked on whichever device
      client.changed();
    } else if (frame instanceof ServerFrame.RoomAdded || frame instanceof ServerFrame.RoomLeft) {
      client.membership().onFrame(frame);
      client.changed();
    }
  }

  /** Kicked, banned, or the room deleted: it leaves the list, with a line saying who did it and why. */
  private void onRemoved(String roomId, String why) {
    RoomState room = state.room(roomId).orElse(null);
    if (room == null) {
      return;
    }
    client.dropped(room.id());
    client.notice(String.format(why, room.displayName(state.me())), true);
  }

  private void onHello(ServerFrame.Hello hello) {
    RoomSync sync = client.sync();
    Signals signals = client.signals();
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
    client.sends().resendAll();
    for (RoomSummary summary : hello.rooms()) {
      RoomState room = state.room(summary.id()).orElseThrow();
      if (room.loaded() && summary.lastSeq() < room.contiguous() && !Boolean.TRUE.equals(summary.unavailable())
          && !sync.resumedBySocket(room.id())) {
        // The server has less than this client holds: it lost entries (a room the socket resumed gets a reset frame).
        sync.lost(room, summary.lastSeq());
      }
    }
    for (RoomState room : List.copyOf(state.rooms())) {
      if (room.membersKnown() || RoomState.KIND_GROUP.equals(room.kind())) {
        // Presence frames sent while the link was down are lost; the socket sends every change from hello on. A
        // group DM's members are its title (who is in it, not who was asked).
        sync.readMembers(room);
      }
      sync.sync(room);
    }
    for (RoomSummary marker : behind) {
      client.link().send(new ClientFrame.Read(marker.id(), marker.readSeq()));
    }
    signals.markCurrentRead();
    state.notificationsCounted(hello.notifications() == null ? 0 : hello.notifications());
    if (state.notifications() > 0) {
      client.unreadNotes(state.notifications());
    }
    signals.sendFocus();
    client.invitations().refresh(); // invite and block frames come only from hello on: what came meanwhile is read
    client.invitations().readBlocks();
    client.changed();
  }

  private void onLive(Message m) {
    boolean known = state.room(m.room()).isPresent();
    RoomState room = state.ensureRoom(m.room());
    boolean bell = state.receive(m.room(), List.of(m), true);
    room.typing(m.sender(), null); // whoever sent has stopped typing
    client.sends().settled(List.of(m));
    if (Message.KIND_JOINED.equals(m.kind()) && !state.me().equals(m.sender())) {
      // presence frames only tell of comings and goings: someone already online who joins needs asking
      client.fetch(client.api().user(m.sender()), (p, failure) -> {
        if (p != null) {
          state.presence(p.username(), p.online(), p.lastSeen());
        }
      });
    }
    if (!known) {
      client.sync().sync(room); // a room added elsewhere (a DM someone opened with us, a join from another session)
    } else if (room.loaded() && m.seq() > room.contiguous() + 1) {
      client.sync().fill(room);
    }
    if (state.current().map(c -> c == room).orElse(false)) {
      client.signals().markCurrentRead();
    }
    if (bell) {
      client.ring();
    }
    client.changed();
  }
}
