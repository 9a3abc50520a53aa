package parley.node.room;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import parley.node.files.FileStore;

/**
 * A room's I/O, as a child of the room's entity that runs on the blocking dispatcher: erasing journal rows and
 * snapshots (JDBC, by {@link JournalEraser}), releasing the room's files, and reading the journal for the age of old
 * entries. The entity only tells it what to do, so no blocking call and no journal query runs on the room's thread;
 * one message at a time, so two erasures of one room never overlap. Every step is idempotent: a failure is logged,
 * and the room asks again at its next trim or start.
 */
final class RoomIo {
  sealed interface Command {}

  /** The room is deleted: its history, its delivered markers and its files go. */
  enum EraseRoom implements Command { INSTANCE }

  /** Retention moved the floor: the journal rows and files before it go, once a snapshot covers them. */
  record EraseBelow(long floor) implements Command {}

  /** The entry at {@code seq} (a file) was deleted: its file goes, once no other share of the bytes is left. */
  record ReleaseEntry(long seq) implements Command {}

  /** The first seq from {@code from} to {@code to} written at or after {@code cutoff}; told to the room. */
  record ScanAgeFloor(long from, long to, Instant cutoff) implements Command {}

  static Behavior<Command> create(String roomId, ActorRef<ChatRoom.Command> room) {
    return Behaviors.withMdc(Command.class, Map.of("room", roomId),
        Behaviors.setup(ctx -> new RoomIo(roomId, room, ctx).behavior()));
  }

  private final String roomId;
  private final ActorRef<ChatRoom.Command> room;
  private final ActorContext<Command> context;
  private final Logger log;
  private final JournalEraser eraser;
  private final FileStore files;

  private RoomIo(String roomId, ActorRef<ChatRoom.Command> room, ActorContext<Command> context) {
    this.roomId = roomId;
    this.room = room;
    this.context = context;
    this.log = context.getLog();
    this.eraser = new JournalEraser(context.getSystem().settings().config());
    this.files = FileStore.get(context.getSystem());
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(EraseRoom.INSTANCE, () -> {
          eraseRoom();
          return Behaviors.same();
        })
        .onMessage(EraseBelow.class, cmd -> {
          eraseBelow(cmd.floor());
          return Behaviors.same();
        })
        .onMessage(ReleaseEntry.class, cmd -> {
          releaseEntry(cmd.seq());
          return Behaviors.same();
        })
        .onMessage(ScanAgeFloor.class, cmd -> {
          scanAgeFloor(cmd);
          return Behaviors.same();
        })
        .build();
  }

  private void eraseRoom() {
    files.releaseRoom(roomId).whenComplete((v, failure) -> {
      if (failure != null) {
        log.error("Room {} deleted, but its files were not released yet (again when it next starts)", roomId, failure);
      }
    });
    try {
      long[] n = eraser.erase(ChatRoom.persistenceId(roomId).id(), true);
      long[] markers = eraser.erase(DeliveredMarkers.persistenceId(roomId).id(), false);
      log.info("Room {} deleted: {} journal rows and {} snapshots erased", roomId, n[0] + markers[0],
          n[1] + markers[1]);
    } catch (SQLException e) {
      log.error("Room {} deleted, but its history could not be erased yet (again when it next starts)", roomId, e);
    }
  }

  /**
   * Deletes the journal rows before the floor and the snapshots before the latest, once a snapshot from which the
   * room recovers without them is stored (see {@link JournalEraser#trim}).
   */
  private void eraseBelow(long floor) {
    files.releaseBelow(roomId, floor).whenComplete((v, failure) -> {
      if (failure != null) {
        log.warn("Room {}: the files before its floor {} were not released yet (again at its next trim or start)",
            roomId, floor, failure);
      }
    });
    try {
      long[] n = eraser.trim(ChatRoom.persistenceId(roomId).id(), floor);
      if (n[0] > 0 || n[1] > 0) {
        log.info("Room {}: {} journal rows before seq {} and {} older snapshots erased", roomId, n[0], floor, n[1]);
      }
    } catch (SQLException e) {
      log.warn("Room {}: rows before its floor {} could not be erased yet (again at its next trim or start)",
          roomId, floor, e);
    }
  }

  private void releaseEntry(long seq) {
    files.releaseEntry(roomId, seq).whenComplete((v, failure) -> {
      if (failure != null) {
        log.warn("Room {}: the file of deleted entry {} was not released yet", roomId, seq, failure);
      }
    });
  }

  private void scanAgeFloor(ScanAgeFloor cmd) {
    long from = cmd.from();
    JdbcReadJournal journal = PersistenceQuery.get(context.getSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    journal.currentEventsByPersistenceId(ChatRoom.persistenceId(roomId).id(), from, cmd.to())
        .map(envelope -> ((ChatRoom.Event) envelope.event()).entry())
        .takeWhile(e -> e.sentAt().isBefore(cmd.cutoff()))
        .runWith(Sink.fold(from - 1, (last, e) -> e.seq()), context.getSystem())
        .thenApply(last -> last + 1)
        .whenComplete((floor, failure) ->
            room.tell(new ChatRoom.AgeFloorFound(floor == null ? 0 : floor, failure)));
  }
}
