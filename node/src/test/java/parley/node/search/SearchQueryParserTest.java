package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.node.search.SearchQuery.After;
import parley.node.search.SearchQuery.Attachment;
import parley.node.search.SearchQuery.Before;
import parley.node.search.SearchQuery.From;
import parley.node.search.SearchQuery.Has;
import parley.node.search.SearchQuery.In;
import parley.node.search.SearchQuery.InDm;
import parley.node.search.SearchQuery.IsMention;
import parley.node.search.SearchQuery.Not;
import parley.node.search.SearchQuery.Phrase;
import parley.node.search.SearchQuery.Prefix;
import parley.node.search.SearchQuery.Word;
import parley.node.testkit.InMemory;

/** What a user types into the search box, read as the route reads it. */
@InMemory
class SearchQueryParserTest {
  private static SearchQuery parse(String q) {
    return SearchQueryParser.parse(q);
  }

  private static QueryRefused refused(String q) {
    return assertThrows(QueryRefused.class, () -> SearchQueryParser.parse(q));
  }

  @Test
  void threeWordsAndANameAreThreeStemmedWordsFromOneSender() {
    SearchQuery q = parse("Deploying the Café  from:Alice");
    assertEquals(List.of(new Word("Deploying", "deploi"), new Word("the", "the"), new Word("Café", "cafe"),
        new From("alice")), q.clauses());
    assertEquals(Set.of("alice"), q.senders());
  }

  @Test
  void aQuotedPhraseKeepsItsWordsInOrderAndAHyphenatedWordIsOne() {
    SearchQuery q = parse("\"Quick brown FOX\" e-mail");
    assertEquals(List.of(new Phrase("Quick brown FOX", List.of("quick", "brown", "fox")),
        new Phrase("e-mail", List.of("e", "mail"))), q.clauses());
  }

  @Test
  void exclusionsPrefixesAndEveryFilter() {
    SearchQuery q = parse("deploym* -lunch -\"stand up\" in:general in:\"team room\" in:@Bob before:2026-11-01"
        + " after:2026-10-01 has:file has:LINK is:mention from:@carol");
    assertEquals(List.of(new Prefix("deploym*", "deploym"), new Not(new Word("lunch", "lunch")),
        new Not(new Phrase("stand up", List.of("stand", "up"))), new In("general"), new In("team room"),
        new InDm("bob"), new Before(LocalDate.of(2026, 11, 1)), new After(LocalDate.of(2026, 10, 1)),
        new Has(Attachment.FILE), new Has(Attachment.LINK), new IsMention(), new From("carol")), q.clauses());
    assertEquals(Optional.of(Instant.parse("2026-11-02T00:00:00Z")), q.sentBefore(), "the before: day is in");
    assertEquals(Optional.of(Instant.parse("2026-10-01T00:00:00Z")), q.sentFrom(), "the after: day is in");
    assertTrue(q.hasFile() && q.hasLink() && q.mentionsMe() && q.namesRooms());
  }

  @Test
  void aFilterAloneListsWhatItNamesButExclusionsAloneAreRefused() {
    assertEquals(List.of(new From("alice")), parse("from:alice").clauses());
    assertEquals(List.of(new Has(Attachment.FILE), new Not(new Word("draft", "draft"))),
        parse("has:file -draft").clauses());
    QueryRefused onlyExclusions = refused("-lunch -meeting");
    assertEquals("invalid_query", onlyExclusions.code());
    assertTrue(onlyExclusions.getMessage().contains("exclusions only"), onlyExclusions.getMessage());
  }

  @Test
  void textThatOnlyLooksLikeAnOperatorStaysText() {
    assertEquals(List.of(new Word("re:", "re"), new Word("budget", "budget")), parse("re: budget").clauses());
    assertEquals(List.of(new Phrase("https://example.com/a", List.of("http", "exampl", "com", "a"))),
        parse("https://example.com/a").clauses());
    assertEquals(List.of(new Phrase("12:30", List.of("12", "30"))), parse("12:30").clauses());
  }

  @Test
  void eachBadPartIsNamed() {
    assertBad("form:alice lunch", "unknown operator \"form:\"");
    assertBad("\"quick brown", "unclosed quote: \"quick brown");
    assertBad("lunch has:pdf", "has: takes file or link, not \"pdf\"");
    assertBad("is:unread", "is: takes mention, not \"unread\"");
    assertBad("before:2026-02-30", "before: takes a date as YYYY-MM-DD, not \"2026-02-30\"");
    assertBad("after:yesterday", "after: takes a date as YYYY-MM-DD, not \"yesterday\"");
    assertBad("from:a!", "from: takes a username, not \"a!\"");
    assertBad("in:@ lunch", "in: takes a username");
    assertBad("lunch from:", "from: needs a value");
    assertBad("-from:alice lunch", "a filter cannot be excluded: -from:alice");
    assertBad("a* lunch", "a prefix needs at least 2 letters or digits before the *: a*");
    assertBad("e-ma*", "a prefix is the start of one word: e-ma*");
    assertBad("   ", "the query is empty");
    assertBad("!!! ...", "nothing to search for");
  }

  private static void assertBad(String query, String part) {
    QueryRefused e = refused(query);
    assertEquals("invalid_query", e.code(), query);
    assertTrue(e.getMessage().contains(part), query + " -> " + e.getMessage());
  }

  @Test
  void aQueryOverTheLengthSaysTheLimitAndItsOwnLength() {
    parse("x".repeat(256));
    QueryRefused e = refused("x".repeat(257));
    assertEquals("query_too_long", e.code());
    assertEquals("a query is at most 256 characters; this one has 257", e.getMessage());
    // Characters are code points: 256 emoji are 512 UTF-16 units and still a query.
    parse("👋".repeat(256));
    assertEquals("query_too_long", refused("👋".repeat(257)).code());
  }

  @Test
  void aQueryOverSixteenTermsSaysTheLimitAndItsOwnCount() {
    parse("a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 from:alice");
    QueryRefused e = refused("a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 from:alice");
    assertEquals("too_many_terms", e.code());
    assertEquals("a query has at most 16 terms (words, phrases, exclusions and filters); this one has 17",
        e.getMessage());
  }
}
