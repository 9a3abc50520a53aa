package parley.node.limits;

/**
 * A token bucket: up to {@code burst} actions at once, then {@code perSecond} a second. Time is passed in (nanoTime)
 * so a test decides it. Not thread-safe: its owner (an actor, or a lock) serializes calls.
 */
public final class TokenBucket {
  /** Floating-point refills may land a hair below a whole token they earned. */
  private static final double EPSILON = 1e-9;
  private final double burst;
  private final double perNano;
  private double tokens;
  private long at;

  public TokenBucket(int burst, double perSecond, long nowNanos) {
    if (burst < 1 || perSecond <= 0) {
      throw new IllegalArgumentException("a bucket needs a burst >= 1 and a rate > 0");
    }
    this.burst = burst;
    this.perNano = perSecond / 1e9;
    this.tokens = burst;
    this.at = nowNanos;
  }

  /** Takes one token: 0 if there was one, else the milliseconds until there is (at least 1); nothing is taken then. */
  public long take(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1 - EPSILON) {
      tokens = Math.max(0, tokens - 1);
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e6));
  }

  /** What {@link #take} would answer, taking nothing: 0, or the milliseconds until there is a token. */
  public long waitMillis(long nowNanos) {
    refill(nowNanos);
    return tokens >= 1 - EPSILON ? 0 : Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e6));
  }

  /** Full again: nothing taken that has not come back. A full bucket can be forgotten. */
  public boolean full(long nowNanos) {
    refill(nowNanos);
    return tokens >= burst - EPSILON;
  }

  /** A rate as a message says it: {@code 10}, not {@code 10.0}; {@code 0.5} as it is. */
  public static String rate(double perUnit) {
    return perUnit == Math.rint(perUnit) ? Long.toString((long) perUnit) : Double.toString(perUnit);
  }

  private void refill(long nowNanos) {
    if (nowNanos > at) {
      tokens = Math.min(burst, tokens + (nowNanos - at) * perNano);
      at = nowNanos;
    }
  }
}
