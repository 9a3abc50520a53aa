package parley.node;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.node.room.ChatRoom;
import parley.node.user.UserAccount;

/**
 * The management port: {@code GET /metrics} in Prometheus's text format, and {@code /alive} and {@code /ready} as on
 * the API port, on {@code parley.metrics.port} ({@code PARLEY_METRICS_PORT}, 9464), bound to the HTTP host. Apart
 * from the API port, so that it can stay on a private network, and so that health checks are answered even while the
 * API port holds its most connections. Also counts the entities each shard region of this node holds, every 10 s.
 */
public final class MetricsEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
  private static final Duration ENTITY_COUNT_EVERY = Duration.ofSeconds(10);

  private MetricsEndpoint() {}

  /** Binds the port (0: any free one; -1: none). A port taken is logged, not fatal: chat goes on without metrics. */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, BooleanSupplier ready) {
    Config config = system.settings().config();
    NodeMetrics metrics = NodeMetrics.get(system);
    system.systemActorOf(countEntities(metrics), "metrics-entity-count", Props.empty());
    int port = config.getInt("parley.metrics.port");
    String host = config.getString("parley.metrics.host");
    HttpResponse notFound = HttpResponse.create().withStatus(StatusCodes.NOT_FOUND)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "GET /metrics, /alive or /ready\n");
    HttpResponse alive = HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, "{\"alive\":true}");
    HttpResponse isReady = HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, "{\"ready\":true}");
    HttpResponse notReady = HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE)
        .withEntity(ContentTypes.APPLICATION_JSON, "{\"error\":{\"code\":\"not_ready\",\"message\":\"the node is not "
            + "yet up in the cluster\"}}");
    CompletionStage<ServerBinding> bound = Http.get(system).newServerAt(host, Math.max(0, port))
        .bindSync((HttpRequest request) -> switch (request.getUri().path()) {
          // text/plain is Prometheus's text exposition format (0.0.4).
          case "/metrics" -> HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape());
          case "/alive" -> alive;
          case "/ready" -> ready.getAsBoolean() ? isReady : notReady;
          default -> notFound;
        });
    return bound.whenComplete((binding, failure) -> {
      if (failure != null) {
        LOG.error("Metrics not served: could not bind {}:{} (parley.metrics.port, PARLEY_METRICS_PORT): {}", host, port,
            failure.getMessage());
      } else {
        metrics.servedOn(binding.localAddress().getPort());
        LOG.info("Metrics on http://{}:{}/metrics", host, binding.localAddress().getPort());
        binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
      }
    });
  }

  private sealed interface Tick {}

  private record Count() implements Tick {}

  private record Counted(String type, ShardRegion.CurrentShardRegionState state) implements Tick {}

  private static Behavior<Tick> countEntities(NodeMetrics metrics) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Count(), Duration.ofSeconds(1), ENTITY_COUNT_EVERY);
      var shardState = ClusterSharding.get(ctx.getSystem()).shardState();
      return Behaviors.receive(Tick.class)
          .onMessage(Count.class, c -> {
            // Asked one by one (one adapter per reply class would take both answers as the same type's).
            count(ctx, shardState, "room", ChatRoom.ENTITY_KEY);
            count(ctx, shardState, "user", UserAccount.ENTITY_KEY);
            return Behaviors.same();
          })
          .onMessage(Counted.class, c -> {
            if (c.state() == null) {
              return Behaviors.same(); // no answer in time: the last count stands
            }
            long n = 0;
            for (ShardRegion.ShardState shard : c.state().getShards()) {
              n += shard.getEntityIds().size();
            }
            metrics.entitiesInMemory(c.type(), n);
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static void count(ActorContext<Tick> ctx,
      ActorRef<ClusterShardingQuery> shardState, String type,
      EntityTypeKey<?> key) {
    ctx.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
        ShardRegion.CurrentShardRegionState.class, shardState,
        Duration.ofSeconds(5), replyTo -> new GetShardRegionState(key, replyTo),
        (state, failure) -> state == null ? new Counted(type, null) : new Counted(type, state));
  }
}
