package parley.node.search;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import parley.node.Validation;
import parley.node.search.SearchQuery.After;
import parley.node.search.SearchQuery.Attachment;
import parley.node.search.SearchQuery.Before;
import parley.node.search.SearchQuery.Clause;
import parley.node.search.SearchQuery.Filter;
import parley.node.search.SearchQuery.From;
import parley.node.search.SearchQuery.Has;
import parley.node.search.SearchQuery.In;
import parley.node.search.SearchQuery.InDm;
import parley.node.search.SearchQuery.IsMention;
import parley.node.search.SearchQuery.Match;
import parley.node.search.SearchQuery.Not;
import parley.node.search.SearchQuery.Phrase;
import parley.node.search.SearchQuery.Prefix;
import parley.node.search.SearchQuery.Word;
import parley.protocol.Limits;

/**
 * Reads the query language of {@code GET /api/v1/search} (docs/protocol.md, Search): words, {@code "phrases"},
 * {@code -exclusions}, {@code prefix*} and the filters {@code from: in: before: after: has: is:}. Whatever the input,
 * it answers a {@link SearchQuery} or throws {@link QueryRefused}, whose message names the part it could not read,
 * so that a client can show what to fix; a route never turns a query into a 500.
 *
 * <p>A query needs something that narrows it: a word, a phrase, a prefix or a filter. Exclusions alone would list
 * nearly every message the caller may read, so they are refused; a filter alone ({@code from:alice},
 * {@code has:file}) lists what it names, newest first.
 */
public final class SearchQueryParser {
  private static final Pattern OPERATOR = Pattern.compile("([A-Za-z]+):(.*)", Pattern.DOTALL);
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final String OPERATORS = "from:, in:, before:, after:, has:, is:";
  /** A prefix shorter than this would match a large part of every index. */
  static final int PREFIX_MIN_CHARS = 2;
  /** How much of a bad part an error message quotes. */
  private static final int QUOTED_MAX = 40;

  private final String query;
  private int at;
  private final List<Clause> clauses = new ArrayList<>();

  private SearchQueryParser(String query) {
    this.query = query;
  }

  /** The query, parsed; or the reason it cannot be run. */
  public static SearchQuery parse(String query) {
    if (query == null || query.isBlank()) {
      throw invalid("the query is empty: give a word, a \"phrase\" or a filter such as from:alice");
    }
    String textProblem = Validation.textProblem(query);
    if (textProblem != null) {
      throw invalid("the query " + textProblem);
    }
    int length = query.codePointCount(0, query.length());
    if (length > Limits.SEARCH_QUERY_MAX_CHARS) {
      throw new QueryRefused("query_too_long", "a query is at most " + Limits.SEARCH_QUERY_MAX_CHARS
          + " characters; this one has " + length);
    }
    return new SearchQueryParser(query).read();
  }

  private SearchQuery read() {
    while (skipSpace()) {
      boolean exclude = false;
      if (query.charAt(at) == '-' && at + 1 < query.length() && !isSpace(query.charAt(at + 1))) {
        exclude = true;
        at++;
      }
      Clause clause = query.charAt(at) == '"' ? phrase(quoted()) : bare(exclude);
      if (clause == null) {
        continue;
      }
      if (exclude) {
        clause = new Not((Match) clause);
      }
      clauses.add(clause);
    }
    int terms = clauses.size();
    if (terms > Limits.SEARCH_TERMS_MAX) {
      throw new QueryRefused("too_many_terms", "a query has at most " + Limits.SEARCH_TERMS_MAX
          + " terms (words, phrases, exclusions and filters); this one has " + terms);
    }
    boolean narrows = clauses.stream().anyMatch(c -> c instanceof Match || c instanceof Filter);
    if (!narrows) {
      throw invalid(clauses.isEmpty()
          ? "the query has nothing to search for: give a word (letters or digits), a \"phrase\" or a filter"
          : "a query of exclusions only would list nearly everything: add a word, a \"phrase\" or a filter");
    }
    return new SearchQuery(clauses);
  }

  /** Moves past spaces; whether anything is left. */
  private boolean skipSpace() {
    while (at < query.length() && isSpace(query.charAt(at))) {
      at++;
    }
    return at < query.length();
  }

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /** The text between the quote at {@code at} and the next one. */
  private String quoted() {
    int close = query.indexOf('"', at + 1);
    if (close < 0) {
      throw invalid("unclosed quote: " + shorten(query.substring(at)) + " (end the phrase with \")");
    }
    String inside = query.substring(at + 1, close);
    at = close + 1;
    return inside;
  }

