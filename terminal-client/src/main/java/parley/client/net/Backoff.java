package parley.client.net;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code base} up to {@code cap}, with "equal jitter" (half the step fixed,
 * half random) so that many clients dropped at once by a restarting node do not come back in lockstep.
 */
public final class Backoff {
  private final Duration base;
  private final Duration cap;
  private final RandomGenerator random;
  private int attempt;

  public Backoff(Duration base, Duration cap, RandomGenerator random) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 < base <= cap");
    }
    this.base = base;
    this.cap = cap;
    this.random = random;
  }

  public static Backoff standard() {
    return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), RandomGenerator.getDefault());
  }

  /** The delay before the next attempt; each call counts one attempt. */
  public Duration next() {
    long step = base.toMillis() << Math.min(attempt, 20);
    long ceiling = Math.min(cap.toMillis(), step);
    attempt++;
    long half = ceiling / 2;
    return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
  }

  /** Attempts since the last {@link #reset()}. */
  public int attempts() {
    return attempt;
  }

  /** A connection succeeded: start again from {@code base}. */
  public void reset() {
    attempt = 0;
  }
}
