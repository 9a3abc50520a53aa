package parley.node.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many calls of each key (a user) are running now, at most {@code max} each: a call that would be one too many is
 * refused, not queued, so one key's burst holds no thread and no place in anyone else's line. Thread-safe.
 */
public final class InFlight {
  private final int max;
  private final Map<String, Integer> running = new ConcurrentHashMap<>();

  public InFlight(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least one call must be allowed to run");
    }
    this.max = max;
  }

  public int max() {
    return max;
  }

  /** One more call of {@code key} running, unless it has {@code max}: then false, and nothing changes. */
  public boolean tryStart(String key) {
    boolean[] started = {false};
    running.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= max) {
        return n;
      }
      started[0] = true;
      return now + 1;
    });
    return started[0];
  }

  /** A call of {@code key} that {@link #tryStart} let run has ended. */
  public void end(String key) {
    running.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** The calls of {@code key} running now. */
  public int running(String key) {
    return running.getOrDefault(key, 0);
  }
}
