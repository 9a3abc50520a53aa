package parley.node.reports;

import com.typesafe.config.Config;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import parley.node.Secrets;

/** A node's reports ({@code parley.reports}): added once per reporter and message, listed open, resolved per message. */
public final class Reports implements Extension {

  public static final class Id extends ExtensionId<Reports> {
    private static final Id INSTANCE = new Id();

    @Override
    public Reports createExtension(ActorSystem<?> system) {
      Reports reports = new Reports(system.settings().config(),
          system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher")), Clock.systemUTC());
      system.getWhenTerminated().thenRun(reports::close);
      return reports;
    }
  }

  public static Reports get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** What a report came to: made now, made before by the same reporter, or refused because the room's queue is full. */
  public sealed interface Filed {}

  public record Made(Report report, boolean again) implements Filed {}

  public record QueueFull(int max) implements Filed {}

  private final Config config;
  private final int maxOpenPerRoom;
  private final int poolSize;
  private final Executor io;
  private final Clock clock;
  private volatile ReportDb db;

  public Reports(Config config, Executor io, Clock clock) {
    this.config = config;
    this.maxOpenPerRoom = config.getInt("parley.reports.max-open-per-room");
    this.poolSize = config.getInt("parley.reports.pool-size");
    this.io = io;
    this.clock = clock;
  }

  public int maxOpenPerRoom() {
    return maxOpenPerRoom;
  }

  /** Files {@code reporter}'s report of the message at {@code seq} (written by {@code sender}), once. */
  public CompletionStage<Filed> file(String roomId, long seq, String sender, String reporter, String reason) {
    return run(() -> {
      Optional<Report> before = db().find(roomId, seq, reporter);
      if (before.isPresent()) {
        return new Made(before.get(), true);
      }
      if (db().openCount(roomId) >= maxOpenPerRoom) {
        return new QueueFull(maxOpenPerRoom);
      }
      Report report = new Report(Secrets.newBareToken().substring(0, 16), roomId, seq, sender, reporter, reason,
          clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), null, null, null);
      return db().insert(report) ? new Made(report, false)
          : new Made(db().find(roomId, seq, reporter).orElseThrow(), true);
    });
  }

  public CompletionStage<List<Report>> open(String roomId, int limit) {
    return run(() -> db().open(roomId, limit));
  }

  public CompletionStage<Optional<Report>> byId(String roomId, String id) {
    return run(() -> db().byId(roomId, id));
  }

  /** Resolves every open report of the message, with its outcome; how many were open. */
  public CompletionStage<Integer> resolve(String roomId, long seq, String by, String outcome) {
    return run(() -> db().resolve(roomId, seq, by, outcome, clock.millis()));
  }

  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> CompletionStage<T> run(Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run();
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, io);
  }

  private ReportDb db() {
    ReportDb d = db;
    if (d == null) {
      synchronized (this) {
        d = db;
        if (d == null) {
          d = new ReportDb(config, poolSize);
          db = d;
        }
      }
    }
    return d;
  }

  public synchronized void close() {
    if (db != null) {
      db.close();
      db = null;
    }
  }
}
