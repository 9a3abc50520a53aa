package parley.client.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TextColor;
import java.util.List;
import org.junit.jupiter.api.Test;
import parley.protocol.SearchResults.Highlight;

/** A hit's text with its matched words marked: the server's UTF-16 offsets land on the words whatever precedes them. */
class HighlightsTest {
  private static final TextColor PLAIN = TextColor.ANSI.DEFAULT;

  /** The pieces as text, the marked ones in [brackets]. */
  private static String shown(List<Span> spans) {
    StringBuilder out = new StringBuilder();
    for (Span s : spans) {
      out.append(s.bold() ? "[" + s.text() + "]" : s.text());
      assertEquals(s.bold() ? Highlights.MARK : s.color() == TextColor.ANSI.BLACK_BRIGHT ? s.color() : PLAIN, s.color());
    }
    return out.toString();
  }

  private static String pieces(String text, Highlight... highlights) {
    return shown(Highlights.pieces(text, List.of(highlights), PLAIN));
  }

  @Test
  void matchedWordsAreMarkedByTheirUtf16Offsets() {
    assertEquals("the [deploy] [failed]", pieces("the deploy failed", new Highlight(4, 10), new Highlight(11, 17)));
    // 🎉 is two UTF-16 units: the offsets count them, as the server's do.
    assertEquals("🎉 [deploy] done", pieces("🎉 deploy done", new Highlight(3, 9)));
    assertEquals("[Café] au lait, [déployé]", pieces("Café au lait, déployé", new Highlight(0, 4), new Highlight(14, 21)));
    assertEquals("no marks at all", pieces("no marks at all"));
  }

  @Test
  void whatCouldDriveTheTerminalIsMadeHarmlessAfterTheCutSoTheMarksStillLandOnTheWords() {
    assertEquals("line one \ufffd[31m [deploy]", pieces("line one\n\u001b[31m deploy", new Highlight(15, 21)));
    assertEquals("tab  [here]", pieces("tab\there", new Highlight(4, 8)));
  }

  @Test
  void highlightsOutOfRangeReversedOverlappingOrInsideAnEmojiAreMendedNotTrusted() {
    assertEquals("[ab]cdef", pieces("abcdef", new Highlight(-3, 2), new Highlight(50, 60), new Highlight(5, 3)));
    assertEquals("a[bcdef]g", pieces("abcdefg", new Highlight(3, 6), new Highlight(1, 4)));
    assertEquals("x[👍]y", pieces("x👍y", new Highlight(2, 3)), "half of a surrogate pair widens to the whole");
    assertEquals("x[👍]y", pieces("x👍y", new Highlight(1, 2)));
  }

  @Test
  void aLongTextShowsItsFirstMatchWithWhatLeadsToIt() {
    String text = "chatter ".repeat(30) + "and then the deploy failed on staging " + "more words ".repeat(20);
    int at = text.indexOf("deploy");
    List<Span> row = Highlights.excerpt(Highlights.pieces(text, List.of(new Highlight(at, at + 6)), PLAIN), 40);
    String shown = shown(row);
    assertTrue(shown.startsWith("…"), shown);
    assertTrue(shown.endsWith("…"), shown);
    assertTrue(shown.contains("then the [deploy] failed on"), shown);
    assertEquals(40, row.stream().mapToInt(s -> Text.width(s.text())).sum(), shown);
    assertTrue(shown.indexOf('[') <= 40 / 3 + 2, "a third of the row at most before the match: " + shown);

    String short_ = shown(Highlights.excerpt(Highlights.pieces("the deploy failed", List.of(new Highlight(4, 10)),
        PLAIN), 40));
    assertEquals("the [deploy] failed", short_);
    String atStart = shown(Highlights.excerpt(Highlights.pieces("deploy " + "x".repeat(60),
        List.of(new Highlight(0, 6)), PLAIN), 20));
    assertEquals("[deploy] " + "x".repeat(12) + "…", atStart);
  }
}
