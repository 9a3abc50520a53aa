package parley.node.search;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.event.Logging;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.node.CborSerializable;
import parley.node.NodeMetrics;
import parley.node.room.ChatRoom;

/**
 * The index's feed: the room events (tag {@link ChatRoom#TAG}) read with {@link JdbcReadJournal#eventsByTag} after
 * the offset the index stored, in batches, each applied with its new offset in one commit. The read journal orders
 * the events by the journal's ordering and waits for an ordering that is missing (a write not yet committed by a
 * concurrent writer) before it reads past it, so the offset never skips an event. One feed per cluster: a cluster
 * singleton, on any node (every node has the index). A failure (the database away, another feed's offset) restarts
 * it from the stored offset after a backoff of at most 2 s (a restart costs one read of the offset); a batch applied
 * again changes nothing.
 */
public final class SearchFeed {
  private static final Logger LOG = LoggerFactory.getLogger(SearchFeed.class);

  /** The singleton's one message: stop, as its node hands it over. */
  public enum Command implements CborSerializable { STOP }

  /** Batches of at most {@code size} events, or what came within {@code window}. */
  public record Settings(String readJournal, int size, Duration window) {
    /** For {@code index}: Lucene flushes a segment a batch, and takes longer windows than a database's transactions. */
    public static Settings fromConfig(Config config, SearchIndex index) {
      return new Settings(config.getString("parley.search.read-journal"), config.getInt("parley.search.batch-size"),
          config.getDuration(index instanceof LuceneSearchIndex ? "parley.search.lucene-batch-window"
              : "parley.search.batch-window"));
    }
  }

  private SearchFeed() {}

  /**
   * Starts the cluster's one feed (here, or wherever the singleton lives), unless {@code parley.search.feed} is off:
   * then this node feeds nothing and its searches answer what the index holds (how the benchmark weighs the feed's
   * cost to ingest).
   */
  public static void init(ActorSystem<?> system, SearchIndex index) {
    if (!system.settings().config().getBoolean("parley.search.feed")) {
      LOG.warn("The search feed is off on this node (parley.search.feed): new messages are not indexed here");
      return;
    }
    Settings settings = Settings.fromConfig(system.settings().config(), index);
    ClusterSingleton.get(system).init(
        SingletonActor.of(behavior(index, settings), "search-feed").withStopMessage(Command.STOP));
  }

  static Behavior<Command> behavior(SearchIndex index, Settings settings) {
    return Behaviors.setup(context -> {
      ActorSystem<?> system = context.getSystem();
      // The feed says why it stopped itself (Pekko's own line names no cause).
      RestartSettings restarts = RestartSettings.create(Duration.ofMillis(100), Duration.ofSeconds(2), 0.2)
          .withLogSettings(RestartSettings.createLogSettings(Logging.DebugLevel()));
      Trouble trouble = new Trouble(QUIET_FOR);
      UniqueKillSwitch running = RestartSource.withBackoff(restarts, () -> live(system, index, settings, trouble))
          .viaMat(KillSwitches.single(), Keep.right())
          .toMat(Sink.ignore(), Keep.left())
          .run(system);
      return Behaviors.receive(Command.class)
          .onMessage(Command.class, stop -> Behaviors.stopped())
          .onSignal(PostStop.class, signal -> {
            running.shutdown();
            return Behaviors.same();
          })
          .build();
    });
  }

  /**
   * How long a failing feed logs at INFO before it warns: a node starting while its database, journal and cluster come
   * up sees the read journal's first asks time out, and a healthy start must say nothing an operator should act on.
   */
  static final Duration QUIET_FOR = Duration.ofSeconds(30);

  /**
   * The feed's failures in a row: told at INFO until they have gone on for {@code quietFor} (a batch applied, or a
   * quiet spell twice that long, ends a run), then as a WARN that says what to do.
   */
  static final class Trouble {
    private final Duration quietFor;
    private final LongSupplier nanos;
    private long failingSince = -1;
    private long lastFailure;

    Trouble(Duration quietFor) {
      this(quietFor, System::nanoTime);
    }

    Trouble(Duration quietFor, LongSupplier nanos) {
      this.quietFor = quietFor;
      this.nanos = nanos;
    }

    synchronized void moved() {
      failingSince = -1;
    }

    synchronized void failed(Throwable cause) {
      long now = nanos.getAsLong();
      if (failingSince < 0 || now - lastFailure > 2 * quietFor.toNanos()) {
        failingSince = now;
      }
      lastFailure = now;
      long failing = now - failingSince;
      if (failing < quietFor.toNanos()) {
        LOG.info("The search feed stopped ({}); it starts again from the index's offset", cause.toString());
      } else {
        LOG.warn("The search feed has failed for {} s ({}): new messages are not searchable meanwhile. It keeps "
            + "starting again from the index's offset; check the database the node's log names above",
            Duration.ofNanos(failing).toSeconds(), cause.toString());
      }
    }
  }

  /** From the stored offset on, without end: what the singleton runs. */
  static Source<IndexPosition, NotUsed> live(ActorSystem<?> system, SearchIndex index, Settings settings,
      Trouble trouble) {
    return from(system, index, settings, true, events -> {}, trouble);
  }

  /** From the stored offset to the journal's end now, telling {@code progress} each batch's events: a rebuild. */
  static Source<IndexPosition, NotUsed> toTheEnd(ActorSystem<?> system, SearchIndex index, Settings settings,
      LongConsumer progress) {
    return from(system, index, settings, false, progress, new Trouble(Duration.ZERO));
  }

  private static Source<IndexPosition, NotUsed> from(ActorSystem<?> system, SearchIndex index, Settings settings,
      boolean live, LongConsumer progress, Trouble trouble) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher"));
    JdbcReadJournal journal =
        PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, settings.readJournal());
    NodeMetrics metrics = NodeMetrics.get(system);
    CompletionStage<Source<IndexPosition, NotUsed>> start = CompletableFuture.supplyAsync(() -> {
      try {
        return index.offset();
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blocking).thenApply(stored -> {
      AtomicLong after = new AtomicLong(stored);
      Offset offset = Offset.sequence(stored);
      Source<EventEnvelope, NotUsed> events =
          live ? journal.eventsByTag(ChatRoom.TAG, offset) : journal.currentEventsByTag(ChatRoom.TAG, offset);
      return events
          .groupedWithin(settings.size(), settings.window())
          .mapAsync(1, batch -> CompletableFuture.supplyAsync(() -> {
            try {
              return Pair.create(batch, FeedApply.apply(index, after, batch, skipped -> metrics.searchSkipped()));
            } catch (Exception e) {
              throw new CompletionException(e);
            }
          }, blocking))
          .map(applied -> {
            long now = System.currentTimeMillis();
            if (live) {
              for (EventEnvelope e : applied.first()) {
                metrics.searchIndexed(now - e.timestamp());
              }
            }
            progress.accept(applied.first().size());
            trouble.moved();
            return applied.second();
          });
    });
    return Source.completionStageSource(start).mapMaterializedValue(ignored -> NotUsed.getInstance())
        .mapError(Throwable.class, e -> {
          Throwable cause = e;
          while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
          }
          trouble.failed(cause);
          return e;
        });
  }

  /** Completes once the source ends; for the rebuild. */
  static CompletionStage<Done> run(Source<IndexPosition, NotUsed> source, ActorSystem<?> system) {
    return source.runWith(Sink.ignore(), system);
  }
}
