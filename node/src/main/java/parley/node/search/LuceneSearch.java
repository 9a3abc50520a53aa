package parley.node.search;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.util.BytesRef;
import parley.node.search.SearchQuery.Match;
import parley.node.search.SearchQuery.Phrase;
import parley.node.search.SearchQuery.Prefix;
import parley.node.search.SearchQuery.Word;

/**
 * A search on the Lucene index (the embedded database's): the query's words, phrases and prefixes over the analysed
 * {@code terms}, its filters and the caller's rooms as non-scoring clauses, newest first, or the newest
 * {@link SearchCursor#RELEVANCE_MAX} matches ranked by BM25 score (as {@link PostgresSearch} ranks them by
 * {@code ts_rank}). The next page newest first is a clause too (after the last hit's sort key), never a Lucene doc id,
 * so it holds across commits and reads the same as PostgreSQL's.
 */
final class LuceneSearch {
  /** Newest first; the same order {@link PostgresSearch} writes in SQL, and the order the index keeps. */
  static final Sort NEWEST = new Sort(new SortField(SearchFields.SENT_AT, SortField.Type.LONG, true),
      new SortField(SearchFields.ROOM, SortField.Type.STRING), new SortField(SearchFields.SEQ, SortField.Type.LONG,
      true));

  private LuceneSearch() {}

  static SearchPage search(SearcherManager searchers, SearchRequest request) throws IOException {
    SearchCursor cursor = request.cursor();
    if (request.rooms().isEmpty()) {
      return new SearchPage(List.of(), null);
    }
    int offset = cursor instanceof SearchCursor.Relevance r ? r.offset() : 0;
    IndexSearcher searcher = searchers.acquire();
    try {
      Query query = query(request, cursor);
      List<ScoreDoc> found;
      if (request.relevance()) {
        // The newest matches, ranked by score: a stable sort keeps newest first among equal scores.
        found = new ArrayList<>(List.of(searcher.search(query, SearchCursor.RELEVANCE_MAX, NEWEST, true)
            .scoreDocs));
        found.sort(Comparator.comparingDouble((ScoreDoc d) -> d.score).reversed());
      } else {
        // Counting no more hits than a page lets each segment, kept in this order, stop after its first page.
        found = List.of(searcher.search(query, new TopFieldCollectorManager(NEWEST, request.limit() + 1, null,
            request.limit() + 1)).scoreDocs);
      }
      List<SearchPage.Hit> hits = new ArrayList<>();
      for (int i = offset; i < found.size() && hits.size() < request.limit(); i++) {
        hits.add(hit(searcher.storedFields().document(found.get(i).doc)));
      }
      boolean more = found.size() > offset + request.limit();
      return new SearchPage(hits, more ? request.next(offset, hits) : null);
    } finally {
      searchers.release(searcher);
    }
  }

  /** The whole query: text that scores, then filters that only narrow. */
  static Query query(SearchRequest request, SearchCursor cursor) {
    SearchQuery q = request.query();
    BooleanQuery.Builder query = new BooleanQuery.Builder();
    q.matches().forEach(m -> query.add(match(m), Occur.MUST));
    q.exclusions().forEach(m -> query.add(match(m), Occur.MUST_NOT));
    query.add(rooms(request.rooms()), Occur.FILTER);
    if (!q.senders().isEmpty()) {
      query.add(new TermInSetQuery(SearchFields.SENDER, q.senders().stream().map(BytesRef::new).toList()),
          Occur.FILTER);
    }
    if (q.sentFrom().isPresent() || q.sentBefore().isPresent()) {
      long from = q.sentFrom().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
      long before = q.sentBefore().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
      query.add(LongPoint.newRangeQuery(SearchFields.SENT_AT, from, before == Long.MIN_VALUE ? before : before - 1),
          Occur.FILTER);
    }
    if (q.hasFile()) {
      query.add(new TermQuery(new Term(SearchFields.HAS_FILE, "true")), Occur.FILTER);
    }
    if (q.hasLink()) {
      query.add(new TermQuery(new Term(SearchFields.HAS_LINK, "true")), Occur.FILTER);
    }
    if (q.mentionsMe()) {
      query.add(new TermQuery(new Term(SearchFields.MENTIONS, request.caller())), Occur.FILTER);
    }
    if (cursor instanceof SearchCursor.Newest after) {
      query.add(after(after), Occur.FILTER);
    }
    return query.build();
  }

