package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import parley.node.testkit.TestDatabase;

/**
 * What each database does with the characters the text rule refuses (docs/protocol.md, Text), so that the rule is
 * one for both: PostgreSQL refuses NUL in {@code text}, in a {@code jsonb} escape and in a {@code tsvector}, refuses
 * a lone surrogate's escape in {@code jsonb}, and turns a lone surrogate into '?' on its way in (the driver's UTF-8),
 * so the text would not come back as sent; H2 keeps both as sent. Text that differs by database, or that stops a
 * writer on one, is refused at the edge on both.
 */
class DatabaseTextTest {
  private static final String NUL = "a\u0000b";
  private static final String LONE = "a\ud800b";

  private static Connection connect() throws SQLException {
    String db = "pekko-persistence-jdbc.shared-databases.slick.db.";
    Config config = TestDatabase.config(TestDatabase.url());
    return DriverManager.getConnection(config.getString(db + "url"), config.getString(db + "user"),
        config.getString(db + "password"));
  }

  private static String roundTrip(Connection c, String sql, String value) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, value);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getString(1);
      }
    }
  }

  @Test
  void nulAndLoneSurrogatesAreRefusedOrChangedByPostgresqlAndKeptByH2() throws SQLException {
    try (Connection c = connect()) {
      if (TestDatabase.postgres()) {
        assertThrows(SQLException.class, () -> roundTrip(c, "SELECT CAST(? AS text)", NUL), "text");
        assertThrows(SQLException.class, () -> roundTrip(c, "SELECT CAST(? AS jsonb)::text", "{\"t\":\"a\\u0000b\"}"),
            "jsonb");
        assertThrows(SQLException.class, () -> roundTrip(c, "SELECT CAST(? AS tsvector)::text", "'" + NUL + "'"),
            "tsvector");
        assertNotEquals(LONE, roundTrip(c, "SELECT CAST(? AS text)", LONE), "a lone surrogate is not kept as sent");
        assertThrows(SQLException.class, () -> roundTrip(c, "SELECT CAST(? AS jsonb)::text", "{\"t\":\"a\\ud800b\"}"),
            "jsonb refuses the escape of a lone surrogate");
      } else {
        assertEquals(NUL, roundTrip(c, "SELECT CAST(? AS VARCHAR)", NUL));
        assertEquals(LONE, roundTrip(c, "SELECT CAST(? AS VARCHAR)", LONE));
      }
    }
  }
}
