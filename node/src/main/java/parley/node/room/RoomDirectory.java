package parley.node.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import parley.node.CborSerializable;

/**
 * The list of public rooms, for browsing. Rooms report themselves here when they are created, when their member
 * count changes and when their online count changes; the listing is stored (so it survives restarts) except the
 * online counts, which rooms refresh as presence moves and whenever a node's hub (re)subscribes (every 30 s while
 * anyone watches the room), so a directory that moved to another node is right again within 30 s. One entity, sharded like the rest, so it moves with the
 * cluster.
 */
public final class RoomDirectory
    extends EventSourcedBehaviorWithEnforcedReplies<RoomDirectory.Command, RoomDirectory.Event, RoomDirectory.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "RoomDirectory");
  public static final String ID = "all";

  public static void init(ActorSystem<?> system) {
    // Never passivated: its online counts are soft state that rooms only refresh over time.
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create())
        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  public static Behavior<Command> create() {
    return new RoomDirectory();
  }

  public sealed interface Command extends CborSerializable {}

  /** A room's current listing (from the room). */
  public record Report(Listing listing) implements Command {}

  /**
   * A page of listings in name order: those whose name contains {@code query} (case-insensitive; null: all), after
   * the listing whose {@link #sortKey} is {@code after} (null: from the first), at most {@code limit}.
   */
  public record GetListings(String query, String after, int limit, ActorRef<Listings> replyTo) implements Command {}

  public record Listing(String id, String name, int members, int online, boolean passcode, int capacity)
      implements CborSerializable {}

  /** {@code next}: the sort key to ask after for the next page, null on the last. */
  public record Listings(List<Listing> rooms, String next) implements CborSerializable {}

  /** The order of the listing, and its cursor: the name lower-cased, then the id (names need not be unique). */
  static String sortKey(String name, String id) {
    return name.toLowerCase(Locale.ROOT) + '\u0000' + id;
  }

  public sealed interface Event extends CborSerializable {}

  /** What is stored of a listing: everything but the online count. */
  public record Listed(String id, String name, int members, boolean passcode, int capacity) implements Event {}

  /** Immutable; the map is copied on a listing change, which only creation, joins and leaves cause. */
  public record State(Map<String, Listed> rooms) implements CborSerializable {}

  /** Soft: online counts as last reported. */
  private final Map<String, Integer> online = new HashMap<>();
  /** Soft: the listed rooms (members > 0) by sort key, built again after the state changes. */
  private NavigableMap<String, Listed> sorted;
  private State sortedFrom;

  private RoomDirectory() {
    super(PersistenceId.of(ENTITY_KEY.name(), ID));
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Report.class, this::onReport)
        .onCommand(GetListings.class, (state, cmd) -> Effect().reply(cmd.replyTo(), listings(state, cmd)))
        .build();
  }

  private ReplyEffect<Event, State> onReport(State state, Report cmd) {
    Listing l = cmd.listing();
    online.put(l.id(), l.online());
    Listed next = new Listed(l.id(), l.name(), l.members(), l.passcode(), l.capacity());
    if (next.equals(state.rooms().get(l.id()))) {
      return Effect().noReply();
    }
    return Effect().persist(next).thenNoReply();
  }

  private Listings listings(State state, GetListings cmd) {
    if (sortedFrom != state) {
      sorted = new TreeMap<>();
      for (Listed r : state.rooms().values()) {
        if (r.members() > 0) { // an empty room is not listed; it can still be joined by its id
          sorted.put(sortKey(r.name(), r.id()), r);
        }
      }
      sortedFrom = state;
    }
    String needle = cmd.query() == null ? null : cmd.query().toLowerCase(Locale.ROOT);
    var from = cmd.after() == null ? sorted : sorted.tailMap(cmd.after(), false);
    List<Listing> page = new ArrayList<>(Math.min(cmd.limit(), 64));
    String last = null;
    for (Map.Entry<String, Listed> e : from.entrySet()) {
      Listed r = e.getValue();
      if (needle != null && !r.name().toLowerCase(Locale.ROOT).contains(needle)) {
        continue;
      }
      if (page.size() == cmd.limit()) {
        return new Listings(List.copyOf(page), last);
      }
      page.add(new Listing(r.id(), r.name(), r.members(), online.getOrDefault(r.id(), 0), r.passcode(), r.capacity()));
      last = e.getKey();
    }
    return new Listings(List.copyOf(page), null);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Listed.class,
            (state, event) -> {
              Map<String, Listed> rooms = new HashMap<>(state.rooms());
              rooms.put(event.id(), event);
              return new State(Map.copyOf(rooms));
            })
        .build();
  }
}
