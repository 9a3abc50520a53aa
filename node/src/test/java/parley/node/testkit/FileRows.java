package parley.node.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * What a files test left in the database, and only that test: uploads in progress and chunks no blob or upload
 * claims. Their rows name no room or user, so a test scopes them by the locations present before it began; on the
 * PostgreSQL pass the database is shared with every class run before it, whose leftovers are not this test's.
 */
public final class FileRows {
  private FileRows() {}

  /** Every location an upload or a chunk names now: the ones a test that starts now does not own. */
  public static Set<String> locations(Connection c) throws SQLException {
    try {
      return strings(c, "SELECT location FROM parley_upload UNION SELECT location FROM parley_file_chunk");
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState()) || "42S02".equals(e.getSQLState()) || "42102".equals(e.getSQLState())) {
        return Set.of(); // no node has made the tables yet: nothing is there
      }
      throw e;
    }
  }

  /** Uploads in progress whose location is not among {@code before}. */
  public static long uploadsSince(Connection c, Set<String> before) throws SQLException {
    return strings(c, "SELECT location FROM parley_upload").stream().filter(l -> !before.contains(l)).count();
  }

  /** Locations, not among {@code before}, that have chunks but no blob; with {@code orInProgress}, no upload either. */
  public static long chunksWithoutBlobSince(Connection c, Set<String> before, boolean orInProgress)
      throws SQLException {
    return strings(c, "SELECT DISTINCT c.location FROM parley_file_chunk c WHERE NOT EXISTS (SELECT 1 FROM "
        + "parley_file_blob b WHERE b.location = c.location)" + (orInProgress
            ? " AND NOT EXISTS (SELECT 1 FROM parley_upload u WHERE u.location = c.location)" : ""))
        .stream().filter(l -> !before.contains(l)).count();
  }

  private static Set<String> strings(Connection c, String sql) throws SQLException {
    Set<String> out = new HashSet<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }
}
