package parley.node.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node's log says of its use: one INFO line a period (a minute by default) with the sign-ups, logins (and
 * those refused) and requests answered (and those refused, and failed) since the last one, so an operator sees the
 * node used, or attacked, without a line per request and without a name, address or secret. Nothing is logged for a
 * period without any.
 */
final class ActivityLog {
  private static final Logger LOG = LoggerFactory.getLogger(ActivityLog.class);

  private final AtomicLong signups = new AtomicLong();
  private final AtomicLong logins = new AtomicLong();
  private final AtomicLong loginsRefused = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /** Every {@code parley.log.activity-every} (0: never). */
  static ActivityLog start(ActorSystem<?> system) {
    ActivityLog activity = new ActivityLog();
    Duration every = system.settings().config().getDuration("parley.log.activity-every");
    if (!every.isZero()) {
      system.scheduler().scheduleAtFixedRate(every, every, () -> activity.report(every), system.executionContext());
    }
    return activity;
  }

  void signedUp() {
    signups.incrementAndGet();
  }

  void loggedIn(boolean ok) {
    (ok ? logins : loginsRefused).incrementAndGet();
  }

  /** Each answer of the HTTP edge: refused (4xx) or failed (5xx) counted apart. */
  HttpResponse answered(HttpResponse response) {
    requests.incrementAndGet();
    int status = response.status().intValue();
    if (status >= 500) {
      failed.incrementAndGet();
    } else if (status >= 400) {
      refused.incrementAndGet();
    }
    return response;
  }

  void report(Duration period) {
    long n = requests.getAndSet(0);
    long s = signups.getAndSet(0);
    long l = logins.getAndSet(0);
    long lr = loginsRefused.getAndSet(0);
    long r = refused.getAndSet(0);
    long f = failed.getAndSet(0);
    if (n + s + l + lr > 0) {
      LOG.info("In the last {} s: {} sign-ups, {} logins ({} refused), {} HTTP requests ({} refused with 4xx, {} "
          + "failed with 5xx)", period.toSeconds(), s, l, lr, n, r, f);
    }
  }
}
