package parley.client.tui;

/**
 * The number each message line of the timeline starts with, for {@code /reply n}, {@code /react n}, {@code /del n}
 * and {@code /download n}: the last three digits of the message's seq (all of it below 1000), so it stays short and
 * never changes while the line is on screen (a number counted per view would shift as messages arrive). A number
 * typed back means the line ending in those digits that is nearest above the bottom of the view: lines with the same
 * last digits are 1000 entries apart, far more than a screen shows. A number of four digits or more is a whole seq.
 */
final class ShortNumbers {
  static final int MODULUS = 1000;
  /** Columns of the number and the space after it. */
  static final int WIDTH = 4;

  private ShortNumbers() {}

  /** What the line of the entry at {@code seq} shows, right-aligned in {@link #WIDTH} columns. */
  static String label(long seq) {
    return String.format("%3d ", seq % MODULUS);
  }

  static String blank() {
    return " ".repeat(WIDTH);
  }

  /** The seq meant by {@code typed} when the newest entry in view is {@code bottomSeq}. */
  static long resolve(long typed, long bottomSeq) {
    if (typed >= MODULUS || typed < 0 || bottomSeq < typed) {
      return typed;
    }
    return bottomSeq - Math.floorMod(bottomSeq - typed, MODULUS);
  }
}
