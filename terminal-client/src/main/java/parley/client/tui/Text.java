package parley.client.tui;

import com.googlecode.lanterna.TerminalTextUtils;
import java.util.ArrayList;
import java.util.List;
import parley.client.core.SafeText;

/** Text measured in terminal columns: made safe to print, wrapped, fitted. */
final class Text {
  private Text() {}

  /** Made safe to print ({@link SafeText}); newlines stay, for {@link #wrap} to honour. */
  static String clean(String text) {
    return SafeText.clean(text);
  }

  static int width(String s) {
    return TerminalTextUtils.getColumnWidth(s);
  }

  /** Word-wrapped to {@code width} columns; words longer than a line are cut. */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    int w = Math.max(1, width);
    for (String paragraph : text.split("\n", -1)) {
      String rest = paragraph;
      while (width(rest) > w) {
        int cut = Math.max(1, TerminalTextUtils.getStringCharacterIndex(rest, w));
        int space = rest.lastIndexOf(' ', cut);
        if (space > 0) {
          lines.add(rest.substring(0, space));
          rest = rest.substring(space + 1);
        } else {
          lines.add(rest.substring(0, cut));
          rest = rest.substring(cut);
        }
      }
      lines.add(rest);
    }
    return lines;
  }

  /** Cut to at most {@code width} columns, with '…' when cut. */
  static String fit(String s, int width) {
    if (width <= 0) {
      return "";
    }
    if (width(s) <= width) {
      return s;
    }
    return TerminalTextUtils.fitString(s, width - 1) + "…";
  }

  /** Cut or padded with spaces to exactly {@code width} columns. */
  static String pad(String s, int width) {
    String fitted = fit(s, width);
    return fitted + " ".repeat(Math.max(0, width - width(fitted)));
  }
}
