package parley.client.tui;

import com.googlecode.lanterna.TerminalTextUtils;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import parley.protocol.Shortcodes;

/**
 * Text as the terminal can draw it, one grapheme (what a reader takes for one character: 👍 is two chars, ❤️ a symbol
 * and U+FE0F) at a time, so that Lanterna's idea of each one's width is the terminal's. Lanterna gives a grapheme of
 * more than one char two columns and a single char one (two for CJK), which is what terminals do for 👍 and 🎉; but the
 * emoji of the BMP that terminals draw wide (⭐ ☕ ✅ ❌, their East Asian width is W) are single chars, so they get
 * U+FE0F, which makes them one grapheme of two chars that Lanterna measures as two columns too. A symbol that is text
 * by default and made emoji by U+FE0F (❤️ ☀️ ⚠️) is one column on some terminals and two on others: it is drawn
 * without the U+FE0F, one column everywhere. A ZWJ sequence (👩‍💻) is drawn as the emoji it joins. What the terminal's character set cannot encode at all (a terminal that
 * is not UTF-8) shows as its shortcode ({@link Shortcodes#nameOf}), {@code :tada:}, or '?' if it has none.
 */
final class Glyphs {
  private static final char VS16 = '\uFE0F';
  private static final char ZWJ = '\u200D';
  /** The code points of the BMP with Emoji_Presentation (Unicode's emoji-data.txt), which terminals draw wide. */
  private static final int[][] WIDE_BMP = {
      {0x231A, 0x231B}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615},
      {0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1}, {0x26AA, 0x26AB}, {0x26BD, 0x26BE},
      {0x26C4, 0x26C5}, {0x26CE, 0x26CE}, {0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
      {0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728}, {0x274C, 0x274C},
      {0x274E, 0x274E}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
      {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}};

  /** The terminal's: set once the real terminal is known; a virtual one (the tests') draws any text. */
  private static volatile Glyphs terminal = new Glyphs(StandardCharsets.UTF_8);

  private final Charset charset;

  Glyphs(Charset charset) {
    this.charset = charset;
  }

  static Glyphs terminal() {
    return terminal;
  }

  /** The terminal writes in {@code charset} (Lanterna's default terminal: the JVM's default charset). */
  static void useTerminalCharset(Charset charset) {
    terminal = new Glyphs(charset);
  }

  /** {@code text} in forms whose width Lanterna and the terminal agree on; idempotent. */
  String show(String text) {
    if (text == null || text.isEmpty() || ascii(text)) {
      return text == null ? "" : text;
    }
    CharsetEncoder encoder = charset.newEncoder();
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (String g : graphemes(Normalizer.normalize(text, Normalizer.Form.NFC))) {
      String drawn = form(g);
      if (encoder.canEncode(drawn)) {
        out.append(drawn);
      } else {
        String name = name(g);
        out.append(name != null ? ":" + name + ":" : "?");
      }
    }
    return out.toString();
  }

  private static String form(String g) {
    if (g.indexOf(ZWJ) >= 0) {
      // 👩‍💻 is one glyph of two columns on a terminal that joins it, two emoji of four on one that does not (tmux,
      // xterm); drawn as its parts it is four columns everywhere, and the line after it stays where the client put it.
      return g.replace(String.valueOf(ZWJ), "");
    }
    int first = g.codePointAt(0);
    if (g.length() == 1 && wideBmp(first)) {
      return g + VS16;
    }
    if (g.length() == 2 && g.charAt(1) == VS16 && !Character.isSupplementaryCodePoint(first) && !wideBmp(first)) {
      return g.substring(0, 1);
    }
    return g;
  }

  /** The shortcode of an emoji, whichever of its forms it came in. */
  private static String name(String g) {
    String name = Shortcodes.nameOf(g);
    if (name == null && g.indexOf(VS16) < 0) {
      name = Shortcodes.nameOf(g + VS16);
    }
    if (name == null && g.indexOf(VS16) > 0) {
      name = Shortcodes.nameOf(g.replace(String.valueOf(VS16), ""));
    }
    return name;
  }

  private static boolean wideBmp(int cp) {
    for (int[] range : WIDE_BMP) {
      if (cp >= range[0] && cp <= range[1]) {
        return true;
      }
    }
    return false;
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** The graphemes of {@code text}, in order. */
  static List<String> graphemes(String text) {
    List<String> out = new ArrayList<>();
    if (ascii(text)) {
      for (int i = 0; i < text.length(); i++) {
        out.add(text.substring(i, i + 1));
      }
      return out;
    }
    BreakIterator it = BreakIterator.getCharacterInstance();
    it.setText(text);
    int start = it.first();
    for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
      out.add(text.substring(start, end));
    }
    return out;
  }

  /** Columns of one grapheme, as Lanterna's screen gives them (TextCharacter.isDoubleWidth). */
  static int width(String grapheme) {
    if (grapheme.length() > 1) {
      return 2;
    }
    return TerminalTextUtils.isCharDoubleWidth(grapheme.charAt(0)) ? 2 : 1;
  }
}
