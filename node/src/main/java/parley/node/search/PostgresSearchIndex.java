package parley.node.search;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The index on PostgreSQL, shared by every node of a cluster: {@code search_entries} (one row per document, the
 * columns of {@link SearchFields}, {@code terms} a {@code tsvector} under a GIN index), {@code search_rooms} (each
 * room's indexed-through seq) and {@code search_offsets} (the feed's offset, row {@code room}), written in one
 * transaction per batch.
 *
 * <p>{@code terms} holds Parley's own analysed tokens with their positions ({@link SearchAnalysis#tsvector}), written
 * as a {@code tsvector} literal, not passed through PostgreSQL's parser: {@code to_tsvector} would split some tokens
 * again and shift the positions phrases rely on. The query side builds its {@code tsquery} from the same analysis
 * ({@link PostgresSearch}), so both databases find the same hits.
 */
public final class PostgresSearchIndex implements SearchIndex {
  private static final String UPSERT = "INSERT INTO search_entries (room, seq, sender, sent_at, text, file_name, "
      + "has_file, has_link, mentions, terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::tsvector) "
      + "ON CONFLICT (room, seq) DO UPDATE SET sender = EXCLUDED.sender, sent_at = EXCLUDED.sent_at, "
      + "text = EXCLUDED.text, file_name = EXCLUDED.file_name, has_file = EXCLUDED.has_file, "
      + "has_link = EXCLUDED.has_link, mentions = EXCLUDED.mentions, terms = EXCLUDED.terms";

  private final DataSource db;
  /** The row of {@code search_offsets} this index's feed keeps its offset in. */
  private final String feed;

  public PostgresSearchIndex(DataSource db) {
    this(db, "room");
  }

  /** With the offset kept under {@code feed}: a test's feed of its own beside the nodes'. */
  PostgresSearchIndex(DataSource db, String feed) {
    this.db = db;
    this.feed = feed;
  }

  /** What the query side searches with. */
  public DataSource dataSource() {
    return db;
  }

  @Override
  public SearchPage search(SearchRequest request) throws IOException {
    try {
      return PostgresSearch.search(db, request);
    } catch (SQLException e) {
      throw new IOException("searching search_entries", e);
    }
  }

