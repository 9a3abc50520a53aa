package parley.client.tui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import java.util.List;

/** Draws rows of {@link Span}s, clipped to a width: the one place the custom widgets put text on screen. */
final class Painter {
  private Painter() {}

  static void row(TextGraphics g, int column, int row, List<Span> spans, int width, TextColor background, boolean reverse) {
    int x = column;
    int end = column + width;
    g.setBackgroundColor(background);
    for (Span span : spans) {
      if (x >= end) {
        break;
      }
      String text = Text.fit(span.text(), end - x);
      g.setForegroundColor(span.color());
      g.clearModifiers();
      if (span.bold()) {
        g.enableModifiers(SGR.BOLD);
      }
      if (reverse) {
        g.enableModifiers(SGR.REVERSE);
      }
      g.putString(x, row, text);
      x += Text.width(text);
    }
    g.clearModifiers();
    if (reverse) {
      g.enableModifiers(SGR.REVERSE);
    }
    g.setForegroundColor(TextColor.ANSI.DEFAULT);
    for (; x < end; x++) {
      g.setCharacter(x, row, ' ');
    }
    g.clearModifiers();
  }
}