  private static Query match(Match match) {
    if (match instanceof Word w) {
      return new TermQuery(new Term(SearchFields.TERMS, w.stem()));
    }
    if (match instanceof Prefix p) {
      return new PrefixQuery(new Term(SearchFields.TERMS, p.prefix()));
    }
    PhraseQuery.Builder phrase = new PhraseQuery.Builder();
    List<String> stems = ((Phrase) match).stems();
    for (int i = 0; i < stems.size(); i++) {
      phrase.add(new Term(SearchFields.TERMS, stems.get(i)), i);
    }
    return phrase.build();
  }

  /** The rooms to search: the whole of most, from a floor up in the rest. */
  private static Query rooms(Map<String, Long> rooms) {
    List<BytesRef> whole = new ArrayList<>();
    BooleanQuery.Builder any = new BooleanQuery.Builder().setMinimumNumberShouldMatch(1);
    rooms.forEach((room, floor) -> {
      if (floor <= 1) {
        whole.add(new BytesRef(room));
      } else {
        any.add(new BooleanQuery.Builder()
            .add(new TermQuery(new Term(SearchFields.ROOM, room)), Occur.FILTER)
            .add(LongPoint.newRangeQuery(SearchFields.SEQ, floor, Long.MAX_VALUE), Occur.FILTER)
            .build(), Occur.SHOULD);
      }
    });
    if (!whole.isEmpty()) {
      any.add(new TermInSetQuery(SearchFields.ROOM, whole), Occur.SHOULD);
    }
    return any.build();
  }

  /** Strictly after a hit, newest first: older, or as old in a later room, or in its room at a lower seq. */
  private static Query after(SearchCursor.Newest c) {
    Query sameTime = LongPoint.newExactQuery(SearchFields.SENT_AT, c.sentAtMs());
    Query older = LongPoint.newRangeQuery(SearchFields.SENT_AT, Long.MIN_VALUE, c.sentAtMs() - 1);
    Query laterRoom = TermRangeQuery.newStringRange(SearchFields.ROOM, c.room(), null, false, false);
    Query lowerSeq = new BooleanQuery.Builder()
        .add(new TermQuery(new Term(SearchFields.ROOM, c.room())), Occur.FILTER)
        .add(LongPoint.newRangeQuery(SearchFields.SEQ, Long.MIN_VALUE, c.seq() - 1), Occur.FILTER)
        .build();
    Query sameTimeAfter = new BooleanQuery.Builder()
        .add(sameTime, Occur.FILTER)
        .add(new BooleanQuery.Builder().add(laterRoom, Occur.SHOULD).add(lowerSeq, Occur.SHOULD)
            .setMinimumNumberShouldMatch(1).build(), Occur.FILTER)
        .build();
    return new BooleanQuery.Builder().add(older, Occur.SHOULD).add(sameTimeAfter, Occur.SHOULD)
        .setMinimumNumberShouldMatch(1).build();
  }

  private static SearchPage.Hit hit(Document d) {
    return new SearchPage.Hit(d.get(SearchFields.ROOM), d.getField(SearchFields.SEQ).numericValue().longValue(),
        d.get(SearchFields.SENDER), Instant.ofEpochMilli(d.getField(SearchFields.SENT_AT).numericValue().longValue()),
        d.get(SearchFields.TEXT), d.get(SearchFields.FILE_NAME));
  }
}
