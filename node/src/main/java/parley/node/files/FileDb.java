package parley.node.files;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import parley.node.H2WriteGate;
import parley.protocol.FileRef;

/**
 * The files' tables (migration V2) on the node's own database, H2 or PostgreSQL, through a small pool of its own.
 * Blocking JDBC: every call runs on the blocking dispatcher, never on an actor's thread.
 *
 * <p>Blobs are reference counted under row locks: a share adds one ({@code UPDATE ... refs = refs + 1}, or the row
 * when there is none), a release takes one off, and collection deletes a blob only {@code WHERE refs <= 0}, which
 * the database checks again against a share that locked the row first. So a blob is never deleted under a file that
 * uses it, and two uploads of the same bytes store them once.
 */
final class FileDb implements AutoCloseable {
  private static final String DB = "pekko-persistence-jdbc.shared-databases.slick.db.";
  private final HikariDataSource pool;

  /** A file row: what {@code GET /files/{id}} needs, its blob's place included. */
  record FileRow(FileRef ref, String roomId, String uploader, Long seq, String location, int chunkSize) {}

  /** What a release freed: blobs no file uses any more, to collect. */
  record Freed(List<String> sha256s) {}

  FileDb(Config config, int poolSize) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(config.getString(DB + "url"));
    // On H2, through the write gate: one writer at a time in the file (parley.node.H2WriteGate says why).
    hc.setDriverClassName(H2WriteGate.driverFor(config.getString(DB + "url")));
    if (H2WriteGate.class.getName().equals(hc.getDriverClassName())) {
      // Its reads too: a chunk read is a large value, which H2 copies into the file's temporary maps.
      hc.addDataSourceProperty(H2WriteGate.READS_TOO, "all");
    }
    hc.setUsername(config.getString(DB + "user"));
    hc.setPassword(config.getString(DB + "password"));
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(0);
    hc.setPoolName("parley-files");
    // Connections are held for one statement or transaction at a time, never across an upload's wait for bytes.
    hc.setConnectionTimeout(30_000);
    this.pool = new HikariDataSource(hc);
  }

  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  // ------------------------------------------------------------------------------------------------ uploads

  void beginUpload(String location, long now) throws SQLException {
    try (Connection c = connection();
        PreparedStatement s = c.prepareStatement("INSERT INTO parley_upload (location, started_at) VALUES (?, ?)")) {
      s.setString(1, location);
      s.setLong(2, now);
      s.executeUpdate();
    }
  }

  void endUpload(String location) throws SQLException {
    try (Connection c = connection();
        PreparedStatement s = c.prepareStatement("DELETE FROM parley_upload WHERE location = ?")) {
      s.setString(1, location);
      s.executeUpdate();
    }
  }

  /** Uploads started before {@code before} and never finished: their writer died with its node. */
  List<String> staleUploads(long before) throws SQLException {
    try (Connection c = connection();
        PreparedStatement s = c.prepareStatement("SELECT location FROM parley_upload WHERE started_at < ?")) {
      s.setLong(1, before);
      return strings(s);
    }
  }

  /** Bytes the user has shared (files stored or on their way): what the quota counts. */
  long usedBy(String username) throws SQLException {
    try (Connection c = connection();
        PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(size), 0) FROM parley_file WHERE uploader = ?")) {
      s.setString(1, username);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /**
   * Records an upload whose bytes are durable at {@code location}: its blob (or one more reference to the blob of the
   * same bytes, whose copy at {@code location} is then not needed: the result says so) and its file row, in one
   * transaction, and ends the upload. Refused (empty) if it would take the uploader past {@code quota}.
   */
  Optional<Boolean> record(FileRow file, String clientMsgId, int chunkSize, long quota, long now)
      throws SQLException {
    for (int attempt = 0; ; attempt++) {
      try (Connection c = connection()) {
        c.setAutoCommit(false);
        try {
          long used;
          try (PreparedStatement s = c.prepareStatement(
              "SELECT COALESCE(SUM(size), 0) FROM parley_file WHERE uploader = ?")) {
            s.setString(1, file.uploader());
            try (ResultSet r = s.executeQuery()) {
              r.next();
              used = r.getLong(1);
            }
          }
          if (used + file.ref().size() > quota) {
            c.rollback();
            return Optional.empty();
          }
          boolean known;
          try (PreparedStatement s = c.prepareStatement(
              "UPDATE parley_file_blob SET refs = refs + 1 WHERE sha256 = ?")) {
            s.setString(1, file.ref().sha256());
            known = s.executeUpdate() == 1;
          }
          if (!known) {
            try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO parley_file_blob (sha256, size, chunk_size, location, refs) VALUES (?, ?, ?, ?, 1)")) {
              s.setString(1, file.ref().sha256());
              s.setLong(2, file.ref().size());
              s.setInt(3, chunkSize);
              s.setString(4, file.location());
              s.executeUpdate();
            }
          }
          try (PreparedStatement s = c.prepareStatement("INSERT INTO parley_file (id, sha256, name, size, content_type, "
              + "uploader, room_id, client_msg_id, seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)")) {
            s.setString(1, file.ref().id());
            s.setString(2, file.ref().sha256());
            s.setString(3, file.ref().name());
            s.setLong(4, file.ref().size());
            s.setString(5, file.ref().contentType());
            s.setString(6, file.uploader());
            s.setString(7, file.roomId());
            s.setString(8, clientMsgId);
            s.setLong(9, now);
            s.executeUpdate();
          }
          // The upload is over. If the bytes were known, this copy is to be deleted: its mark stays, as if its writer
          // had died long ago, so that the sweep deletes it if the caller's deletion does not happen.
          try (PreparedStatement s = c.prepareStatement(known
              ? "UPDATE parley_upload SET started_at = 0 WHERE location = ?"
              : "DELETE FROM parley_upload WHERE location = ?")) {
            s.setString(1, file.location());
            s.executeUpdate();
          }
          c.commit();
          return Optional.of(known);
        } catch (SQLException e) {
          c.rollback();
          // Two uploads of new bytes raced to insert their blob: the loser adds a reference to the winner's.
          if (attempt == 0 && isUniqueViolation(e)) {
            continue;
          }
          throw e;
        }
      }
    }
  }

  private static boolean isUniqueViolation(SQLException e) {
    // PostgreSQL: 23505; H2: 23505 as well (its SQLState for a duplicate key).
    return "23505".equals(e.getSQLState());
  }

  /** The file's entry was stored at {@code seq}: it stays until that entry or its room goes. */
  void placed(String fileId, long seq) throws SQLException {
    try (Connection c = connection();
        PreparedStatement s = c.prepareStatement("UPDATE parley_file SET seq = ? WHERE id = ?")) {
      s.setLong(1, seq);
      s.setString(2, fileId);
      s.executeUpdate();
    }
  }

  Optional<FileRow> find(String fileId) throws SQLException {
    try (Connection c = connection();
        PreparedStatement s = c.prepareStatement("SELECT f.id, f.name, f.size, f.content_type, f.sha256, f.room_id, "
            + "f.uploader, f.seq, b.location, b.chunk_size FROM parley_file f JOIN parley_file_blob b "
            + "ON b.sha256 = f.sha256 WHERE f.id = ?")) {
      s.setString(1, fileId);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        long seq = r.getLong(8);
        return Optional.of(new FileRow(new FileRef(r.getString(1), r.getString(2), r.getLong(3), r.getString(4),
            r.getString(5)), r.getString(6), r.getString(7), r.wasNull() ? null : seq, r.getString(9), r.getInt(10)));
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ releases

  /** Releases one file (its row goes, its blob loses a reference). */
  Freed release(String fileId) throws SQLException {
    return releaseWhere("id = ?", s -> s.setString(1, fileId));
  }

  /** Releases the files of the entry at {@code seq} of the room (the entry was deleted). */
  Freed releaseEntry(String roomId, long seq) throws SQLException {
    return releaseWhere("room_id = ? AND seq = ?", s -> {
      s.setString(1, roomId);
      s.setLong(2, seq);
    });
  }

  /** Releases every file of the room (it was deleted). */
  Freed releaseRoom(String roomId) throws SQLException {
    return releaseWhere("room_id = ?", s -> s.setString(1, roomId));
  }

  /** Releases the files of the room's entries before {@code floor} (its retention removed them). */
  Freed releaseBelow(String roomId, long floor) throws SQLException {
    return releaseWhere("room_id = ? AND seq < ?", s -> {
      s.setString(1, roomId);
      s.setLong(2, floor);
    });
  }

  /** Files whose entry was never stored (the upload's answer or its post failed), older than {@code before}. */
  Freed releaseUnplaced(long before) throws SQLException {
    return releaseWhere("seq IS NULL AND created_at < ?", s -> s.setLong(1, before));
  }

  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  private Freed releaseWhere(String where, Binder binder) throws SQLException {
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      try {
        List<String[]> files = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, sha256 FROM parley_file WHERE " + where)) {
          binder.bind(s);
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
              files.add(new String[] {r.getString(1), r.getString(2)});
            }
          }
        }
        List<String> freed = new ArrayList<>();
        for (String[] f : files) {
          int gone;
          try (PreparedStatement s = c.prepareStatement("DELETE FROM parley_file WHERE id = ?")) {
            s.setString(1, f[0]);
            gone = s.executeUpdate();
          }
          if (gone == 1) {
            try (PreparedStatement s = c.prepareStatement(
                "UPDATE parley_file_blob SET refs = refs - 1 WHERE sha256 = ?")) {
              s.setString(1, f[1]);
              s.executeUpdate();
            }
            freed.add(f[1]);
          }
        }
        c.commit();
        return new Freed(freed);
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Blobs no file uses. */
  List<String> unreferenced() throws SQLException {
    try (Connection c = connection();
        PreparedStatement s = c.prepareStatement("SELECT sha256 FROM parley_file_blob WHERE refs <= 0")) {
      return strings(s);
    }
  }

  /**
   * Deletes the blob if no file uses it (checked again under the row's lock, against a share that got there first):
   * its location, whose bytes are then the caller's to delete (then {@link #endUpload}), or empty.
   */
  Optional<String> dropBlob(String sha256) throws SQLException {
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      try {
        String location = null;
        try (PreparedStatement s = c.prepareStatement(
            "SELECT location FROM parley_file_blob WHERE sha256 = ? AND refs <= 0 FOR UPDATE")) {
          s.setString(1, sha256);
          try (ResultSet r = s.executeQuery()) {
            if (r.next()) {
              location = r.getString(1);
            }
          }
        }
        int gone = 0;
        if (location != null) {
          try (PreparedStatement s = c.prepareStatement(
              "DELETE FROM parley_file_blob WHERE sha256 = ? AND refs <= 0")) {
            s.setString(1, sha256);
            gone = s.executeUpdate();
          }
        }
        if (gone == 1) {
          // Its bytes are to be deleted: marked like an upload that died (started at 0), so that if deleting them
          // fails, the sweep deletes them later.
          try (PreparedStatement s = c.prepareStatement(
              "INSERT INTO parley_upload (location, started_at) VALUES (?, 0)")) {
            s.setString(1, location);
            s.executeUpdate();
          }
        }
        c.commit();
        return gone == 1 ? Optional.of(location) : Optional.empty();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ tickets

  void addTicket(String hash, String fileId, String username, String tokenHash, long expiresAt) throws SQLException {
    try (Connection c = connection();
        PreparedStatement s = c.prepareStatement(
            "INSERT INTO parley_file_ticket (hash, file_id, username, token_hash, expires_at) VALUES (?, ?, ?, ?, ?)")) {
      s.setString(1, hash);
      s.setString(2, fileId);
      s.setString(3, username);
      s.setString(4, tokenHash);
      s.setLong(5, expiresAt);
      s.executeUpdate();
    }
  }

  /** Who a live ticket for this file was given to: the user, and the hash of the token they asked with. */
  Optional<FileStore.TicketHolder> ticketHolder(String hash, String fileId, long now) throws SQLException {
    try (Connection c = connection();
        PreparedStatement s = c.prepareStatement("SELECT username, token_hash FROM parley_file_ticket "
            + "WHERE hash = ? AND file_id = ? AND expires_at > ? AND token_hash IS NOT NULL")) {
      s.setString(1, hash);
      s.setString(2, fileId);
      s.setLong(3, now);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new FileStore.TicketHolder(r.getString(1), r.getString(2))) : Optional.empty();
      }
    }
  }

  int dropExpiredTickets(long now) throws SQLException {
    try (Connection c = connection();
        PreparedStatement s = c.prepareStatement("DELETE FROM parley_file_ticket WHERE expires_at <= ?")) {
      s.setLong(1, now);
      return s.executeUpdate();
    }
  }

  private static List<String> strings(PreparedStatement s) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  @Override
  public void close() {
    pool.close();
  }
}
