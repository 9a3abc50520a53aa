package parley.node;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.node.delivery.RoomHub;
import parley.node.files.FileStore;
import parley.node.http.ApiRoutes;
import parley.node.http.HttpEdge;
import parley.node.http.WebSocketEndpoint;
import parley.node.limits.LimitLog;
import parley.node.room.ChatRoom;
import parley.node.room.History;
import parley.node.room.Members;
import parley.node.room.RoomDirectory;
import parley.node.search.SearchFeed;
import parley.node.search.SearchIndex;
import parley.node.search.SearchIndexes;
import parley.node.user.AccountMembers;
import parley.node.user.UserAccount;

/**
 * Starts Parley on an ActorSystem: the schema ({@link Migrations}), the search index and its feed, the sharded entities,
 * the node's fan-out hub and the HTTP edge. {@link Main} calls it for a real node and tests call it for theirs.
 */
public final class ParleyNode {
  private static final Logger LOG = LoggerFactory.getLogger(ParleyNode.class);

  private ParleyNode() {}

  /**
   * On SIGTERM (CoordinatedShutdown), before anything else: /ready says 503, and every WebSocket of the node is closed
   * with 1001, so clients reconnect to another node at once (and resume by seq) instead of waiting out the handoff
   * with a socket that still looks alive. Up to 3 s for the sockets to end. From then on, the whole stop (unbind,
   * shard handoff, leaving the cluster) has {@code timeout}; a node still running then halts, as a crash would
   * (what was acknowledged is stored; clients resend the rest).
   */
  private static void stopWebSocketsFirst(
      ActorSystem<?> system, WebSocketEndpoint webSockets, AtomicBoolean ready, Duration timeout) {
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "parley-close-websockets",
        () -> {
          ready.set(false);
          if (system.settings().config().getBoolean("pekko.coordinated-shutdown.exit-jvm")) {
            // Only where the stop ends the JVM (a node process, not a node inside a test's JVM).
            Thread watchdog = new Thread(() -> {
              try {
                system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
              } catch (TimeoutException e) {
                LOG.error("The node did not stop within {} s (parley.shutdown.timeout): halting", timeout.toSeconds());
                Runtime.getRuntime().halt(2);
              } catch (Exception e) {
                // interrupted, or the system ended some other way: nothing to enforce
              }
            }, "parley-shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
          }
          LOG.info("Stopping: closing {} WebSockets (1001, clients reconnect elsewhere), then handing rooms off",
              webSockets.openSockets());
          return webSockets.closeAll(1001, "the node is shutting down: reconnect and resume by seq")
              .toCompletableFuture()
              .completeOnTimeout(Done.getInstance(), 3, TimeUnit.SECONDS);
        });
  }

  /**
   * The node's search index, closed as the node stops (after the feed, a cluster singleton, has been handed over with
   * the cluster's leave; what its last batch left uncommitted is read again by the next feed).
   */
  private static SearchIndex openSearch(ActorSystem<?> system) {
    try {
      SearchIndex index = SearchIndexes.open(system.settings().config());
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
          "parley-close-search", () -> {
            try {
              index.close();
            } catch (Exception e) {
              LOG.warn("The search index did not close cleanly: {}", e.toString());
            }
            return CompletableFuture.completedFuture(Done.getInstance());
          });
      return index;
    } catch (IOException e) {
      throw new UncheckedIOException("the search index could not be opened", e);
    }
  }

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system) {
    Config config = system.settings().config();
    Cluster cluster = Cluster.get(system);
    // Every log line of the node names it (the JSON format's "node" field; several nodes in one JVM share the last).
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
      logback.putProperty("node", cluster.selfMember().address().toString());
    }
    if (config.getList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    var blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher"));
    // The schema first, then the search index on it (Lucene's files, or the tables the schema made).
    CompletableFuture<Migrations.Outcome> migrated = CompletableFuture.supplyAsync(() -> Migrations.run(config), blocking);
    CompletableFuture<SearchIndex> searchOpened = migrated.thenApplyAsync(schema -> openSearch(system), blocking);
    return searchOpened.thenCompose(search -> {
      Migrations.Outcome schema = migrated.join();
      if (schema.applied() > 0) {
        LOG.info("Database schema migrated to version {} ({} migrations applied)", schema.version(), schema.applied());
      }
      // Rooms ask their members' accounts through a port of their own, registered before any room can start.
      Members.register(system, new AccountMembers(system));
      ChatRoom.init(system);
      LimitLog.init(system);
      UserAccount.init(system);
      RoomDirectory.init(system);
      FileStore.get(system).startSweeping();
      SearchFeed.init(system, search);
      ActorRef<RoomHub.Command> hub =
          system.systemActorOf(RoomHub.create(
              Duration.ofSeconds(30), config.getDuration("parley.presence.batch-window")), "room-hub", Props.empty());
      History history = new History(system, config.getDuration("parley.ask-timeout"));
      WebSocketEndpoint webSockets = new WebSocketEndpoint(system, hub, history);
      AtomicBoolean bound = new AtomicBoolean();
      ApiRoutes routes = new ApiRoutes(system, history, webSockets, search, bound::get);
      stopWebSocketsFirst(system, webSockets, bound, config.getDuration("parley.shutdown.timeout"));
      // The management port is bound before the API port, so that a node whose API answers /ready is also scraped
      // (a port it cannot bind is logged, and the API comes up without it).
      return MetricsEndpoint.start(system, () -> routes.ready())
          .handle((metricsBinding, failure) -> null)
          .thenCompose(ignored -> HttpEdge.bind(system, routes))
          .thenApply(binding -> {
            bound.set(true);
            return binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
          });
    });
  }
}
