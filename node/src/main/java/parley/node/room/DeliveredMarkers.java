package parley.node.room;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import parley.node.CborSerializable;

/**
 * v1.1: the delivered markers of one room's members, a child of the room's actor (it lives and moves with the room,
 * one writer like the room) with its own small journal, {@code RoomDelivered|<room>}: the room's own journal holds
 * timeline entries only, one per seq. The room hands it each move it accepted (member, clamped, forward only); what
 * moved is written as one event a second for the whole room, however many members moved, so a crash loses at most
 * about a second of marker moves and never a message. A snapshot every {@code snapshotEvery} events keeps replay
 * short (older events are deleted). After recovery it tells the room every marker, which the room keeps for receipts.
 */
public final class DeliveredMarkers
    extends EventSourcedBehavior<DeliveredMarkers.Command, DeliveredMarkers.Event, DeliveredMarkers.State> {

  public static final String TYPE = "RoomDelivered";
  static final Duration FLUSH_EVERY = Duration.ofSeconds(1);
  /** A snapshot every 100 batches (about 100 s of activity), so a restart replays at most that many. */
  static final int SNAPSHOT_EVERY = 100;

  public sealed interface Command extends CborSerializable {}

  /** A member's marker moved to {@code seq} (the room checked and clamped it). */
  public record Moved(String user, long seq) implements Command {}

  /** A member left: their marker goes with the next batch. */
  public record Forget(String user) implements Command {}

  enum Flush implements Command { INSTANCE }

  /** What moved in a second: markers that moved forward, members that left. */
  public record Batch(Map<String, Long> moved, Set<String> left) implements Event {}

  public sealed interface Event extends CborSerializable {}

  /** Every member's stored marker. */
  public record State(Map<String, Long> markers) implements CborSerializable {
    State apply(Batch batch) {
      Map<String, Long> next = new HashMap<>(markers);
      batch.moved().forEach((user, seq) -> next.merge(user, seq, Math::max));
      batch.left().forEach(next::remove);
      return new State(Map.copyOf(next));
    }
  }

  /** To the room: the markers as stored, once recovered. */
  public record Recovered(Map<String, Long> markers) {}

  public static PersistenceId persistenceId(String roomId) {
    return PersistenceId.of(TYPE, roomId);
  }

  public static Behavior<Command> create(String roomId, ActorRef<Recovered> room, int snapshotEvery) {
    return Behaviors.<Command>supervise(Behaviors.withTimers(timers ->
            new DeliveredMarkers(roomId, room, snapshotEvery, timers)))
        // A failed write loses what it held (markers move again with the next delivered frame); the room goes on.
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
  }

  private final ActorRef<Recovered> room;
  private final int snapshotEvery;
  private final TimerScheduler<Command> timers;
  /** Moves since the last batch, not stored yet. */
  private final Map<String, Long> moved = new HashMap<>();
  private final Set<String> left = new TreeSet<>();

  private DeliveredMarkers(String roomId, ActorRef<Recovered> room, int snapshotEvery, TimerScheduler<Command> timers) {
    super(persistenceId(roomId));
    this.room = room;
    this.snapshotEvery = snapshotEvery;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> room.tell(new Recovered(state.markers())))
        .build();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Moved.class, (state, cmd) -> {
          if (cmd.seq() > Math.max(state.markers().getOrDefault(cmd.user(), 0L), moved.getOrDefault(cmd.user(), 0L))) {
            moved.put(cmd.user(), cmd.seq());
            left.remove(cmd.user());
            flushSoon();
          }
          return Effect().none();
        })
        .onCommand(Forget.class, (state, cmd) -> {
          moved.remove(cmd.user());
          if (state.markers().containsKey(cmd.user())) {
            left.add(cmd.user());
            flushSoon();
          }
          return Effect().none();
        })
        .onCommand(Flush.class, (state, cmd) -> {
          if (moved.isEmpty() && left.isEmpty()) {
            return Effect().none();
          }
          Batch batch = new Batch(Map.copyOf(moved), Set.copyOf(left));
          moved.clear();
          left.clear();
          return Effect().persist(batch);
        })
        .build();
  }

  private void flushSoon() {
    if (!timers.isTimerActive(Flush.INSTANCE)) {
      timers.startSingleTimer(Flush.INSTANCE, Flush.INSTANCE, FLUSH_EVERY);
    }
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Batch.class, State::apply)
        .build();
  }
}
