package parley.node.testkit;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * A wait on a condition, for what has no event to wait on (an index that tells no one when it reaches a seq, a row a
 * background task removes). The deadline is for a loaded 2-core host, scaled by Pekko's testkit time factor
 * ({@code pekko.actor.testkit.typed.timefactor}, e.g. {@code -Dpekko.actor.testkit.typed.timefactor=2} on a slower
 * one); a wait that ends early costs nothing. A failure says what was awaited and what was seen last.
 */
public final class Eventually {
  /**
   * Long enough for a search feed behind a journal gap (5 s), a cold node's first query or a cluster's hand-off;
   * dilated, as every wait here is (60 s at the suite's factor of 2).
   */
  public static final Duration LONG = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(50);

  private Eventually() {}

  /** The test kit's time factor (1 unless configured). */
  public static double timeFactor() {
    return ConfigFactory.load().getDouble("pekko.actor.testkit.typed.timefactor");
  }

  public static Duration dilated(Duration d) {
    return Duration.ofNanos((long) (d.toNanos() * timeFactor()));
  }

  /** Runs {@code check} until it returns without throwing (an assertion included), within {@link #LONG}. */
  public static <T> T await(String what, Callable<T> check) {
    return await(what, LONG, check);
  }

  /** Runs {@code check} until it returns without throwing, within {@code max} (dilated); its last failure is the cause. */
  public static <T> T await(String what, Duration max, Callable<T> check) {
    Duration within = dilated(max);
    long deadline = System.nanoTime() + within.toNanos();
    Throwable last;
    int tries = 0;
    while (true) {
      tries++;
      try {
        return check.call();
      } catch (Exception | AssertionError e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        break;
      }
      LockSupport.parkNanos(POLL.toNanos());
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("not within " + within.toSeconds() + " s (" + tries + " tries): " + what
        + "; last seen: " + last.getMessage(), last);
  }

  /** For a loop of its own: whether {@code deadlineNanos} (from {@link #deadline}) has passed. */
  public static boolean passed(long deadlineNanos) {
    return System.nanoTime() - deadlineNanos > 0;
  }

  public static long deadline(Duration max) {
    return System.nanoTime() + dilated(max).toNanos();
  }
}
