package parley.node.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import parley.node.limits.RateClock;

/**
 * A rate clock the test moves (parley.node.limits.RateClock): a node started with {@link #CONFIG} counts its limits
 * in this time, which stands still until {@link #advance} moves it. A limit's wait is then exact, and a client that
 * honours it waits no real time.
 */
public final class ManualNanos implements LongSupplier {
  public static final String CONFIG = "parley.limits.clock = \"" + ManualNanos.class.getName() + "\"\n";

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

  /** The clock of a node started with {@link #CONFIG}. */
  public static ManualNanos of(ActorSystem<?> system) {
    return (ManualNanos) RateClock.get(system).source();
  }

  @Override
  public long getAsLong() {
    return now.get();
  }

  public void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }
}
