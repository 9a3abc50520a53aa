package parley.client.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import parley.client.net.ApiException;
import parley.client.net.ParleyApi;
import parley.protocol.Limits;
import parley.protocol.Message;
import parley.protocol.MessagePage;

/**
 * Brings each room up to date by seq through the {@link ParleyApi}: a room never seen gets its latest page (or, with
 * no history asked for, starts at what is new), a known one gets everything after the last seq it holds gap-free,
 * page by page; older pages come when the user scrolls up. Rooms the socket resumed on its handshake need no fetch
 * after {@code hello}: the socket sends what they missed. Runs on the client's thread, like {@link ChatClient}.
 */
final class RoomSync {
  /** Entries read around a seq: half before it, half after. */
  static final int AROUND = 50;
  private final ChatClient client;
  private final ChatState state;
  private final ParleyApi api;
  private final ChatClient.Options options;
  /** Rooms the current connection's handshake resumed (see {@link #resumePoints()}). */
  private Set<String> resumedBySocket = Set.of();

  RoomSync(ChatClient client) {
    this.client = client;
    this.state = client.state();
    this.api = client.api();
    this.options = client.options();
  }

  /**
   * Per room whose timeline the client holds, the seq up to which it has every entry: the link names these on the
   * handshake, and the new socket sends what was missed in them. Those rooms need no fetch after {@code hello}.
   */
  Map<String, Long> resumePoints() {
    Map<String, Long> points = new HashMap<>();
    for (RoomState room : state.rooms()) {
      if (room.loaded() && points.size() < Limits.RESUME_ROOMS_MAX) {
        points.put(room.id(), room.contiguous());
      }
    }
    resumedBySocket = Set.copyOf(points.keySet());
    return points;
  }

  /** Whether the current connection's socket resumed the room (it sends a reset frame if the server lost entries). */
  boolean resumedBySocket(String roomId) {
    return resumedBySocket.contains(roomId);
  }

  /** The server's timeline of a room ends before what this client holds of it: it lost entries, so forget the room. */
  void lost(RoomState room, long serverLastSeq) {
    room.forget(serverLastSeq);
    room.notice("The server's history of this room ends at seq " + serverLastSeq
        + ", before messages shown here: it lost them. The room was loaded again.", true, client.clock().instant());
  }

  /** As {@link #lost}, then load the room again. */
  void reload(RoomState room, long serverLastSeq) {
    lost(room, serverLastSeq);
    sync(room);
  }

  /** The room's members and their presence now, but for members a frame told of while the read was under way. */
  void readMembers(RoomState room) {
    long asOf = state.presenceMark();
    client.fetch(api.room(room.id()), (full, failure) -> {
      if (full != null) {
        state.upsert(full, asOf);
      }
    });
    // Receipt frames sent while the link was down are lost too; a server before v1.1 has none (404): none shown.
    client.fetch(api.receipts(room.id()), (receipts, failure) -> {
      if (receipts != null) {
        receipts.members().forEach(m -> room.receipt(m.username(), m.deliveredSeq(), m.readSeq()));
      }
    });
  }

  /** Bring one room up to date: its first page if it has none, else whatever lies past its gap-free run. */
  void sync(RoomState room) {
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
    client.fetch(api.latest(room.id(), options.historyPage()), (page, failure) -> {
      room.syncing(false);
      if (failure != null) {
        retryLater(room);
        return;
      }
      client.sends().settled(page.messages());
      room.baseline(page, state.me());
      if (Boolean.TRUE.equals(page.trimmed()) && page.floorSeq() != null) {
        room.trimmed(page.floorSeq(), client.clock().instant());
      }
      fill(room);
      markReadIfInView(room);
    });
  }

  /** Fetch after the last gap-free seq, page by page, until the room holds everything the server said it has. */
  void fill(RoomState room) {
    OptionalLong gap = room.gap();
    if (gap.isEmpty() || room.syncing()) {
      return;
    }
    long after = gap.getAsLong();
    room.syncing(true);
    client.fetch(api.after(room.id(), after, options.fillPage()), (page, failure) -> {
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
        room.trimmed(page.floorSeq(), client.clock().instant());
      }
      state.receive(room.id(), page.messages(), false);
      client.sends().settled(page.messages());
      if (room.contiguous() > after) {
        fill(room);
      } else if (room.gap().isPresent()) {
        retryLater(room); // the server said it has more than it gave: ask again shortly
      }
      markReadIfInView(room);
    });
  }

  private void markReadIfInView(RoomState room) {
    if (state.current().map(c -> c == room).orElse(false)) {
      client.signals().markCurrentRead();
    }
  }

  private void retryLater(RoomState room) {
    client.scheduler().schedule(options.retryDelay(), () -> {
      if (state.link().online() && state.room(room.id()).orElse(null) == room) {
        sync(room);
      }
    });
  }

  /**
   * The page around {@code seq} ({@code after=seq-25&limit=50}), merged into the room: a message far back (a search
   * hit, a mention) shows with what was said before and after it, with no paging down the whole way to it. A page
   * reaching the oldest entries held extends them downwards ({@link RoomState#older}); one further back stays apart
   * below them, with the seqs between shown missing until scrolling up loads them. Resuming goes by the gap-free run
   * from the newest end, which this never moves. Completes on the client's thread once the page is in (at once if
   * the room holds that stretch already).
   */
  CompletableFuture<Void> around(RoomState room, long seq) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long from = Math.max(0, seq - AROUND / 2);
    boolean held = room.loaded() && seq <= room.contiguous()
        && (from >= room.floor() || (seq >= room.floor() && !room.hasOlder()));
    if (held) {
      done.complete(null);
      return done;
    }
    client.fetch(api.after(room.id(), from, AROUND), (page, failure) -> {
      if (failure != null) {
        client.notice("Could not load the messages around #" + seq + ": " + ApiException.of(failure).getMessage(),
            true);
        done.completeExceptionally(failure);
        return;
      }
      if (state.room(room.id()).orElse(null) == room) {
        merge(room, page);
      }
      done.complete(null);
    });
    return done;
  }

  private void merge(RoomState room, MessagePage page) {
    List<Message> entries = page.messages();
    if (room.loaded() && !entries.isEmpty() && entries.get(0).seq() < room.floor()
        && entries.get(entries.size() - 1).seq() >= room.floor() - 1) {
      room.older(new MessagePage(entries, entries.get(0).seq() > 1), state.me());
    } else {
      room.add(entries, state.me());
    }
    if (Boolean.TRUE.equals(page.trimmed()) && page.floorSeq() != null) {
      room.trimmed(page.floorSeq(), client.clock().instant());
    }
  }

  /** The page before the oldest one held, if there is one (scrolling up). */
  void loadOlder(String roomId) {
    RoomState room = state.room(roomId).orElse(null);
    if (room == null || !room.loaded() || !room.hasOlder() || room.loadingOlder()) {
      return;
    }
    room.loadingOlder(true);
    int page = options.historyPage() > 0 ? options.historyPage() : Limits.PAGE_DEFAULT;
    client.fetch(api.before(roomId, room.floor(), page), (older, failure) -> {
      if (failure != null) {
        room.loadingOlder(false);
        client.notice("Could not load older messages: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      if (Boolean.TRUE.equals(older.trimmed()) && older.floorSeq() != null) {
        room.trimmed(older.floorSeq(), client.clock().instant());
      }
      room.older(older, state.me());
    });
  }
}
