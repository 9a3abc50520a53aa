package parley.client.tui;

import java.time.Duration;
import java.time.Instant;

/** "now", "5m", "3h", "2d": how long ago someone was last seen, in a few columns. */
final class Ago {
  private Ago() {}

  static String since(Instant then, Instant now) {
    if (then == null) {
      return "never";
    }
    Duration d = Duration.between(then, now);
    if (d.toMinutes() < 1) {
      return "now";
    }
    if (d.toHours() < 1) {
      return d.toMinutes() + "m";
    }
    if (d.toDays() < 1) {
      return d.toHours() + "h";
    }
    return d.toDays() + "d";
  }
}
