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
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import parley.node.CborSerializable;

/**
 * The delivered markers of one room's members, a child of the room's actor (it lives and moves with the room,
 * one writer like the room) with its own small journal, {@code RoomDelivered|<room>}: the room's own journal holds
 * timeline entries only, one per seq. The room hands it, with its receipts each second, what moved in that second
 * (markers it accepted: member, clamped, forward only; members who left), and it writes that as one event for the whole
 * room however many members moved: a crash loses at most about a second of marker moves, never a message. A snapshot
 * every {@code snapshotEvery} events keeps replay short (older events are deleted). After recovery it tells the room
 * every marker, which the room keeps for receipts.
 */
public final class DeliveredMarkers
    extends EventSourcedBehavior<DeliveredMarkers.Command, DeliveredMarkers.Event, DeliveredMarkers.State> {

  public static final String TYPE = "RoomDelivered";
  /** A snapshot every 100 batches (about 100 s of activity), so a restart replays at most that many. */
  static final int SNAPSHOT_EVERY = 100;

  public sealed interface Command extends CborSerializable {}

  /** A second's moves from the room: markers that moved forward, members that left. */
  public record Store(Map<String, Long> moved, Set<String> left) implements Command {}

  /** What moved in a second, as stored. */
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

    /** What of {@code store} changes this state: moves forward, leavers it has; null if nothing. */
    Batch news(Store store) {
      Map<String, Long> forward = new HashMap<>();
      store.moved().forEach((user, seq) -> {
        if (seq > markers.getOrDefault(user, 0L)) {
          forward.put(user, seq);
        }
      });
      Set<String> gone = new TreeSet<>();
      for (String user : store.left()) {
        if (markers.containsKey(user) && !forward.containsKey(user)) {
          gone.add(user);
        }
      }
      return forward.isEmpty() && gone.isEmpty() ? null : new Batch(Map.copyOf(forward), Set.copyOf(gone));
    }
  }

  /** To the room: the markers as stored, once recovered. */
  public record Recovered(Map<String, Long> markers) {}

  public static PersistenceId persistenceId(String roomId) {
    return PersistenceId.of(TYPE, roomId);
  }

  public static Behavior<Command> create(String roomId, ActorRef<Recovered> room, int snapshotEvery) {
    return Behaviors.<Command>supervise(new DeliveredMarkers(roomId, room, snapshotEvery))
        // A failed write loses that second's moves (markers move again with the next delivered frame); the room goes on.
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
  }

  private final ActorRef<Recovered> room;
  private final int snapshotEvery;

  private DeliveredMarkers(String roomId, ActorRef<Recovered> room, int snapshotEvery) {
    super(persistenceId(roomId));
    this.room = room;
    this.snapshotEvery = snapshotEvery;
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
        .onCommand(Store.class, (state, cmd) -> {
          Batch batch = state.news(cmd);
          return batch == null ? Effect().none() : Effect().persist(batch);
        })
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Batch.class, State::apply)
        .build();
  }
}
