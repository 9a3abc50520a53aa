package parley.node.http;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * The HTTP idle timeout, per connection, in front of the routes: when the connection has waited {@code timeout} for
 * its next request (a first one included, and one whose head never finishes arriving), it completes, and Pekko
 * closes the connection once any response in progress is written. Time spent handling a request does not count.
 * After a WebSocket upgrade the request side ends, so the stage ends too and the socket's liveness is the WebSocket
 * layer's business ({@link parley.node.http.websocket.WebSocketUpgrades}: keep-alive pings and the silence timeout).
 *
 * <p>It replaces {@code pekko.http.server.idle-timeout}, which checks every connection once a second for its whole
 * life, WebSockets included: 19,000 timer events a second on an idle node of 19,000 sessions.
 */
final class IdleBetweenRequests extends WaitTimeout<HttpRequest> {
  IdleBetweenRequests(Duration timeout) {
    this(timeout, System::nanoTime);
  }

  IdleBetweenRequests(Duration timeout, LongSupplier clock) {
    super("IdleBetweenRequests", timeout, clock);
  }

  @Override
  protected boolean timedOut(GraphStageLogic logic) {
    logic.completeStage();
    return true;
  }
}
