package parley.node.room;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import parley.node.H2WriteGate;

/**
 * Erases a deleted room's history: every journal row (but its tombstone) and snapshot of its persistence id, in one
 * transaction, on the node's database (H2 or PostgreSQL, the journal's own tables, quoted as both spell them).
 * Blocking JDBC: run it on the blocking dispatcher. Idempotent: a room that recovers as deleted (the node stopped between the
 * tombstone's write and this) erases again.
 */
final class JournalEraser {
  private static final String DB = "pekko-persistence-jdbc.shared-databases.slick.db.";
  private final String url;
  private final String user;
  private final String password;

  JournalEraser(Config config) {
    this.url = config.getString(DB + "url");
    this.user = config.getString(DB + "user");
    this.password = config.getString(DB + "password");
  }

  /**
   * The rows removed: journal rows, then snapshots. With {@code keepTombstone}, the room's last row (its
   * {@code room_deleted} tombstone, which holds no one's words: who deleted it, and when) stays: the search index
   * reads the journal after the room's writes, and the tombstone is what tells it to drop the room (a room's erasure
   * usually comes before the index has read its last rows). The room recovers from it as deleted.
   */
  long[] erase(String persistenceId, boolean keepTombstone) throws SQLException {
    try (Connection c = H2WriteGate.connect(url, user, password)) {
      c.setAutoCommit(false);
      long events;
      long snapshots;
      long below = Long.MAX_VALUE;
      if (keepTombstone) {
        try (PreparedStatement s = c.prepareStatement(
            "SELECT MAX(\"sequence_number\") FROM \"event_journal\" WHERE \"persistence_id\" = ?")) {
          s.setString(1, persistenceId);
          try (ResultSet r = s.executeQuery()) {
            if (r.next() && r.getObject(1) != null) {
              below = r.getLong(1);
            }
          }
        }
      }
      // event_tag rows go with their events (ON DELETE CASCADE).
      try (PreparedStatement s = c.prepareStatement(
          "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\" < ?")) {
        s.setString(1, persistenceId);
        s.setLong(2, below);
        events = s.executeUpdate();
      }
      try (PreparedStatement s = c.prepareStatement("DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ?")) {
        s.setString(1, persistenceId);
        snapshots = s.executeUpdate();
      }
      c.commit();
      return new long[] {events, snapshots};
    }
  }

  /**
   * Retention: deletes the journal rows before {@code floor} and every snapshot but the latest, but only once
   * the latest snapshot is at or past {@code floor - 1}, so the room recovers from it without the rows (the highest
   * row, at or past the floor, always stays: the journal's next seq follows it). Returns the rows removed: journal
   * rows, then snapshots.
   */
  long[] trim(String persistenceId, long floor) throws SQLException {
    try (Connection c = H2WriteGate.connect(url, user, password)) {
      c.setAutoCommit(false);
      long latest;
      try (PreparedStatement s = c.prepareStatement(
          "SELECT MAX(\"sequence_number\") FROM \"snapshot\" WHERE \"persistence_id\" = ?")) {
        s.setString(1, persistenceId);
        try (ResultSet r = s.executeQuery()) {
          latest = r.next() ? r.getLong(1) : 0;
        }
      }
      if (latest < floor - 1) {
        c.rollback();
        return new long[] {0, 0};
      }
      long events;
      long snapshots;
      try (PreparedStatement s = c.prepareStatement(
          "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\" < ?")) {
        s.setString(1, persistenceId);
        s.setLong(2, floor);
        events = s.executeUpdate();
      }
      try (PreparedStatement s = c.prepareStatement(
          "DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ? AND \"sequence_number\" < ?")) {
        s.setString(1, persistenceId);
        s.setLong(2, latest);
        snapshots = s.executeUpdate();
      }
      c.commit();
      return new long[] {events, snapshots};
    }
  }
}
