package parley.node.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.ExplicitlyTriggeredScheduler;
import scala.concurrent.duration.FiniteDuration;

/**
 * Time that passes only when the test says so: an actor system started with {@link #CONFIG} runs Pekko's manual
 * scheduler, and {@link #clock()} reads the same time in nanoseconds for the stages that measure waits with a clock
 * (parley.node.http.WaitTimeout, the WebSocket keep-alive). A keep-alive, an idle close or a silence close then
 * happens at the moment the test makes it due, and never because the host was slow.
 */
public final class ManualScheduler {
  public static final Config CONFIG = ConfigFactory.parseString(
      "pekko.scheduler.implementation = \"" + ExplicitlyTriggeredScheduler.class.getName() + "\"");

  private final ExplicitlyTriggeredScheduler scheduler;

  public ManualScheduler(ActorSystem system) {
    this.scheduler = (ExplicitlyTriggeredScheduler) system.scheduler();
  }

  /** The scheduler's time, in nanoseconds: what the stages under test measure with. */
  public LongSupplier clock() {
    return () -> TimeUnit.MILLISECONDS.toNanos(scheduler.currentTimeMs());
  }

  public long nowMillis() {
    return scheduler.currentTimeMs();
  }

  /** Moves time on, running every task that falls due (on this thread; their effects arrive asynchronously). */
  public void timePasses(Duration by) {
    scheduler.timePasses(FiniteDuration.apply(by.toNanos(), TimeUnit.NANOSECONDS));
  }

  /**
   * Moves time on by {@code step} at a time until {@code done} returns a value (not null), and returns it with the
   * time it took: the effects of a step arrive asynchronously, so each step is followed by {@code done}'s own wait
   * (a read with a short socket timeout, a poll). More time may pass than the event needed, never less. Fails once
   * {@code atMost} of scheduler time has passed.
   */
  public <T> Waited<T> stepUntil(String what, Duration step, Duration atMost, Callable<T> done) throws Exception {
    long start = nowMillis();
    while (true) {
      T value = done.call();
      if (value != null) {
        return new Waited<>(value, Duration.ofMillis(nowMillis() - start));
      }
      if (nowMillis() - start >= atMost.toMillis()) {
        throw new AssertionError("not within " + atMost.toMillis() + " ms of scheduler time: " + what);
      }
      timePasses(step);
    }
  }

  /** What {@link #stepUntil} waited for, and how much scheduler time passed meanwhile. */
  public record Waited<T>(T value, Duration passed) {}
}