  /** A word, a prefix or an operator: up to a space or a quote. */
  private Clause bare(boolean exclude) {
    int start = at;
    while (at < query.length() && !isSpace(query.charAt(at)) && query.charAt(at) != '"') {
      at++;
    }
    String token = query.substring(start, at);
    Matcher operator = OPERATOR.matcher(token);
    if (operator.matches() && isOperator(operator.group(1), operator.group(2))) {
      if (exclude) {
        throw invalid("a filter cannot be excluded: -" + shorten(token));
      }
      String value = operator.group(2);
      if (value.isEmpty() && at < query.length() && query.charAt(at) == '"') {
        value = quoted();
      }
      return filter(operator.group(1).toLowerCase(Locale.ROOT), value.strip());
    }
    if (token.endsWith("*")) {
      return prefix(token);
    }
    return phrase(token);
  }

  /**
   * Whether {@code name:value} is meant as an operator: a known name always is; an unknown one with a value is
   * refused as one (a typo such as {@code form:alice} should not quietly search for its words). Text that only looks
   * like one stays text: a word that ends in a colon ({@code re:}) and a link ({@code https://...}).
   */
  private boolean isOperator(String name, String value) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (List.of("from", "in", "before", "after", "has", "is").contains(lower)) {
      return true;
    }
    if (value.isEmpty() || value.startsWith("//")) {
      return false;
    }
    throw invalid("unknown operator \"" + shorten(name) + ":\" (the operators are " + OPERATORS
        + "; put text with a colon in quotes)");
  }

  private static Filter filter(String name, String value) {
    if (value.isEmpty()) {
      throw invalid(name + ": needs a value, as in " + example(name));
    }
    return switch (name) {
      case "from" -> new From(username(name, value.startsWith("@") ? value.substring(1) : value));
      case "in" -> value.startsWith("@") ? new InDm(username(name, value.substring(1))) : new In(value);
      case "before" -> new Before(date(name, value));
      case "after" -> new After(date(name, value));
      case "has" -> switch (value.toLowerCase(Locale.ROOT)) {
        case "file" -> new Has(Attachment.FILE);
        case "link" -> new Has(Attachment.LINK);
        default -> throw invalid("has: takes file or link, not \"" + shorten(value) + "\"");
      };
      case "is" -> {
        if (!value.equalsIgnoreCase("mention")) {
          throw invalid("is: takes mention, not \"" + shorten(value) + "\"");
        }
        yield new IsMention();
      }
      default -> throw new IllegalStateException("an operator isOperator let through: " + name);
    };
  }

  private static String example(String name) {
    return switch (name) {
      case "from" -> "from:alice";
      case "in" -> "in:general or in:@bob";
      case "before", "after" -> name + ":2026-11-01";
      case "has" -> "has:file";
      default -> "is:mention";
    };
  }

  private static String username(String name, String value) {
    String canonical = Validation.canonicalUsername(value);
    if (!Validation.isValidUsername(canonical)) {
      throw invalid(name + ": takes a username, not \"" + shorten(value) + "\"");
    }
    return canonical;
  }

  private static LocalDate date(String name, String value) {
    try {
      if (DATE.matcher(value).matches()) {
        return LocalDate.parse(value, DateTimeFormatter.ISO_LOCAL_DATE);
      }
    } catch (DateTimeParseException e) {
      // Shaped like a date, but no day of the calendar: refused below like any other value.
    }
    throw invalid(name + ": takes a date as YYYY-MM-DD, not \"" + shorten(value) + "\"");
  }

  /** A word, or a phrase: the analyser may make one stem, several (then a phrase), or none (then nothing). */
  private static Match phrase(String text) {
    List<String> stems = SearchAnalysis.stems(text);
    if (stems.isEmpty()) {
      return null;
    }
    return stems.size() == 1 ? new Word(text, stems.get(0)) : new Phrase(text, stems);
  }

  private static Match prefix(String token) {
    String start = token.replaceAll("\\*+$", "");
    List<SearchAnalysis.Token> tokens = SearchAnalysis.tokens(start);
    if (tokens.isEmpty()) {
      return null;
    }
    if (tokens.size() > 1) {
      throw invalid("a prefix is the start of one word: " + shorten(token));
    }
    String word = tokens.get(0).word();
    if (word.codePointCount(0, word.length()) < PREFIX_MIN_CHARS) {
      throw invalid("a prefix needs at least " + PREFIX_MIN_CHARS + " letters or digits before the *: "
          + shorten(token));
    }
    return new Prefix(token, word);
  }

  private static String shorten(String part) {
    if (part.codePointCount(0, part.length()) <= QUOTED_MAX) {
      return part;
    }
    return part.substring(0, part.offsetByCodePoints(0, QUOTED_MAX)) + "...";
  }

  private static QueryRefused invalid(String message) {
    return new QueryRefused("invalid_query", message);
  }
}