  @Override
  public void apply(List<SearchChange> changes, long after, IndexPosition position) throws IOException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        // The offset's row first, locked to the commit: a second feed waits here, then finds it moved.
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO search_offsets (name, ordering) VALUES (?, 0) ON CONFLICT (name) DO NOTHING")) {
          s.setString(1, feed);
          s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
            "SELECT ordering FROM search_offsets WHERE name = ? FOR UPDATE")) {
          s.setString(1, feed);
          try (ResultSet r = s.executeQuery()) {
            long stored = r.next() ? r.getLong(1) : 0;
            if (stored != after) {
              c.rollback();
              throw new StaleOffset(after, stored);
            }
          }
        }
        write(c, changes);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO search_rooms (room, indexed_through) VALUES (?, ?) "
            + "ON CONFLICT (room) DO UPDATE SET indexed_through = "
            + "GREATEST(search_rooms.indexed_through, EXCLUDED.indexed_through)")) {
          for (Map.Entry<String, Long> room : position.indexedThrough().entrySet()) {
            s.setString(1, room.getKey());
            s.setLong(2, room.getValue());
            s.addBatch();
          }
          s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE search_offsets SET ordering = ? WHERE name = ?")) {
          s.setLong(1, position.offset());
          s.setString(2, feed);
          s.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IOException("the search index's batch was not stored", e);
    }
  }

  @Override
  public SearchDocument document(String room, long seq) throws IOException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT sender, sent_at, text, file_name, mentions FROM search_entries WHERE room = ? AND seq = ?")) {
      s.setString(1, room);
      s.setLong(2, seq);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        return new SearchDocument(room, seq, r.getString(1), r.getObject(2, OffsetDateTime.class).toInstant(),
            r.getString(3), r.getString(4), List.of((String[]) r.getArray(5).getArray()));
      }
    } catch (SQLException e) {
      throw new IOException("a search document could not be read", e);
    }
  }

  /**
   * In order; a run of puts goes as one JDBC batch, each document once (its last put): the driver sends the batch as
   * one multi-row insert, and PostgreSQL refuses to upsert one row twice in a statement (an edit in the same batch
   * as its message).
   */
  private void write(Connection c, List<SearchChange> changes) throws SQLException {
    try (PreparedStatement put = c.prepareStatement(UPSERT)) {
      Map<String, SearchDocument> run = new LinkedHashMap<>();
      for (SearchChange change : changes) {
        if (change instanceof SearchChange.Put p) {
          run.put(p.document().id(), p.document());
          continue;
        }
        flush(c, put, run);
        if (change instanceof SearchChange.Remove r) {
          update(c, "DELETE FROM search_entries WHERE room = ? AND seq = ?", r.room(), r.seq());
        } else if (change instanceof SearchChange.RemoveRoom r) {
          update(c, "DELETE FROM search_entries WHERE room = ?", r.room(), null);
        } else if (change instanceof SearchChange.RemoveBelow r) {
          update(c, "DELETE FROM search_entries WHERE room = ? AND seq < ?", r.room(), r.floorSeq());
        } else if (change instanceof SearchChange.RemoveSender r) {
          update(c, "DELETE FROM search_entries WHERE sender = ?", r.sender(), null);
        } else if (change instanceof SearchChange.Skipped skipped) {
          try (PreparedStatement s = c.prepareStatement("INSERT INTO search_skipped (room, seq, reason) "
              + "VALUES (?, ?, ?) ON CONFLICT (room, seq) DO UPDATE SET reason = EXCLUDED.reason")) {
            s.setString(1, skipped.room());
            s.setLong(2, skipped.seq());
            // What the index said may quote what it could not take: kept storable whatever it holds.
            s.setString(3, skipped.reason().replace('\0', '?'));
            s.executeUpdate();
          }
        }
      }
      flush(c, put, run);
    }
  }

  private void flush(Connection c, PreparedStatement put, Map<String, SearchDocument> run) throws SQLException {
    if (run.isEmpty()) {
      return;
    }
    for (SearchDocument doc : run.values()) {
      bind(c, put, doc);
      put.addBatch();
    }
    put.executeBatch();
    run.clear();
  }

  private void bind(Connection c, PreparedStatement s, SearchDocument doc) throws SQLException {
    s.setString(1, doc.room());
    s.setLong(2, doc.seq());
    s.setString(3, doc.sender());
    s.setObject(4, doc.sentAt().atOffset(ZoneOffset.UTC));
    s.setString(5, doc.text());
    s.setString(6, doc.fileName());
    s.setBoolean(7, doc.hasFile());
    s.setBoolean(8, doc.hasLink());
    s.setArray(9, c.createArrayOf("text", doc.mentions().toArray()));
    s.setString(10, SearchAnalysis.tsvector(doc.text(), doc.fileName()));
  }

  private static void update(Connection c, String sql, String room, Long seq) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, room);
      if (seq != null) {
        s.setLong(2, seq);
      }
      s.executeUpdate();
    }
  }

  @Override
  public long offset() throws IOException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT ordering FROM search_offsets WHERE name = ?")) {
      s.setString(1, feed);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new IOException("the search index's offset could not be read", e);
    }
  }

  @Override
  public Map<String, Long> indexedThrough(Collection<String> rooms) throws IOException {
    Map<String, Long> through = new HashMap<>();
    if (rooms.isEmpty()) {
      return through;
    }
    try (Connection c = db.getConnection(); PreparedStatement s =
        c.prepareStatement("SELECT room, indexed_through FROM search_rooms WHERE room = ANY (?)")) {
      s.setArray(1, c.createArrayOf("varchar", rooms.toArray()));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          through.put(r.getString(1), r.getLong(2));
        }
      }
      return through;
    } catch (SQLException e) {
      throw new IOException("the rooms' indexed seqs could not be read", e);
    }
  }

  @Override
  public List<SearchChange.Skipped> skipped(int limit) throws IOException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT room, seq, reason FROM search_skipped ORDER BY skipped_at, room, seq LIMIT ?")) {
      s.setInt(1, limit);
      List<SearchChange.Skipped> skipped = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          skipped.add(new SearchChange.Skipped(r.getString(1), r.getLong(2), r.getString(3)));
        }
      }
      return skipped;
    } catch (SQLException e) {
      throw new IOException("the skipped events could not be read", e);
    }
  }

  @Override
  public void clear() throws IOException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("TRUNCATE search_entries, search_rooms, search_skipped");
        s.execute("UPDATE search_offsets SET ordering = 0");
      }
      c.commit();
    } catch (SQLException e) {
      throw new IOException("the search index could not be cleared", e);
    }
  }

  @Override
  public void close() {
    if (db instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // the pool's own connections: nothing left to keep
      }
    }
  }
}
