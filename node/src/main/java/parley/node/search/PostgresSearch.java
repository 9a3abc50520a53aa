package parley.node.search;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A search on PostgreSQL's {@code search_entries}: the query's text as a {@code tsquery} matched by the GIN index on
 * {@code terms}, the caller's rooms as {@code room = ANY(?)}, the filters as plain conditions, newest first, or the
 * newest {@link SearchCursor#RELEVANCE_MAX} matches ranked by {@code ts_rank}. The statement is put together from
 * this class's own fragments only; everything the user typed, and every room, name and date, is a bound parameter.
 *
 * <p>Rooms sort by their bytes ({@code COLLATE "C"}), as Lucene sorts them, so both databases page alike.
 */
final class PostgresSearch {
  /** How many of the newest messages a prefix is first matched among. */
  static final int PREFIX_WINDOW = 500;

  private PostgresSearch() {}

  /** A statement and its parameters, in order. */
  record Statement(String sql, List<Object> parameters) {}

  static SearchPage search(DataSource db, SearchRequest request) throws SQLException {
    SearchCursor cursor = request.cursor();
    if (request.rooms().isEmpty()) {
      return new SearchPage(List.of(), null);
    }
    int offset = cursor instanceof SearchCursor.Relevance r ? r.offset() : 0;
    try (Connection c = db.getConnection()) {
      List<SearchPage.Hit> rows = null;
      if (!request.relevance() && request.query().matches().stream().anyMatch(SearchQuery.Prefix.class::isInstance)) {
        // A prefix's share of messages is unknown to the planner: one that starts the commonest words (th*) would
        // sort most of the rooms' messages. Its newest messages are read first; a page found there is the page.
        rows = rows(c, statement(request, cursor, 0, PREFIX_WINDOW), request.limit());
      }
      if (rows == null || rows.size() <= request.limit()) {
        rows = rows(c, statement(request, cursor, offset, 0), request.limit());
      }
      boolean more = rows.size() > request.limit();
      List<SearchPage.Hit> hits = more ? rows.subList(0, request.limit()) : rows;
      return new SearchPage(hits, more ? request.next(offset, hits) : null);
    }
  }

  /** Up to {@code limit + 1} hits: one more than a page says whether another follows. */
  private static List<SearchPage.Hit> rows(Connection c, Statement statement, int limit) throws SQLException {
    List<SearchPage.Hit> hits = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(statement.sql())) {
      bind(c, s, statement.parameters());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next() && hits.size() <= limit) {
          hits.add(new SearchPage.Hit(rs.getString(1), rs.getLong(2), rs.getString(3),
              rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5), rs.getString(6)));
        }
      }
    }
    return hits;
  }

  /**
   * The statement of a page. With a {@code window}, the newest {@code window} messages the filters let through are
   * read first (by the order index) and the text is matched among them only: a page found there is exactly the page.
   */
  static Statement statement(SearchRequest request, SearchCursor cursor, int offset, int window) {
    SearchQuery q = request.query();
    Optional<String> text = TsQuery.of(q);
    boolean ranked = request.relevance() && text.isPresent();
    boolean outer = ranked || window > 0;
    StringBuilder sql = new StringBuilder(outer
        ? "SELECT c.room, c.seq, c.sender, c.sent_at, c.text, c.file_name FROM (SELECT e.room, e.seq, e.sender, "
            + "e.sent_at, e.text, e.file_name, e.terms"
        : "SELECT e.room, e.seq, e.sender, e.sent_at, e.text, e.file_name");
    sql.append(" FROM search_entries e WHERE e.room = ANY(?)");
    List<Object> p = new ArrayList<>();
    p.add(new TextArray(request.rooms().keySet().stream().toList()));
    List<String> floored = new ArrayList<>();
    List<Long> floors = new ArrayList<>();
    request.rooms().forEach((room, floor) -> {
      if (floor > 1) {
        floored.add(room);
        floors.add(floor);
      }
    });
    if (!floored.isEmpty()) {
      sql.append(" AND NOT EXISTS (SELECT 1 FROM unnest(?::varchar[], ?::bigint[]) AS f(room, floor)"
          + " WHERE f.room = e.room AND e.seq < f.floor)");
      p.add(new TextArray(floored));
      p.add(new LongArray(floors));
    }
    if (text.isPresent() && window == 0) {
      sql.append(" AND e.terms @@ ?::tsquery");
      p.add(text.get());
    }
    if (!q.senders().isEmpty()) {
      sql.append(" AND e.sender = ANY(?)");
      p.add(new TextArray(List.copyOf(q.senders())));
    }
    q.sentFrom().ifPresent(from -> {
      sql.append(" AND e.sent_at >= ?");
      p.add(at(from));
    });
    q.sentBefore().ifPresent(before -> {
      sql.append(" AND e.sent_at < ?");
      p.add(at(before));
    });
    if (q.hasFile()) {
      sql.append(" AND e.has_file");
    }
    if (q.hasLink()) {
      sql.append(" AND e.has_link");
    }
    if (q.mentionsMe()) {
      sql.append(" AND e.mentions @> ARRAY[?]::text[]");
      p.add(request.caller());
    }
    if (cursor instanceof SearchCursor.Newest after) {
      OffsetDateTime t = at(Instant.ofEpochMilli(after.sentAtMs()));
      sql.append(" AND (e.sent_at < ? OR (e.sent_at = ? AND (e.room > ? COLLATE \"C\""
          + " OR (e.room = ? AND e.seq < ?))))");
      p.addAll(List.of(t, t, after.room(), after.room(), after.seq()));
    }
    sql.append(" ORDER BY e.sent_at DESC, e.room COLLATE \"C\", e.seq DESC LIMIT ?");
    if (window > 0) {
      p.add(window);
      sql.append(") c WHERE c.terms @@ ?::tsquery ORDER BY c.sent_at DESC, c.room COLLATE \"C\", c.seq DESC LIMIT ?");
      p.add(text.orElseThrow());
    } else if (ranked) {
      // The newest matches, then ranked: ts_rank reads each row's terms, so it runs on these, never on every match.
      p.add(SearchCursor.RELEVANCE_MAX);
      sql.append(") c ORDER BY ts_rank(c.terms, ?::tsquery) DESC, c.sent_at DESC, c.room COLLATE \"C\", c.seq DESC"
          + " LIMIT ?");
      p.add(text.get());
    }
    p.add(request.limit() + 1);
    if (offset > 0) {
      sql.append(" OFFSET ?");
      p.add(offset);
    }
    return new Statement(sql.toString(), p);
  }

  private static OffsetDateTime at(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** A text[] parameter. */
  record TextArray(List<String> values) {}

  /** A bigint[] parameter. */
  record LongArray(List<Long> values) {}

  private static void bind(Connection c, PreparedStatement s, List<Object> parameters) throws SQLException {
    for (int i = 0; i < parameters.size(); i++) {
      Object value = parameters.get(i);
      if (value instanceof TextArray a) {
        Array array = c.createArrayOf("varchar", a.values().toArray());
        s.setArray(i + 1, array);
      } else if (value instanceof LongArray a) {
        s.setArray(i + 1, c.createArrayOf("bigint", a.values().toArray()));
      } else {
        s.setObject(i + 1, value);
      }
    }
  }
}
