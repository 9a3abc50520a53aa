package parley.client.tui;

import com.googlecode.lanterna.TextColor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import parley.client.core.SafeText;
import parley.protocol.SearchResults;

/**
 * A search hit's text on one row, its matched words marked. The answer's highlights are UTF-16 offsets into the text
 * as the server holds it, so the text is cut at them first and each piece made safe and drawable afterwards (which
 * can change its length: a control character, an emoji the terminal shows by its shortcode). A text wider than the
 * row starts a little before its first match, so the match is in view. Pure, like {@link TimelineLayout}.
 */
final class Highlights {
  static final TextColor MARK = TextColor.ANSI.YELLOW_BRIGHT;
  private static final String CUT = "…";

  private Highlights() {}

  /**
   * The text in pieces, in order, the matched ones bold in {@link #MARK}, the rest in {@code color}; newlines read as
   * spaces. Highlights out of range, empty, overlapping or splitting a surrogate pair are mended, never trusted.
   */
  static List<Span> pieces(String text, List<SearchResults.Highlight> highlights, TextColor color) {
    String t = text == null ? "" : text;
    List<int[]> marks = new ArrayList<>();
    for (SearchResults.Highlight h : highlights.stream()
        .sorted(Comparator.comparingInt(SearchResults.Highlight::start)).toList()) {
      int start = within(h.start(), t);
      int end = within(h.end(), t);
      if (start > 0 && start < t.length() && Character.isLowSurrogate(t.charAt(start))) {
        start--;
      }
      if (end > 0 && end < t.length() && Character.isLowSurrogate(t.charAt(end))) {
        end++;
      }
      if (end <= start) {
        continue;
      }
      int[] last = marks.isEmpty() ? null : marks.get(marks.size() - 1);
      if (last != null && start <= last[1]) {
        last[1] = Math.max(last[1], end);
      } else {
        marks.add(new int[] {start, end});
      }
    }
    List<Span> spans = new ArrayList<>();
    int at = 0;
    for (int[] m : marks) {
      add(spans, t.substring(at, m[0]), color, false);
      add(spans, t.substring(m[0], m[1]), MARK, true);
      at = m[1];
    }
    add(spans, t.substring(at), color, false);
    return spans;
  }

  private static int within(int offset, String t) {
    return Math.max(0, Math.min(offset, t.length()));
  }

  private static void add(List<Span> spans, String raw, TextColor color, boolean bold) {
    String drawable = Glyphs.terminal().show(SafeText.clean(raw).replace('\n', ' '));
    if (!drawable.isEmpty()) {
      spans.add(new Span(drawable, color, bold));
    }
  }

  /**
   * {@code pieces} in {@code width} columns: whole if they fit; else from a little before the first marked piece (at
   * most a third of the row ahead of it, from a word's start where one is near) with '…' before, and '…' where cut.
   */
  static List<Span> excerpt(List<Span> pieces, int width) {
    int total = pieces.stream().mapToInt(s -> Text.width(s.text())).sum();
    if (total <= width) {
      return pieces;
    }
    List<String[]> graphemes = new ArrayList<>(); // each grapheme with its piece's index
    int lead = 0; // columns before the first marked grapheme
    int firstMark = -1;
    for (int i = 0; i < pieces.size(); i++) {
      for (String g : Glyphs.graphemes(pieces.get(i).text())) {
        if (firstMark < 0 && pieces.get(i).bold()) {
          firstMark = graphemes.size();
        }
        lead += firstMark < 0 ? Glyphs.width(g) : 0;
        graphemes.add(new String[] {g, String.valueOf(i)});
      }
    }
    int from = 0;
    List<Span> out = new ArrayList<>();
    int used = 0;
    if (firstMark >= 0 && lead > width / 3) {
      int drop = lead - width / 3 + 1;
      for (int dropped = 0; from < firstMark && dropped < drop; from++) {
        dropped += Glyphs.width(graphemes.get(from)[0]);
      }
      for (int i = from; i < firstMark - 1 && i < from + 12; i++) {
        if (graphemes.get(i)[0].equals(" ")) {
          from = i + 1;
          break;
        }
      }
      out.add(new Span(CUT, TextColor.ANSI.BLACK_BRIGHT, false));
      used = 1;
    }
    StringBuilder run = new StringBuilder();
    int piece = -1;
    for (int i = from; i < graphemes.size(); i++) {
      String g = graphemes.get(i)[0];
      int p = Integer.parseInt(graphemes.get(i)[1]);
      boolean last = i == graphemes.size() - 1;
      if (used + Glyphs.width(g) > width - (last ? 0 : 1)) {
        flush(out, run, pieces, piece);
        out.add(new Span(CUT, TextColor.ANSI.BLACK_BRIGHT, false));
        return out;
      }
      if (p != piece) {
        flush(out, run, pieces, piece);
        piece = p;
      }
      run.append(g);
      used += Glyphs.width(g);
    }
    flush(out, run, pieces, piece);
    return out;
  }

  private static void flush(List<Span> out, StringBuilder run, List<Span> pieces, int piece) {
    if (run.length() > 0) {
      Span of = pieces.get(piece);
      out.add(new Span(run.toString(), of.color(), of.bold()));
      run.setLength(0);
    }
  }
}
