package parley.node.limits;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Failed logins of one key (an account, an address) and the wait they earn, as OWASP's authentication cheat sheet
 * suggests: the first {@code free} failures within {@code window} cost nothing, each one after that doubles the wait
 * before the next attempt (from {@code base}, at most {@code max}), counted from the last failure. Failures older
 * than the window are forgotten. Time is passed in (nanoTime). Not thread-safe.
 */
public final class FailureBackoff {

  /** The rule, the same for every key of a kind. */
  public record Rule(int free, Duration window, Duration base, Duration max) {
    public Rule {
      if (free < 1 || window.isNegative() || base.isNegative() || max.compareTo(base) < 0) {
        throw new IllegalArgumentException("a backoff needs free >= 1 and 0 <= base <= max");
      }
    }

    public static Rule fromConfig(Config config) {
      return new Rule(config.getInt("free-failures"), config.getDuration("window"),
          config.getDuration("first-wait"), config.getDuration("longest-wait"));
    }

    /** The wait after {@code failures} failures in the window. */
    long waitNanos(int failures) {
      if (failures < free) {
        return 0;
      }
      int doublings = Math.min(failures - free, 40);
      long wait = base.toNanos() << doublings;
      return wait <= 0 || wait > max.toNanos() ? max.toNanos() : wait;
    }
  }

  /** More are never needed: by then the wait is at its longest. */
  private static final int KEPT = 64;

  private final Rule rule;
  private final ArrayDeque<Long> failures = new ArrayDeque<>();

  public FailureBackoff(Rule rule) {
    this.rule = rule;
  }

  public void failed(long nowNanos) {
    forgetOld(nowNanos);
    failures.addLast(nowNanos);
    if (failures.size() > KEPT) {
      failures.removeFirst();
    }
  }

  /** Milliseconds until the next attempt may be checked (0: now). */
  public long waitMillis(long nowNanos) {
    forgetOld(nowNanos);
    if (failures.isEmpty()) {
      return 0;
    }
    long until = failures.peekLast() + rule.waitNanos(failures.size());
    return until <= nowNanos ? 0 : Math.max(1, (until - nowNanos + 999_999) / 1_000_000);
  }

  /** Any failure within the window. */
  public boolean recent(long nowNanos) {
    forgetOld(nowNanos);
    return !failures.isEmpty();
  }

  private void forgetOld(long nowNanos) {
    long window = rule.window().toNanos();
    while (!failures.isEmpty() && nowNanos - failures.peekFirst() >= window) {
      failures.removeFirst();
    }
  }
}
