package parley.node.reports;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import parley.node.TablePool;

/** The reports' table on the node's own database, through a small pool of its own. */
final class ReportDb implements AutoCloseable {
  private static final String COLUMNS =
      "id, room_id, seq, sender, reporter, reason, created_at, resolved_at, resolved_by, outcome";
  private final HikariDataSource pool;

  ReportDb(Config config, int poolSize) {
    this.pool = TablePool.open(config, "parley-reports", poolSize);
  }

  Optional<Report> find(String roomId, long seq, String reporter) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM parley_report "
            + "WHERE room_id = ? AND seq = ? AND reporter = ?")) {
      s.setString(1, roomId);
      s.setLong(2, seq);
      s.setString(3, reporter);
      return one(s);
    }
  }

  Optional<Report> byId(String roomId, String id) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM parley_report WHERE id = ? AND room_id = ?")) {
      s.setString(1, id);
      s.setString(2, roomId);
      return one(s);
    }
  }

  int openCount(String roomId) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT COUNT(*) FROM parley_report WHERE room_id = ? AND resolved_at IS NULL")) {
      s.setString(1, roomId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  /** Adds the report; false if the reporter reported this message already (the unique index says so). */
  boolean insert(Report r) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO parley_report (id, room_id, seq, sender, reporter, reason, "
            + "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, r.id());
      s.setString(2, r.roomId());
      s.setLong(3, r.seq());
      s.setString(4, r.sender());
      s.setString(5, r.reporter());
      s.setString(6, r.reason());
      s.setLong(7, r.createdAt().toEpochMilli());
      s.executeUpdate();
      return true;
    } catch (SQLException e) {
      // 23505 on both databases: the same reporter and message again, which a concurrent report made first.
      if ("23505".equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  /** The room's open reports, oldest first, from {@code after} (a report's id, exclusive) on. */
  List<Report> open(String roomId, int limit) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM parley_report "
            + "WHERE room_id = ? AND resolved_at IS NULL ORDER BY created_at, id")) {
      s.setString(1, roomId);
      s.setMaxRows(limit);
      List<Report> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(report(r));
        }
      }
      return out;
    }
  }

  /** Resolves every open report of the message; how many there were. */
  int resolve(String roomId, long seq, String by, String outcome, long now) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE parley_report SET resolved_at = ?, resolved_by = ?, outcome = ? "
            + "WHERE room_id = ? AND seq = ? AND resolved_at IS NULL")) {
      s.setLong(1, now);
      s.setString(2, by);
      s.setString(3, outcome);
      s.setString(4, roomId);
      s.setLong(5, seq);
      return s.executeUpdate();
    }
  }

  private static Optional<Report> one(PreparedStatement s) throws SQLException {
    try (ResultSet r = s.executeQuery()) {
      return r.next() ? Optional.of(report(r)) : Optional.empty();
    }
  }

  private static Report report(ResultSet r) throws SQLException {
    long resolved = r.getLong(8);
    Instant resolvedAt = r.wasNull() ? null : Instant.ofEpochMilli(resolved);
    return new Report(r.getString(1), r.getString(2), r.getLong(3), r.getString(4), r.getString(5), r.getString(6),
        Instant.ofEpochMilli(r.getLong(7)), resolvedAt, r.getString(9), r.getString(10));
  }

  @Override
  public void close() {
    pool.close();
  }
}
