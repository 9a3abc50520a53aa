package parley.client.tui;

import com.googlecode.lanterna.TextColor;

/** A colour per nick that stays the same across runs and machines (a hash of the name, not of the session). */
final class NickColors {
  private static final TextColor[] PALETTE = {
    TextColor.ANSI.RED,
    TextColor.ANSI.GREEN,
    TextColor.ANSI.YELLOW,
    TextColor.ANSI.BLUE_BRIGHT,
    TextColor.ANSI.MAGENTA,
    TextColor.ANSI.CYAN,
    TextColor.ANSI.RED_BRIGHT,
    TextColor.ANSI.GREEN_BRIGHT,
    TextColor.ANSI.YELLOW_BRIGHT,
    TextColor.ANSI.MAGENTA_BRIGHT,
    TextColor.ANSI.CYAN_BRIGHT,
  };

  private NickColors() {}

  static TextColor of(String nick) {
    int h = 0;
    for (int i = 0; i < nick.length(); i++) {
      h = 31 * h + nick.charAt(i);
    }
    return PALETTE[Math.floorMod(h, PALETTE.length)];
  }
}
