package parley.client.core;

/**
 * Text from other people made harmless to print on a terminal, in the full-screen client and in line mode alike:
 * control characters (C0 and C1: ESC and so every escape sequence, which can set the window title, clear the screen
 * or move the cursor to fake lines), bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069, which reorder
 * what follows so a line reads other than it is), zero-width characters and marks (but a joiner inside an emoji sequence),
 * and line and paragraph separators each become U+FFFD, visibly. Newlines stay for the caller to lay out; a tab becomes two spaces.
 */
public final class SafeText {
  private SafeText() {}

  public static String clean(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = c == '\n' ? null : c == '\t' ? "  "
          : harmful(c) && !joinsEmoji(text, i) ? "\ufffd" : null;
      if (replacement != null && out == null) {
        out = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /** On one line: {@link #clean}, with each newline shown as {@code \n}. */
  public static String oneLine(String text) {
    return clean(text).replace("\n", "\\n");
  }

  /**
   * A zero-width joiner inside an emoji sequence (👩‍💻, 🏳️‍🌈) joins emoji and hides no letter: kept. Between letters
   * it could make two names that read alike, so there it is shown like any other zero-width character.
   */
  private static boolean joinsEmoji(String text, int i) {
    if (text.charAt(i) != '\u200d' || i == 0 || i + 1 >= text.length()) {
      return false;
    }
    char before = text.charAt(i - 1);
    char after = text.charAt(i + 1);
    return (Character.isLowSurrogate(before) || before == '\ufe0f')
        && (Character.isHighSurrogate(after) || (after >= 0x2600 && after <= 0x27bf));
  }

  static boolean harmful(char c) {
    return Character.isISOControl(c)
        || (c >= 0x200b && c <= 0x200f) // zero-width space, joiners, LRM, RLM
        || (c >= 0x2028 && c <= 0x202e) // line and paragraph separators; bidi embeddings and overrides
        || (c >= 0x2066 && c <= 0x2069) // bidi isolates
        || c == 0x061c || c == 0xfeff;
  }
}
