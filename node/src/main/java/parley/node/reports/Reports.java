package parley.node.reports;

import com.typesafe.config.Config;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import parley.node.OwnTables;
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

  private final int maxOpenPerRoom;
  private final Clock clock;
  private final OwnTables<ReportDb> tables;

  public Reports(Config config, Executor io, Clock clock) {
    this.maxOpenPerRoom = config.getInt("parley.reports.max-open-per-room");
    this.clock = clock;
    this.tables = new OwnTables<>(() -> new ReportDb(config, config.getInt("parley.reports.pool-size")), io);
  }

  public int maxOpenPerRoom() {
    return maxOpenPerRoom;
  }

  /** Files {@code reporter}'s report of the message at {@code seq} (written by {@code sender}), once. */
  public CompletionStage<Filed> file(String roomId, long seq, String sender, String reporter, String reason) {
    return tables.run(db -> {
      Optional<Report> before = db.find(roomId, seq, reporter);
      if (before.isPresent()) {
        return new Made(before.get(), true);
      }
      if (db.openCount(roomId) >= maxOpenPerRoom) {
        return new QueueFull(maxOpenPerRoom);
      }
      Report report = new Report(Secrets.newBareToken().substring(0, 16), roomId, seq, sender, reporter, reason,
          clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), null, null, null);
      return db.insert(report) ? new Made(report, false)
          : new Made(db.find(roomId, seq, reporter).orElseThrow(), true);
    });
  }

  public CompletionStage<List<Report>> open(String roomId, int limit) {
    return tables.run(db -> db.open(roomId, limit));
  }

  public CompletionStage<Optional<Report>> byId(String roomId, String id) {
    return tables.run(db -> db.byId(roomId, id));
  }

  /** Resolves every open report of the message, with its outcome; how many were open. */
  public CompletionStage<Integer> resolve(String roomId, long seq, String by, String outcome) {
    return tables.run(db -> db.resolve(roomId, seq, by, outcome, clock.millis()));
  }

  public void close() {
    tables.close();
  }
}
