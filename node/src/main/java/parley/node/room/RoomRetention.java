package parley.node.room;

import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import parley.node.room.ChatRoom.AgeFloorFound;
import parley.node.room.ChatRoom.CheckRetention;
import parley.node.room.ChatRoom.Event;
import parley.node.room.ChatRoom.HistoryTrimmed;

/**
 * The room's retention: entries past its count limit (trimmed in steps) or its age limit (found in memory, or by
 * its {@link RoomIo} in the journal) are removed by a {@code trimmed} entry that moves the room's floor; the rows
 * before the floor are erased once a snapshot covers them.
 */
final class RoomRetention extends RoomPart {
  /** An age check's journal read is running; its tick is scheduled. */
  private boolean ageScanRunning;
  private boolean ageTickScheduled;

  RoomRetention(RoomCore core) {
    super(core);
  }

  /**
   * The floor a count limit asks for, or 0. Trims go in steps (a tenth of the limit, 10 to 1,000 entries), so a busy
   * room writes one {@code trimmed} entry per step, not one per message; {@code now}: at once (a new limit).
   */
  long countTrimDue(RoomState state, boolean now) {
    if (state.retention == null || state.retention.maxMessages() == null) {
      return 0;
    }
    int keep = state.retention.maxMessages();
    long held = state.lastSeq - state.floorSeq + 1;
    long step = now ? 1 : Math.max(10, Math.min(1000, keep / 10));
    // With the trimmed entry (the next seq after the sends waiting), the room holds exactly `keep` entries.
    return held + pending.size() >= keep + step ? nextSeq(state) - keep + 1 : 0;
  }

  ReplyEffect<Event, RoomState> onCheckRetention(RoomState state, CheckRetention cmd) {
    if (cmd.timer()) {
      ageTickScheduled = false;
    }
    if (state.retention == null) {
      return Effect().noReply();
    }
    if (state.retention.maxAgeDays() != null) {
      if (!ageTickScheduled) {
        ageTickScheduled = true;
        context.scheduleOnce(settings.retentionCheckEvery(), context.getSelf(), new CheckRetention(true));
      }
      Instant cutoff = now().minus(Duration.ofDays(state.retention.maxAgeDays()));
      long oldest = state.oldestRecentSeq();
      TimelineEntry first = state.recentEntry(oldest);
      if (first != null && first.sentAt().isBefore(cutoff)) {
        // What aged out is within memory: the first entry young enough is the floor.
        long floor = state.lastSeq + pending.size() + 1;
        for (TimelineEntry e : state.recent.range(oldest, state.lastSeq)) {
          if (!e.sentAt().isBefore(cutoff)) {
            floor = e.seq();
            break;
          }
        }
        return trim(state, Math.max(floor, countTrimDue(state, cmd.eager())));
      }
      if (oldest > state.floorSeq && !ageScanRunning) {
        // Entries older than memory's may have aged out: read their times from the journal, off the room.
        ageScanRunning = true;
        core.io().tell(new RoomIo.ScanAgeFloor(state.floorSeq, oldest - 1, cutoff));
      }
    }
    return trim(state, countTrimDue(state, cmd.eager()));
  }


  ReplyEffect<Event, RoomState> onAgeFloorFound(RoomState state, AgeFloorFound found) {
    ageScanRunning = false;
    if (found.failure() != null) {
      context.getLog().warn("Room {}: could not read the journal to apply its retention (again at the next check)",
          roomId, found.failure());
      return Effect().noReply();
    }
    if (state.retention == null || state.retention.maxAgeDays() == null) {
      return Effect().noReply();
    }
    return trim(state, Math.max(found.floor(), countTrimDue(state, false)));
  }

  /** Stores a {@code trimmed} entry moving the floor up to {@code floor} (after the sends waiting), if it moves. */
  private ReplyEffect<Event, RoomState> trim(RoomState state, long floor) {
    long at = nextSeq(state);
    long to = Math.min(floor, at);
    if (to <= state.floorSeq) {
      return Effect().noReply();
    }
    TimelineEntry entry = new TimelineEntry.Trimmed(at, state.info.owner(), now(), to);
    PendingSends.Batch batch = pending.take(state, now(), new HistoryTrimmed(entry));
    return Effect()
        .persist(batch.events())
        .thenRun(s -> {
          batch.complete(audience::publish);
          context.getLog().info("Room {}: retention trimmed its history to seq {} (of {})", roomId, to, s.lastSeq);
        })
        .thenNoReply();
  }
}
