package parley.client.tui;

import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.SimpleTheme;
import com.googlecode.lanterna.graphics.Theme;

/** The terminal's own colours for the chat screen; visible fields and a highlight for forms and dialogs. */
final class ParleyTheme {
  private ParleyTheme() {}

  /** The main screen: the input line in the terminal's colours. */
  static Theme screen() {
    return SimpleTheme.makeTheme(true,
        TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT,
        TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT,
        TextColor.ANSI.BLACK, TextColor.ANSI.CYAN,
        TextColor.ANSI.DEFAULT);
  }

  /** Forms and dialogs: fields stand out, the selection is clear. */
  static Theme dialogs() {
    return SimpleTheme.makeTheme(true,
        TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT,
        TextColor.ANSI.WHITE_BRIGHT, TextColor.ANSI.BLUE,
        TextColor.ANSI.BLACK, TextColor.ANSI.CYAN,
        TextColor.ANSI.DEFAULT);
  }
}
