package parley.node.http;

import java.time.Duration;
import java.util.function.LongSupplier;
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
 * Passes elements through unchanged and notices when it has waited {@code timeout} for the next one; time during
 * which downstream has not asked for one does not count. One timer per wait, re-armed lazily, so a busy stream
 * costs no timer work and an idle one a timer event per {@code timeout} (Pekko's idle operators check every second).
 * {@link #timedOut} decides what happens then. The wait is measured with {@code clock} (nanoseconds; the node's is
 * {@code System::nanoTime}), which must agree with the scheduler the stage's timer runs on: a test on Pekko's manual
 * scheduler passes that scheduler's time.
 */
public abstract class WaitTimeout<T> extends GraphStage<FlowShape<T, T>> {
  private static final String TIMER = "wait";
  private final Duration timeout;
  private final Inlet<T> in;
  private final Outlet<T> out;
  private final FlowShape<T, T> shape;
  private final LongSupplier clock;

  protected WaitTimeout(String name, Duration timeout, LongSupplier clock) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(name + ": timeout must be positive");
    }
    this.timeout = timeout;
    this.clock = clock;
    this.in = Inlet.create(name + ".in");
    this.out = Outlet.create(name + ".out");
    this.shape = FlowShape.of(in, out);
  }

  /**
   * Called inside the stage once it has waited the timeout; {@code logic} is the stage's, to complete or fail it.
   * Returns whether the watch is over; false waits another whole timeout.
   */
  protected abstract boolean timedOut(GraphStageLogic logic);

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private final long timeoutNanos = timeout.toNanos();
      private boolean waiting; // pulled, nothing pushed yet
      private long waitingSince;
      private boolean over;

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
            if (!over) {
              waiting = true;
              waitingSince = clock.getAsLong();
              if (!isTimerActive(TIMER)) {
                scheduleOnce(TIMER, timeout);
              }
            }
          }
        });
      }

      @Override
      public void onTimer(Object key) {
        if (over || !waiting) {
          return; // the next pull re-arms the timer
        }
        long left = timeoutNanos - (clock.getAsLong() - waitingSince);
        if (left > 0) {
          scheduleOnce(TIMER, Duration.ofNanos(left));
        } else if (timedOut(this)) {
          over = true;
        } else {
          scheduleOnce(TIMER, timeout);
        }
      }
    };
  }
}
