package parley.client.tui;

import java.util.ArrayList;
import java.util.List;
import parley.client.core.SafeText;

/**
 * Text measured in terminal columns: made safe to print, wrapped, fitted. It is measured as the terminal draws it
 * ({@link Glyphs#show}), a grapheme at a time, so an emoji is never cut in half nor counted as one column.
 */
final class Text {
  private Text() {}

  /** Made safe to print ({@link SafeText}) and drawable; newlines stay, for {@link #wrap} to honour. */
  static String clean(String text) {
    return Glyphs.terminal().show(SafeText.clean(text));
  }

  static int width(String s) {
    int width = 0;
    for (String g : Glyphs.graphemes(Glyphs.terminal().show(s))) {
      width += Glyphs.width(g);
    }
    return width;
  }

  /** Word-wrapped to {@code width} columns; words longer than a line are cut. */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    int w = Math.max(1, width);
    for (String paragraph : Glyphs.terminal().show(text).split("\n", -1)) {
      List<String> graphemes = Glyphs.graphemes(paragraph);
      int start = 0;
      while (start < graphemes.size()) {
        int used = 0;
        int end = start;
        while (end < graphemes.size() && used + Glyphs.width(graphemes.get(end)) <= w) {
          used += Glyphs.width(graphemes.get(end));
          end++;
        }
        if (end == graphemes.size()) {
          lines.add(String.join("", graphemes.subList(start, end)));
          start = end;
          break;
        }
        int space = -1;
        for (int i = end; i > start; i--) {
          if (graphemes.get(i).equals(" ")) {
            space = i;
            break;
          }
        }
        if (space > start) {
          lines.add(String.join("", graphemes.subList(start, space)));
          start = space + 1;
        } else {
          end = Math.max(end, start + 1); // a grapheme wider than the line still goes somewhere
          lines.add(String.join("", graphemes.subList(start, end)));
          start = end;
        }
        if (start == graphemes.size()) {
          lines.add("");
        }
      }
      if (graphemes.isEmpty()) {
        lines.add("");
      }
    }
    return lines;
  }

  /** Cut to at most {@code width} columns, with '…' when cut. */
  static String fit(String s, int width) {
    if (width <= 0) {
      return "";
    }
    String shown = Glyphs.terminal().show(s);
    if (width(shown) <= width) {
      return shown;
    }
    StringBuilder out = new StringBuilder();
    int used = 0;
    for (String g : Glyphs.graphemes(shown)) {
      if (used + Glyphs.width(g) > width - 1) {
        break;
      }
      out.append(g);
      used += Glyphs.width(g);
    }
    return out + "…";
  }

  /** Cut or padded with spaces to exactly {@code width} columns. */
  static String pad(String s, int width) {
    String fitted = fit(s, width);
    return fitted + " ".repeat(Math.max(0, width - width(fitted)));
  }
}
