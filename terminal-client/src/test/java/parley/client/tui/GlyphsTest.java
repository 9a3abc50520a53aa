package parley.client.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Emoji drawn in the columns the terminal gives them, or as their shortcode where it cannot draw them. */
class GlyphsTest {
  private final Glyphs utf8 = new Glyphs(StandardCharsets.UTF_8);
  private final Glyphs ascii = new Glyphs(StandardCharsets.US_ASCII);

  @Test
  void anEmojiIsOneGraphemeOfTwoColumnsAndIsNeverCut() {
    assertEquals(List.of("a", "\ud83d\udc4d", "b"), Glyphs.graphemes("a\ud83d\udc4db"));
    assertEquals(4, Text.width("a\ud83d\udc4db"));
    assertEquals(6, Text.width("x \u2b50 y"), "⭐ is drawn wide, so it is measured wide");
    assertEquals(1, Text.width("\u2764\ufe0f"), "❤️ is drawn as ❤, one column on every terminal");
    assertEquals("ab\ud83d\udc4d…", Text.fit("ab\ud83d\udc4d\ud83c\udf89cd", 5));
    assertEquals("ab…", Text.fit("ab\ud83d\udc4d\ud83c\udf89cd", 4), "not half of 👍");
    assertEquals(List.of("\ud83d\udc4d\ud83d\udc4d", "\ud83d\udc4d"), Text.wrap("\ud83d\udc4d\ud83d\udc4d\ud83d\udc4d", 5));
    assertEquals(List.of("a b", "c"), Text.wrap("a b c", 3));
  }

  @Test
  void aTerminalThatCannotDrawAnEmojiShowsItsShortcode() {
    assertEquals("\ud83c\udf89 2", utf8.show("\ud83c\udf89 2"));
    assertEquals(":tada: 2", ascii.show("\ud83c\udf89 2"));
    assertEquals(":+1: :paperclip: :heart: :star:", ascii.show("\ud83d\udc4d \ud83d\udcce \u2764\ufe0f \u2b50"));
    assertEquals(":heart:", ascii.show("\u2764"), "with or without U+FE0F");
    assertEquals("caf? ?", ascii.show("caf\u00e9 \u263a"), "what has no shortcode is what the terminal would print");
    assertEquals("plain text", ascii.show("plain text"));
    assertEquals(utf8.show("\u2b50"), utf8.show(utf8.show("\u2b50")), "showing twice changes nothing");
  }
}
