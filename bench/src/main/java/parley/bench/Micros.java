package parley.bench;

import java.time.Instant;

/**
 * Wall-clock microseconds since the epoch, cheap and comparable across the generator's processes: each process
 * pins {@code System.nanoTime()} to the system clock once, so a send stamped in one process and received in
 * another yields a latency, and the clock never steps backwards within a run.
 */
public final class Micros {
  private static final long OFFSET;

  static {
    Instant now = Instant.now();
    long nanos = System.nanoTime();
    OFFSET = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000 - nanos / 1_000;
  }

  private Micros() {}

  public static long now() {
    return System.nanoTime() / 1_000 + OFFSET;
  }
}
