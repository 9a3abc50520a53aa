package parley.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Marker;

/**
 * Warnings and errors that repeat are logged at most once a window (a second) each, with the count of the ones left
 * out: "… repeated 6,212 times in the last 1.0 s". A node that runs out of something (descriptors, a database) tends
 * to fail the same way in a tight loop: Pekko's TCP listener logged "Accept error" with a stack trace 616,299 times in
 * 40 s, 917 MB of log, once the process hit its open-file limit. Two events are the same when their logger and their
 * message (as given to the logger) are. Below WARN nothing is touched. Configured in logback.xml.
 */
public final class RepeatedLogThrottle extends TurboFilter {
  private static final int MAX_KEYS = 10_000;

  private long windowMillis = 1000;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  /** Nanoseconds: System.nanoTime(), or a test's own time. */
  private final LongSupplier clock;
  /** Whether a thread of its own reports each window (not on a test's time: the test does). */
  private final boolean reportsItself;
  private final ThreadLocal<Boolean> reporting = ThreadLocal.withInitial(() -> false);
  private ScheduledExecutorService reporter;

  /** As logback makes it (logback.xml). */
  public RepeatedLogThrottle() {
    this.clock = System::nanoTime;
    this.reportsItself = true;
  }

  /** On {@code clock}, with no reporter of its own: a test runs {@link #report} when its time says a window ended. */
  RepeatedLogThrottle(LongSupplier clock) {
    this.clock = clock;
    this.reportsItself = false;
  }

  /** The window, in milliseconds (logback sets it from {@code <windowMillis>}). */
  public void setWindowMillis(long windowMillis) {
    this.windowMillis = windowMillis;
  }

  private static final class Window {
    final Logger logger;
    final Level level;
    final String message;
    long start;
    long suppressed;

    Window(Logger logger, Level level, String message, long start) {
      this.logger = logger;
      this.level = level;
      this.message = message;
      this.start = start;
    }
  }

  @Override
  public void start() {
    if (reportsItself) {
      reporter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "log-throttle");
        t.setDaemon(true);
        return t;
      });
      reporter.scheduleWithFixedDelay(this::report, windowMillis, windowMillis, TimeUnit.MILLISECONDS);
    }
    super.start();
  }

  @Override
  public void stop() {
    if (reporter != null) {
      reporter.shutdownNow();
    }
    super.stop();
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // No format: a check whether the level is on (isWarnEnabled; Pekko's logging filter asks it before every event
    // it publishes), not an event. Counted, the second check of a logger within a window was refused, Pekko dropped
    // that warning unlogged (the cluster's "unreachable" one), and the window reported "null (repeated 1 times)".
    if (!isStarted() || level == null || !level.isGreaterOrEqual(Level.WARN) || reporting.get() || format == null) {
      return FilterReply.NEUTRAL;
    }
    String key = logger.getName() + '\u0000' + format;
    long now = clock.getAsLong();
    Window window = windows.get(key);
    if (window == null) {
      if (windows.size() >= MAX_KEYS) {
        return FilterReply.NEUTRAL; // a flood of different messages is not what this bounds
      }
      window = windows.computeIfAbsent(key, k -> new Window(logger, level, format, now));
      if (window.start == now) {
        return FilterReply.NEUTRAL;
      }
    }
    synchronized (window) {
      if (now - window.start < TimeUnit.MILLISECONDS.toNanos(windowMillis)) {
        window.suppressed++;
        return FilterReply.DENY;
      }
      flush(window, now);
      window.start = now;
    }
    return FilterReply.NEUTRAL;
  }

  /** Each second: the counts of windows that ended, and forget the quiet ones. */
  void report() {
    long now = clock.getAsLong();
    Iterator<Window> it = windows.values().iterator();
    while (it.hasNext()) {
      Window window = it.next();
      synchronized (window) {
        if (now - window.start >= TimeUnit.MILLISECONDS.toNanos(windowMillis)) {
          flush(window, now);
          if (now - window.start >= 10 * TimeUnit.MILLISECONDS.toNanos(windowMillis)) {
            it.remove();
          }
        }
      }
    }
  }

  /** Called holding the window's lock. */
  private void flush(Window window, long now) {
    if (window.suppressed == 0) {
      return;
    }
    long count = window.suppressed;
    window.suppressed = 0;
    String text = String.format("%s (repeated %,d times in the last %.1f s, not logged)",
        window.message, count, (now - window.start) / 1e9);
    reporting.set(true);
    try {
      if (window.level == Level.ERROR) {
        window.logger.error(text);
      } else {
        window.logger.warn(text);
      }
    } finally {
      reporting.set(false);
    }
  }
}
