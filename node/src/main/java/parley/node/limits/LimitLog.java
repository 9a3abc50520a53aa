package parley.node.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import parley.node.CborSerializable;

/**
 * One user's uses of the limits whose windows outlive an entity's time in memory: rooms and group DMs created (20 and
 * 10 an hour) and wrong passcodes per room (5 free in 15 minutes). Kept in memory by the room or the user's entity,
 * they started over whenever that entity was passivated (a room idle for two minutes) and the window opened again.
 * Here each use is an event with its wall-clock time, so the count is the same after a passivation, a restart or a move
 * to another node. A small entity per user, sharded; a use is written before it is allowed, so a crash cannot hand out
 * one more. Snapshots keep it short: uses older than {@link #LONGEST_WINDOW} are dropped, and so are the events before.
 */
public final class LimitLog
    extends EventSourcedBehaviorWithEnforcedReplies<LimitLog.Command, LimitLog.Event, LimitLog.State> {
  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "LimitLog");
  /** No window is longer: what is older is forgotten. */
  static final Duration LONGEST_WINDOW = Duration.ofDays(1);
  /** More uses of one kind are never needed: a limit's count, or the failures after which a wait is its longest. */
  static final int KEPT = 64;

  public sealed interface Command extends CborSerializable {}

  /** One use of {@code limit} if fewer than {@code max} were made within {@code window}: Allowed, or Refused. */
  public record Take(String limit, int max, Duration window, ActorRef<Answer> replyTo) implements Command {}

  /** The wait before the next attempt at {@code key} is even checked, after its failures under {@code rule}. */
  public record WaitFor(String key, FailureBackoff.Rule rule, ActorRef<Answer> replyTo) implements Command {}

  /** An attempt at {@code key} failed (a wrong passcode). */
  public record Fail(String key, ActorRef<Answer> replyTo) implements Command {}

  /** An attempt at {@code key} succeeded: its failures are forgotten. */
  public record Succeed(String key, ActorRef<Answer> replyTo) implements Command {}

  public sealed interface Answer extends CborSerializable {}

  /** Go ahead. */
  public enum Allowed implements Answer { INSTANCE }

  /** Not now: the use that frees a place, or the wait, ends in {@code retryAfterMs}. */
  public record Refused(long retryAfterMs) implements Answer {}

  public sealed interface Event extends CborSerializable {}

  public record Used(String limit, Instant at) implements Event {}

  public record Failed(String key, Instant at) implements Event {}

  public record Succeeded(String key) implements Event {}

  /** Each limit's uses and each key's failures, oldest first, the last {@link #KEPT} of each. */
  public record State(Map<String, List<Instant>> uses, Map<String, List<Instant>> failures)
      implements CborSerializable {
    static final State EMPTY = new State(Map.of(), Map.of());

    public State {
      uses = uses == null ? Map.of() : uses;
      failures = failures == null ? Map.of() : failures;
    }

    /** {@code times} with {@code at} added, those before {@code at} less the longest window dropped. */
    private static Map<String, List<Instant>> with(Map<String, List<Instant>> all, String key, Instant at) {
      Instant oldest = at.minus(LONGEST_WINDOW);
      Map<String, List<Instant>> next = new HashMap<>();
      all.forEach((k, times) -> {
        List<Instant> kept = times.stream().filter(t -> t.isAfter(oldest)).toList();
        if (!kept.isEmpty()) {
          next.put(k, kept);
        }
      });
      List<Instant> times = new ArrayList<>(next.getOrDefault(key, List.of()));
      times.add(at);
      next.put(key, List.copyOf(times.subList(Math.max(0, times.size() - KEPT), times.size())));
      return Map.copyOf(next);
    }

    State apply(Event event) {
      if (event instanceof Used u) {
        return new State(with(uses, u.limit(), u.at()), failures);
      } else if (event instanceof Failed f) {
        return new State(uses, with(failures, f.key(), f.at()));
      } else if (event instanceof Succeeded s) {
        Map<String, List<Instant>> next = new HashMap<>(failures);
        next.remove(s.key());
        return new State(uses, Map.copyOf(next));
      }
      return this;
    }
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), Clock.systemUTC())));
  }

  /** The log of {@code username}. */
  public static EntityRef<Command> of(ActorSystem<?> system, String username) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, username);
  }

  public static Behavior<Command> create(String username, Clock clock) {
    return new LimitLog(username, clock);
  }

  private final Clock clock;

  private LimitLog(String username, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), username));
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 1).withDeleteEventsOnSnapshot();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Take.class, this::onTake)
        .onCommand(WaitFor.class, (state, cmd) -> Effect().reply(cmd.replyTo(), waitFor(state, cmd.key(), cmd.rule())))
        .onCommand(Fail.class, (state, cmd) -> Effect().persist(new Failed(cmd.key(), clock.instant()))
            .thenReply(cmd.replyTo(), s -> Allowed.INSTANCE))
        .onCommand(Succeed.class, (state, cmd) -> state.failures().containsKey(cmd.key())
            ? Effect().persist(new Succeeded(cmd.key())).thenReply(cmd.replyTo(), s -> Allowed.INSTANCE)
            : Effect().reply(cmd.replyTo(), Allowed.INSTANCE))
        .build();
  }

  private ReplyEffect<Event, State> onTake(State state, Take cmd) {
    Instant now = clock.instant();
    Instant from = now.minus(cmd.window());
    List<Instant> within = state.uses().getOrDefault(cmd.limit(), List.of()).stream().filter(t -> t.isAfter(from))
        .toList();
    if (within.size() >= cmd.max()) {
      // The place the oldest use of the window holds comes free as it leaves the window.
      Instant free = within.get(within.size() - cmd.max()).plus(cmd.window());
      return Effect().reply(cmd.replyTo(), new Refused(Math.max(1, Duration.between(now, free).toMillis())));
    }
    return Effect().persist(new Used(cmd.limit(), now)).thenReply(cmd.replyTo(), s -> Allowed.INSTANCE);
  }

  private Answer waitFor(State state, String key, FailureBackoff.Rule rule) {
    FailureBackoff backoff = new FailureBackoff(rule);
    for (Instant failed : state.failures().getOrDefault(key, List.of())) {
      backoff.failed(nanos(failed));
    }
    long wait = backoff.waitMillis(nanos(clock.instant()));
    return wait == 0 ? Allowed.INSTANCE : new Refused(wait);
  }

  /** A window or a wait as a message says it: "1 hour", "15 minutes", "40 s". */
  public static String humane(Duration d) {
    if (d.toHours() == 0 && d.toMinutesPart() == 0) {
      return Math.max(1, (d.toMillis() + 999) / 1000) + " s";
    }
    if (d.toMinutes() % 60 == 0) {
      return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
    }
    return (d.toSeconds() + 59) / 60 + " minutes";
  }

  /** Wall-clock time on FailureBackoff's scale: nanoseconds since the epoch (a long holds them until 2262). */
  private static long nanos(Instant at) {
    return at.getEpochSecond() * 1_000_000_000L + at.getNano();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }
}
