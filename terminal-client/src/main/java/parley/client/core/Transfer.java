package parley.client.core;

import java.time.Duration;
import java.time.Instant;

/**
 * v1.1: a file going up or down, as the status bar shows it: how far, how fast, how long is left. {@code from}: bytes
 * there before this try (a resumed download), which do not count toward the rate.
 */
public record Transfer(String name, boolean upload, long total, long done, long from, Instant started) {
  public Transfer progressed(long nowDone) {
    return new Transfer(name, upload, total, Math.max(done, nowDone), from, started);
  }

  /** Bytes a second since it started. */
  public double rate(Instant now) {
    double seconds = Math.max(0.001, Duration.between(started, now).toMillis() / 1000.0);
    return (done - from) / seconds;
  }

  /** {@code ↑ name 45% · 12.3 MB/s · 3 s left · Esc cancels}. */
  public String describe(Instant now) {
    double rate = rate(now);
    long percent = total <= 0 ? 0 : done * 100 / total;
    String left = rate < 1 ? "" : " · " + Math.max(0, (long) Math.ceil((total - done) / rate)) + " s left";
    return (upload ? "↑ " : "↓ ") + name + " " + percent + "% of " + size(total) + " · " + size((long) rate) + "/s"
        + left + " · Esc cancels";
  }

  /** A size as people read it: 999 B, 12.3 KB, 4.5 MB, 1.2 GB. */
  public static String size(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
