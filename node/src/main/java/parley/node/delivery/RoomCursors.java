package parley.node.delivery;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import parley.node.delivery.ClientSession.Command;
import parley.node.room.ChatRoom;
import parley.node.room.TimelineEntry;
import parley.protocol.ServerFrame;

/**
 * The session's cursor in each room it follows, and where each starts: live entries are written in seq order, a gap
 * is fetched from storage at the client's pace, anything already written is dropped, and a client resuming past what
 * the room has is told with {@code reset}. The hub writes the common case itself, through the cursor ({@link Lane});
 * what it cannot write comes here.
 */
final class RoomCursors {
  private static final int FETCH_PAGE = 200;
  private static final int MAX_BUFFERED_PER_ROOM = 10_000;
  /** How soon a catch-up waiting for room in the socket's buffer looks again. */
  private static final Duration PACE = Duration.ofMillis(100);

  private final SessionCore core;

  RoomCursors(SessionCore core) {
    this.core = core;
  }

  /** An entry the hub could not write through the room's lane (or sent before the lane was open). */
  Behavior<Command> onEntry(ClientSession.Entry entry) {
    Cursor cursor = core.rooms.get(entry.roomId());
    if (cursor == null) {
      return Behaviors.same();
    }
    cursor.lock.lock();
    try {
      if (entry.seq() <= cursor.delivered) {
        return Behaviors.same();
      }
      cursor.target = Math.max(cursor.target, entry.seq());
      if (!cursor.fetching && entry.seq() == cursor.delivered + 1) {
        if (!core.send(entry.frame())) {
          return Behaviors.stopped();
        }
        cursor.delivered = entry.seq();
        return SessionCore.sameIf(cursor.drainBuffered(core::send));
      }
      if (cursor.buffered.size() < MAX_BUFFERED_PER_ROOM) {
        cursor.buffered.put(entry.seq(), entry.frame());
      }
      if (!cursor.fetching) {
        fetchWhenThereIsRoom(entry.roomId(), cursor);
      }
    } finally {
      cursor.lock.unlock();
    }
    return Behaviors.same();
  }

  Behavior<Command> onRoomSynced(ClientSession.RoomSynced synced) {
    Cursor cursor = core.rooms.get(synced.roomId());
    if (cursor == null) {
      return Behaviors.same();
    }
    cursor.lock.lock();
    try {
      cursor.target = Math.max(cursor.target, synced.lastSeq());
      if (!cursor.fetching && cursor.target > cursor.delivered) {
        fetchWhenThereIsRoom(synced.roomId(), cursor);
      }
    } finally {
      cursor.lock.unlock();
    }
    return Behaviors.same();
  }

  Behavior<Command> onRetryFetch(ClientSession.RetryFetch retry) {
    Cursor c = core.rooms.get(retry.roomId());
    if (c != null) {
      c.lock.lock();
      try {
        if (!c.fetching && c.target > c.delivered) {
          fetchWhenThereIsRoom(retry.roomId(), c);
        }
      } finally {
        c.lock.unlock();
      }
    }
    return Behaviors.same();
  }

  /**
   * Fetches the next page once the socket's buffer has room for it, so a long catch-up (a client resuming from
   * far back) goes at the client's pace instead of filling the buffer and closing the socket with 1008.
   */
  private void fetchWhenThereIsRoom(String roomId, Cursor cursor) {
    // Called with the cursor's lock held.
    if (core.outbound.free() >= Math.min(2 * fetchPage(), core.outbound.capacity())) {
      fetch(roomId, cursor);
    } else {
      core.timers.startSingleTimer("fetch-" + roomId, new ClientSession.RetryFetch(roomId), PACE);
    }
  }

  /**
   * A catch-up page: 200 entries, or a quarter of a smaller socket buffer (parley.session.outbound-buffer), so that
   * the room the next fetch waits for (two pages, or the whole buffer if that is less) is there once the client has
   * read what it holds. Waiting for more room than the buffer has would stall the catch-up for good.
   */
  private int fetchPage() {
    return Math.max(1, Math.min(FETCH_PAGE, core.outbound.capacity() / 4));
  }

  private void fetch(String roomId, Cursor cursor) {
    cursor.fetching = true;
    core.context.pipeToSelf(
        core.history.page(roomId, core.username, null, cursor.delivered, fetchPage()),
        (result, failure) -> new ClientSession.Fetched(roomId, cursor, result, failure));
  }

  Behavior<Command> onFetched(ClientSession.Fetched fetched) {
    Cursor cursor = core.rooms.get(fetched.roomId());
    if (cursor == null || cursor != fetched.cursor()) {
      return Behaviors.same();
    }
    cursor.lock.lock();
    try {
      return onFetched(fetched, cursor);
    } finally {
      cursor.lock.unlock();
    }
  }

