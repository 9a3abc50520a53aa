package parley.client.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A file going up or down, as the status bar shows it: how far, how fast, how long is left. {@code from}: bytes
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

  /**
   * A size as people read it, by the rule the web client uses too: decimal units (by 1000: B, KB, MB, GB), one
   * decimal below 10 (6.2 KB), whole numbers from 10 up (45 KB, 812 MB); a value that rounds up to 1000 goes to the
   * next unit (999,999 B is 1.0 MB, not 1000 KB).
   */
  public static String size(long bytes) {
    if (bytes < 1000) {
      return Math.max(0, bytes) + " B";
    }
    String[] units = {"KB", "MB", "GB"};
    double v = bytes / 1000.0;
    int u = 0;
    while (u < units.length - 1 && Math.round(v) >= 1000) {
      v /= 1000;
      u++;
    }
    // Rounded to one decimal first, so that 9.96 reads as 10 KB, not 10.0 KB.
    double tenths = Math.round(v * 10) / 10.0;
    return tenths < 10 ? String.format(Locale.ROOT, "%.1f %s", tenths, units[u])
        : Math.round(v) + " " + units[u];
  }
}
