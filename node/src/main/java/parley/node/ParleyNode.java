package parley.node;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Starts Parley on an ActorSystem: the schema (idempotently), the sharded entities, the node's fan-out hub and the
 * HTTP edge. {@link Main} calls it for a real node and tests call it for theirs.
 */
public final class ParleyNode {
  private ParleyNode() {}

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system) {
    Config config = system.settings().config();
    Cluster cluster = Cluster.get(system);
    if (config.getList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    return SchemaUtils.createIfNotExists(system).thenCompose(done -> {
      ChatRoom.init(system);
      UserAccount.init(system);
      RoomDirectory.init(system);
      ActorRef<RoomHub.Command> hub =
          system.systemActorOf(RoomHub.create(
              Duration.ofSeconds(30), config.getDuration("parley.presence.batch-window")), "room-hub", Props.empty());
      History history = new History(system, config.getDuration("parley.ask-timeout"));
      WebSocketEndpoint webSockets = new WebSocketEndpoint(system, hub, history);
      AtomicBoolean bound = new AtomicBoolean();
      ApiRoutes routes = new ApiRoutes(system, history, webSockets, bound::get);
      // Materialized once per connection: the idle timeout watches each connection's requests.
      Flow<HttpRequest, HttpResponse, NotUsed> perConnection = Flow.of(HttpRequest.class)
          .via(new IdleBetweenRequests(config.getDuration("parley.http.idle-timeout")))
          .via(routes.routes().flow(system));
      return Http.get(system)
          .newServerAt(config.getString("parley.http.host"), config.getInt("parley.http.port"))
          .bindFlow(perConnection)
          .thenApply(binding -> {
            bound.set(true);
            return binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
          });
    });
  }
}
