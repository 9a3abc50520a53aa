package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;
import parley.protocol.Limits;

/**
 * Random queries, never a 500: whatever a client sends as {@code q}, the parser answers a query within the limits
 * or refuses it with one of its three codes, and what it answers can be highlighted in any text. The seed is printed
 * with a failure, and {@code -Dsearch.seed=...} replays it.
 */
@InMemory
class SearchQueryPropertyTest {
  private static final Set<String> CODES = Set.of("invalid_query", "query_too_long", "too_many_terms");
  private static final int RUNS = 20_000;
  /** Pieces that make the parser's own decisions likely: operators, quotes, stars, dashes, odd Unicode. */
  private static final String[] PIECES = {"from:", "in:", "in:@", "before:", "after:", "has:", "is:", "file", "link",
      "mention", "2026-11-01", "2026-02-30", "\"", "-", "*", ":", "@", " ", "  ", "\t", "\n", "alice", "Café", "ñ",
      "deploym", "running", "e-mail", "o'neil", "https://x.io", "👋", "👨‍👩‍👧", "\ud800", "\udc00", "\u00a0",
      "\u200b", "\u0301", "漢字", "ß", "Ω", "0", "9999-12-31", "0000-01-01", "FROM:", "x:y", "re:", "\\", "'",
      "&", "|", "!", "(", ")", "<->", ":*", "\u0000", "İ"};

  private static long seed() {
    String given = System.getProperty("search.seed");
    return given != null ? Long.parseLong(given) : new Random().nextLong();
  }

  @Test
  void anyStringParsesOrIsRefusedWithItsCode() {
    long seed = seed();
    Random random = new Random(seed);
    for (int run = 0; run < RUNS; run++) {
      String query = random.nextInt(3) == 0 ? randomChars(random) : randomPieces(random);
      check(query, seed);
    }
  }

  @Test
  void wellFormedQueriesParseWithOneClauseATerm() {
    long seed = seed();
    Random random = new Random(seed);
    String[] terms = {"lunch", "\"stand up\"", "-draft", "deploy*", "from:alice", "in:general", "in:@bob",
        "before:2026-11-01", "after:2026-10-01", "has:file", "has:link", "is:mention", "in:\"team room\"", "Café"};
    for (int run = 0; run < 2_000; run++) {
      int n = 1 + random.nextInt(Limits.SEARCH_TERMS_MAX);
      StringBuilder q = new StringBuilder("word");
      for (int i = 1; i < n; i++) {
        q.append(' ').append(terms[random.nextInt(terms.length)]);
      }
      try {
        assertEquals(n, SearchQueryParser.parse(q.toString()).clauses().size(), q.toString());
      } catch (QueryRefused e) {
        fail("seed " + seed + ": a well-formed query refused: " + q + " -> " + e.getMessage());
      }
    }
  }

  private static void check(String query, long seed) {
    SearchQuery parsed;
    try {
      parsed = SearchQueryParser.parse(query);
    } catch (QueryRefused e) {
      assertTrue(CODES.contains(e.code()), "seed " + seed + ": " + e.code());
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "seed " + seed + ": a refusal says why");
      return;
    } catch (RuntimeException e) {
      throw new AssertionError("seed " + seed + ": the query " + escape(query) + " threw " + e, e);
    }
    assertTrue(query.codePointCount(0, query.length()) <= Limits.SEARCH_QUERY_MAX_CHARS, "seed " + seed);
    assertTrue(parsed.clauses().size() <= Limits.SEARCH_TERMS_MAX, "seed " + seed);
    assertTrue(!parsed.matches().isEmpty() || parsed.clauses().stream()
        .anyMatch(c -> c instanceof SearchQuery.Filter), "seed " + seed + ": a query narrows: " + escape(query));
    // On PostgreSQL the user's text is only ever a bound value: the statement holds no literal at all.
    for (int shape = 0; shape < 3; shape++) {
      SearchRequest request = new SearchRequest(parsed, Map.of("r1", 1L, "dm:al:bob", 7L), "me", 20, null, shape == 1);
      PostgresSearch.Statement statement = PostgresSearch.statement(request, request.cursor(), 0,
          shape == 2 && !parsed.matches().isEmpty() ? PostgresSearch.PREFIX_WINDOW : 0);
      assertTrue(statement.sql().indexOf('\'') < 0, "seed " + seed + ": " + statement.sql());
      assertEquals(statement.parameters().size(), statement.sql().chars().filter(c -> c == '?').count(),
          "seed " + seed + ": " + statement.sql());
    }
    // The query's own text, highlighted by itself: every range inside it, in order, none overlapping.
    List<Highlights.Range> ranges = Highlights.of(query, parsed);
    int end = 0;
    for (Highlights.Range r : ranges) {
      assertTrue(r.start() >= end && r.start() < r.end() && r.end() <= query.length(),
          "seed " + seed + ": " + ranges + " in " + escape(query));
      end = r.end();
    }
  }

  private static String randomPieces(Random random) {
    StringBuilder q = new StringBuilder();
    int n = random.nextInt(40);
    for (int i = 0; i < n; i++) {
      q.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return q.toString();
  }

  private static String randomChars(Random random) {
    StringBuilder q = new StringBuilder();
    int n = random.nextInt(300);
    for (int i = 0; i < n; i++) {
      q.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : (char) (' ' + random.nextInt(95)));
    }
    return q.toString();
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.chars().forEach(c -> out.append(c >= ' ' && c < 127 ? String.valueOf((char) c) : String.format("\\u%04x", c)));
    return out.append('"').toString();
  }
}
