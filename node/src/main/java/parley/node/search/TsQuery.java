package parley.node.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import parley.node.search.SearchQuery.Match;
import parley.node.search.SearchQuery.Phrase;
import parley.node.search.SearchQuery.Prefix;
import parley.node.search.SearchQuery.Word;

/**
 * A query's text as a PostgreSQL {@code tsquery} literal, for {@code terms @@ ?::tsquery}: the same lexemes
 * {@link SearchAnalysis#tsvector} stored, quoted, so the user's text is only ever a bound value and never SQL, and
 * PostgreSQL's parser never re-splits it. Words and phrases match stems ({@code <->} keeps a phrase's words next to
 * each other), a prefix matches any lexeme that starts with it ({@code :*}), an exclusion is negated ({@code !}).
 */
public final class TsQuery {
  private TsQuery() {}

  /** The literal, or empty when the query has no text (filters only). */
  public static Optional<String> of(SearchQuery query) {
    List<String> parts = new ArrayList<>();
    query.matches().forEach(m -> parts.add(match(m)));
    query.exclusions().forEach(m -> parts.add("!" + match(m)));
    return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" & ", parts));
  }

  private static String match(Match match) {
    if (match instanceof Word w) {
      return SearchAnalysis.quote(w.stem());
    }
    if (match instanceof Prefix p) {
      return SearchAnalysis.quote(p.prefix()) + ":*";
    }
    List<String> stems = ((Phrase) match).stems().stream().map(SearchAnalysis::quote).toList();
    return "(" + String.join(" <-> ", stems) + ")";
  }
}
