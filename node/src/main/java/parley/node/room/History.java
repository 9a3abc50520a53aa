package parley.node.room;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Reads a page of a room's timeline for a member: the room answers from memory, or names a seq range that is read
 * from the journal by its primary key (persistence id, sequence number), never by scanning. The room checks
 * membership either way.
 */
public final class History {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final JdbcReadJournal journal;
  private final Duration timeout;

  public History(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.journal =
        PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    this.timeout = timeout;
  }

  /** A page, or the room's rejection (no_such_room, not_a_member). */
  public CompletionStage<ChatRoom.HistoryResult> page(
      String roomId, String user, Long before, Long after, int limit) {
    return sharding
        .entityRefFor(ChatRoom.ENTITY_KEY, roomId)
        .<ChatRoom.HistoryResult>ask(replyTo -> new ChatRoom.GetHistory(user, before, after, limit, replyTo), timeout)
        .thenCompose(result -> {
          if (result instanceof ChatRoom.InJournal range) {
            return fromJournal(roomId, range);
          }
          return CompletableFuture.completedFuture(result);
        });
  }

  private CompletionStage<ChatRoom.HistoryResult> fromJournal(String roomId, ChatRoom.InJournal range) {
    return journal
        .currentEventsByPersistenceId(ChatRoom.persistenceId(roomId).id(), range.from(), range.to())
        .map(envelope -> ((ChatRoom.Event) envelope.event()).entry())
        .runWith(Sink.seq(), system)
        .thenApply(entries -> {
          // Rows missing at the start: a trim erased them after the room named the range. Said, never a silent gap.
          long first = entries.isEmpty() ? range.to() + 1 : entries.get(0).seq();
          Long floor = first > range.from() ? Long.valueOf(first) : range.floorSeq();
          return new ChatRoom.Page(List.copyOf(entries), range.hasMore(), range.closedSenders(), range.overlays(),
              range.reactions(), floor);
        });
  }
}
