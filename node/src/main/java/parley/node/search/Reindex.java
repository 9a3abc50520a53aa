package parley.node.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.slf4j.LoggerFactory;
import parley.node.Migrations;
import parley.node.NodeConfig;
import parley.node.room.ChatRoom;

/**
 * {@code ./parley search reindex}: the whole index built again from the journal's start, with progress. The node's
 * configuration (PARLEY_DB_URL, PARLEY_DATA_DIR) names the database. On the embedded database the node must be
 * stopped (it holds the database and the index); on PostgreSQL nodes may run: their feed finds the offset moved
 * and follows.
 */
public final class Reindex {
  private static final String DB = "pekko-persistence-jdbc.shared-databases.slick.db.";

  private Reindex() {}

  public static void main(String[] args) throws Exception {
    // Logging is set up before any other thread can log, or SLF4J replays those calls with a warning.
    LoggerFactory.getLogger(Reindex.class);
    Config config = ConfigFactory.parseString(
        "pekko.actor.provider = local\npekko.loglevel = WARNING\npekko.coordinated-shutdown.exit-jvm = off")
        .withFallback(NodeConfig.load());
    int rc = 0;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "parley-reindex", config);
    try (SearchIndex index = open(config)) {
      run(system, index, System.out);
    } catch (Exception e) {
      String message = String.valueOf(e.getMessage());
      System.err.println("parley search reindex: " + message.lines().findFirst().orElse(message)
          + (message.contains("already in use") ? " (the embedded database is held by a running node: stop it first)"
              : ""));
      rc = 1;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.exit(rc);
  }

  private static SearchIndex open(Config config) throws Exception {
    Migrations.run(config);
    try {
      return SearchIndexes.open(config);
    } catch (org.apache.lucene.store.LockObtainFailedException e) {
      throw new IllegalStateException("the index is held by a running node: stop it first", e);
    }
  }

  /** Clears {@code index} and feeds it the journal to its end now; returns the events read. */
  public static long run(ActorSystem<?> system, SearchIndex index, PrintStream out) throws Exception {
    Config config = system.settings().config();
    long total = taggedEvents(config);
    long started = System.nanoTime();
    index.clear();
    out.printf("parley search reindex: %d room events to read%n", total);
    AtomicLong read = new AtomicLong();
    AtomicLong lastSaid = new AtomicLong(started);
    SearchFeed.Settings settings = SearchFeed.Settings.fromConfig(config, index);
    // A running node's feed finds the offset moved and starts again from it: the two take turns through the index's
    // compare-and-set, and this one, refused a batch, reads again from the stored offset.
    SearchFeed.run(RestartSource.onFailuresWithBackoff(
        RestartSettings.create(Duration.ofMillis(50), Duration.ofSeconds(2), 0.2),
        () -> SearchFeed.toTheEnd(system, index, settings, events -> {
      long n = read.addAndGet(events);
      long now = System.nanoTime();
      if (now - lastSaid.get() >= TimeUnit.SECONDS.toNanos(1)) {
        lastSaid.set(now);
        out.printf("parley search reindex: %d of %d events (%d%%), %.1f s%n", n, total,
            total == 0 ? 100 : n * 100 / total, (now - started) / 1e9);
      }
    })), system).toCompletableFuture().get();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    out.printf("parley search reindex: done, %d events in %.1f s, offset %d%n", read.get(), took.toMillis() / 1e3,
        index.offset());
    return read.get();
  }

  private static long taggedEvents(Config config) throws SQLException {
    try (Connection c = DriverManager.getConnection(config.getString(DB + "url"), config.getString(DB + "user"),
        config.getString(DB + "password"));
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM \"event_tag\" WHERE \"tag\" = ?")) {
      s.setString(1, ChatRoom.TAG);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }
}
