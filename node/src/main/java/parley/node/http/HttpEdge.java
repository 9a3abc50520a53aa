package parley.node.http;

import com.typesafe.config.Config;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.javadsl.Flow;

/** The node's HTTP port: the routes, behind the connection guard and each connection's idle timeout. */
public final class HttpEdge {
  private HttpEdge() {}

  public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, ApiRoutes routes) {
    Config config = system.settings().config();
    // Materialized once per connection: the idle timeout watches each connection's requests.
    Flow<HttpRequest, HttpResponse, NotUsed> perConnection = Flow.of(HttpRequest.class)
        .via(new IdleBetweenRequests(config.getDuration("parley.http.idle-timeout")))
        .via(routes.routes().flow(system))
        .map(BrowserGuard::withSecurityHeaders)
        .map(routes::answered);
    ConnectionGuard guard = new ConnectionGuard(system, ConnectionGuard.Settings.fromConfig(config));
    return guard.bind(
        Http.get(system).newServerAt(config.getString("parley.http.host"), config.getInt("parley.http.port"))
            .connectionSource(),
        perConnection);
  }

  /** How many connections the node takes at most (parley.http.max-connections under the open-file limit). */
  public static int maxConnections(Config config) {
    return ConnectionGuard.Settings.fromConfig(config).maxConnections();
  }
}
