package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import parley.node.search.Highlights.Range;
import parley.node.testkit.InMemory;

/** The words a message is found by, and where a hit's matched words are, as a client highlights them. */
@InMemory
class SearchAnalysisTest {
  @Test
  void wordsAreLowerCasedFoldedAndStemmedWithTheirOwnFormBeside() {
    assertEquals(List.of(
        new SearchAnalysis.Token(0, 0, 8, "deploi", "deployed"),
        new SearchAnalysis.Token(1, 9, 12, "the", "the"),
        new SearchAnalysis.Token(2, 13, 17, "cafe", "cafe"),
        new SearchAnalysis.Token(3, 18, 25, "naiv", "naively")),
        SearchAnalysis.tokens("Deployed the CAFÉ naïvely!"));
  }

  @Test
  void offsetsCountUtf16UnitsAsABrowserDoes() {
    // The emoji before is two UTF-16 units: "lunch" starts at 3.
    List<SearchAnalysis.Token> tokens = SearchAnalysis.tokens("👋 lunch");
    SearchAnalysis.Token lunch = tokens.get(tokens.size() - 1);
    assertEquals(3, lunch.start());
    assertEquals(8, lunch.end());
  }

  @Test
  void aTsvectorLiteralHoldsStemAndWordAtOnePositionAndTheFileNameAfterAGap() {
    assertEquals("'deploi':1 'deploying':1 'o''neil':2 'back':3 'slash':4 'report':105 'pdf':106",
        SearchAnalysis.tsvector("Deploying O'Neil back\\slash", "report.pdf"));
    assertEquals("'a\\\\b'", SearchAnalysis.quote("a\\b"));
    assertEquals("'report':101 'pdf':102", SearchAnalysis.tsvector(null, "report.pdf"));
  }

  @Test
  void highlightsCoverWordsByStemPhrasesWholeAndPrefixes() {
    String text = "We deployed it. The Quick brown fox; deployment of quick brown bread";
    SearchQuery q = SearchQueryParser.parse("deploying \"quick brown fox\" brea*");
    assertEquals(List.of(new Range(3, 11), new Range(20, 35), new Range(63, 68)), Highlights.of(text, q),
        "deployed by its stem, the phrase once as a whole (not the second quick brown), bread by its prefix");
  }

  @Test
  void aPrefixPastTheStemStillMatchesTheWordItself() {
    // "deployment" stems to "deploy": deploym* matches it by its own form.
    assertEquals(List.of(new Range(0, 10)),
        Highlights.of("deployment went fine", SearchQueryParser.parse("deploym*")));
  }

  @Test
  void overlappingMatchesAreJoinedAndFiltersHighlightNothing() {
    SearchQuery q = SearchQueryParser.parse("\"brown fox\" fox from:alice");
    assertEquals(List.of(new Range(4, 13)), Highlights.of("the brown fox", q));
    assertEquals(List.of(), Highlights.of("the brown fox", SearchQueryParser.parse("from:alice has:file")));
  }

  @Test
  void aQueryIsATsqueryOfQuotedLexemesAndFiltersAloneHaveNone() {
    assertEquals(java.util.Optional.of("'deploi' & ('quick' <-> 'brown') & 'o''neil':* & !'lunch'"),
        TsQuery.of(SearchQueryParser.parse("deploying \"quick brown\" O'Neil* -lunch from:bob")));
    assertEquals(java.util.Optional.of("!'lunch'"), TsQuery.of(SearchQueryParser.parse("from:bob -lunch")));
    assertEquals(java.util.Optional.empty(), TsQuery.of(SearchQueryParser.parse("from:bob has:file")));
  }
}
