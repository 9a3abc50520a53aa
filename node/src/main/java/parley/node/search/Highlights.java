package parley.node.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import parley.node.search.SearchQuery.Match;
import parley.node.search.SearchQuery.Phrase;
import parley.node.search.SearchQuery.Prefix;
import parley.node.search.SearchQuery.Word;

/**
 * Where a query's words, phrases and prefixes are in a hit's text: UTF-16 ranges {@code [start, end)}, in order,
 * overlapping ones joined. Made from the same tokens the index holds, in Java, so both databases highlight alike;
 * exclusions are never in a hit and filters match no text.
 */
public final class Highlights {
  private Highlights() {}

  /** A highlighted range of the text: UTF-16 offsets, {@code end} exclusive. */
  public record Range(int start, int end) {}

  public static List<Range> of(String text, SearchQuery query) {
    List<Range> found = new ArrayList<>();
    List<Match> matches = query.matches();
    if (text == null || matches.isEmpty()) {
      return found;
    }
    List<SearchAnalysis.Token> tokens = SearchAnalysis.tokens(text);
    for (Match match : matches) {
      if (match instanceof Word w) {
        tokens.stream().filter(t -> t.stem().equals(w.stem())).forEach(t -> found.add(new Range(t.start(), t.end())));
      } else if (match instanceof Prefix p) {
        tokens.stream().filter(t -> t.stem().startsWith(p.prefix()) || t.word().startsWith(p.prefix()))
            .forEach(t -> found.add(new Range(t.start(), t.end())));
      } else if (match instanceof Phrase p) {
        phrase(tokens, p.stems(), found);
      }
    }
    return joined(found);
  }

  private static void phrase(List<SearchAnalysis.Token> tokens, List<String> stems, List<Range> found) {
    for (int i = 0; i + stems.size() <= tokens.size(); i++) {
      boolean all = true;
      for (int k = 0; k < stems.size() && all; k++) {
        SearchAnalysis.Token t = tokens.get(i + k);
        all = t.stem().equals(stems.get(k)) && t.position() == tokens.get(i).position() + k;
      }
      if (all) {
        found.add(new Range(tokens.get(i).start(), tokens.get(i + stems.size() - 1).end()));
      }
    }
  }

  private static List<Range> joined(List<Range> ranges) {
    ranges.sort(Comparator.comparingInt(Range::start).thenComparingInt(Range::end));
    List<Range> joined = new ArrayList<>();
    for (Range r : ranges) {
      Range last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
      if (last != null && r.start() <= last.end()) {
        joined.set(joined.size() - 1, new Range(last.start(), Math.max(last.end(), r.end())));
      } else {
        joined.add(r);
      }
    }
    return joined;
  }
}