  private Behavior<Command> onFetched(ClientSession.Fetched fetched, Cursor cursor) {
    cursor.fetching = false;
    if (fetched.result() instanceof ChatRoom.Rejected) {
      // Not a member any more: stop following the room.
      core.rooms.remove(fetched.roomId());
      cursor.dropped = true;
      core.hub.tell(new RoomHub.Unsubscribe(fetched.roomId(), core.self()));
      return Behaviors.same();
    }
    if (fetched.result() instanceof ChatRoom.CursorAhead ahead) {
      // The room restarted without entries this connection was given: say so, and go on from where it is now.
      if (!reset(fetched.roomId(), cursor.delivered, ahead.lastSeq())) {
        return Behaviors.stopped();
      }
      cursor.delivered = ahead.lastSeq();
      cursor.target = ahead.lastSeq();
      cursor.buffered.clear();
      return Behaviors.same();
    }
    if (!(fetched.result() instanceof ChatRoom.Page page)) {
      // The room did not answer in time (it may be moving): try again shortly.
      retryFetchLater(fetched.roomId());
      return Behaviors.same();
    }
    if (page.floorSeq() != null && page.floorSeq() > cursor.delivered + 1) {
      // The room's retention removed what comes next for this connection: said, and it goes on from the floor.
      if (!core.write(new ServerFrame.Trimmed(fetched.roomId(), page.floorSeq()))) {
        return Behaviors.stopped();
      }
      cursor.delivered = page.floorSeq() - 1;
      cursor.target = Math.max(cursor.target, cursor.delivered);
    }
    for (TimelineEntry e : page.entries()) {
      if (e.seq() == cursor.delivered + 1) {
        if (!core.write(ServerFrame.MessageFrame.of(WireEntries.inPage(fetched.roomId(), page, e)))) {
          return Behaviors.stopped();
        }
        cursor.delivered = e.seq();
        cursor.target = Math.max(cursor.target, e.seq());
      }
    }
    if (!cursor.drainBuffered(core::send)) {
      return Behaviors.stopped();
    }
    boolean progressed = !page.entries().isEmpty();
    if (cursor.target > cursor.delivered && (progressed || page.hasMore())) {
      fetchWhenThereIsRoom(fetched.roomId(), cursor);
    } else if (cursor.target > cursor.delivered) {
      retryFetchLater(fetched.roomId());
    }
    return Behaviors.same();
  }

  private void retryFetchLater(String roomId) {
    core.timers.startSingleTimer("fetch-" + roomId, new ClientSession.RetryFetch(roomId), Duration.ofSeconds(1));
  }

  /**
   * Follows a room from {@code delivered} on; entries up to {@code target} are fetched, later ones come live. The hub
   * answers with the room's last seq, which covers any entry it handed over before the cursor was there.
   */
  void track(String roomId, long delivered, long target) {
    core.hub.tell(new RoomHub.Subscribe(roomId, core.self(), core.username));
    follow(roomId, delivered, target);
  }

  /** The cursor for a room the hub already follows for this session, and the room's lane for the hub. */
  void follow(String roomId, long delivered, long target) {
    // Not shared yet: the hub gets the lane below (the message publishes what is set here).
    Cursor cursor = new Cursor(delivered, core.outbound, core.username);
    cursor.target = target;
    core.rooms.put(roomId, cursor);
    if (target > delivered) {
      fetch(roomId, cursor);
    }
    // After the Subscribe (same sender, same receiver): the hub has the membership to open the lane on.
    core.hub.tell(new RoomHub.OpenLane(roomId, core.self(), cursor));
  }

  /** Stops following a room here (the hub is told apart); false if it was not followed. */
  boolean drop(String roomId) {
    Cursor cursor = core.rooms.remove(roomId);
    if (cursor == null) {
      return false;
    }
    cursor.lock.lock();
    try {
      cursor.dropped = true;
    } finally {
      cursor.lock.unlock();
    }
    return true;
  }

  /**
   * Where a room's frames start for a client that named {@code after} for it: there, unless the room has not reached
   * it. Such a seq can only come from entries the server lost (or from another server): the client is told with a
   * {@code reset} frame and frames start after the room's {@code lastSeq}. -1 if the socket is closed.
   */
  long resumePoint(String roomId, long after, long lastSeq) {
    if (after <= lastSeq) {
      return after;
    }
    return reset(roomId, after, lastSeq) ? lastSeq : -1;
  }

  private boolean reset(String roomId, long after, long lastSeq) {
    // A warning (throttled to one a second by the log's filter): any client can name such a seq.
    core.context.getLog().warn(
        "{} resumed room {} after seq {}, past its last seq {}: entries they saw are not in the journal",
        core.username, roomId, after, lastSeq);
    return core.write(ServerFrame.Reset.cursorAhead(roomId, after, lastSeq));
  }

  /**
   * A marker cannot point past what the room has: {@code seq}, lowered to the newest seq this connection knows of in
   * the room (unread counts and receipts clamp it for rooms not tracked yet).
   */
  long knownUpTo(String roomId, long seq) {
    Cursor cursor = core.rooms.get(roomId);
    if (cursor == null) {
      return seq;
    }
    cursor.lock.lock();
    try {
      return Math.min(seq, Math.max(cursor.delivered, cursor.target));
    } finally {
      cursor.lock.unlock();
    }
  }
}
