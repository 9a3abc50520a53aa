package parley.client.tui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import java.util.ArrayList;
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
      List<SGR> styles = new ArrayList<>();
      if (span.bold()) {
        styles.add(SGR.BOLD);
      }
      if (reverse) {
        styles.add(SGR.REVERSE);
      }
      SGR[] sgr = styles.toArray(SGR[]::new);
      // A grapheme at a time: TextGraphics.putString would put each char of 👍 (a surrogate pair) in a cell of its
      // own, and the terminal would show "??".
      for (String grapheme : Glyphs.graphemes(Text.fit(span.text(), end - x))) {
        g.setCharacter(x, row, TextCharacter.fromString(grapheme, span.color(), background, sgr)[0]);
        x += Glyphs.width(grapheme);
      }
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
