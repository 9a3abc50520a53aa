package parley.node;

import java.time.Duration;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * The HTTP idle timeout, per connection, in front of the routes: when the connection has waited {@code timeout} for
 * its next request (a first one included, and one whose head never finishes arriving), it completes, and Pekko
 * closes the connection once any response in progress is written. Time spent handling a request does not count.
 * After a WebSocket upgrade the request side ends, so the stage ends too and the socket's liveness is the WebSocket
 * layer's business ({@link WebSocketUpgrades}: keep-alive pings and the silence timeout).
 *
 * <p>It replaces {@code pekko.http.server.idle-timeout}, which checks every connection once a second for its whole
 * life, WebSockets included: 19,000 timer events a second on an idle node of 19,000 sessions. This one has one
 * timer per idle period, re-armed lazily.
 */
final class IdleBetweenRequests extends GraphStage<FlowShape<HttpRequest, HttpRequest>> {
  private static final String TIMER = "idle";
  private final Duration timeout;
  private final Inlet<HttpRequest> in = Inlet.create("IdleBetweenRequests.in");
  private final Outlet<HttpRequest> out = Outlet.create("IdleBetweenRequests.out");
  private final FlowShape<HttpRequest, HttpRequest> shape = FlowShape.of(in, out);

  IdleBetweenRequests(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive");
    }
    this.timeout = timeout;
  }

  @Override
  public FlowShape<HttpRequest, HttpRequest> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private final long timeoutNanos = timeout.toNanos();
      private boolean waiting; // pulled, no request yet
      private long waitingSince;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            waiting = false;
            push(out, grab(in));
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
            waiting = true;
            waitingSince = System.nanoTime();
            if (!isTimerActive(TIMER)) {
              scheduleOnce(TIMER, timeout);
            }
          }
        });
      }

      @Override
      public void onTimer(Object key) {
        if (!waiting) {
          return; // handling a request: the next pull re-arms the timer
        }
        long left = timeoutNanos - (System.nanoTime() - waitingSince);
        if (left > 0) {
          scheduleOnce(TIMER, Duration.ofNanos(left));
        } else {
          completeStage();
        }
      }
    };
  }
}
