package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The schema comes from versioned migrations: on a new database, again on the same one, and on one made before. */
class MigrationsTest {

  private static Config h2File(Path dir) {
    return DatabaseSettings.fromValues("jdbc:h2:file:" + dir.resolve("parley") + ";WRITE_DELAY=0", "sa", "")
        .withFallback(ConfigFactory.load());
  }

  @Test
  void aNewDatabaseGetsEveryVersionAndASecondStartChangesNothing() throws Exception {
    Config config = h2File(Files.createTempDirectory("parley-migrate"));
    assertEquals(new Migrations.Outcome("11", 11), Migrations.run(config));
    assertEquals(new Migrations.Outcome("11", 0), Migrations.run(config));
    assertTrue(tables(config).contains("event_journal"));
    assertTrue(tables(config).contains("PARLEY_FILE"), "version 2: the files' tables " + tables(config));
  }

  @Test
  void aDatabaseMadeBeforeMigrationsKeepsItsRowsAndIsBroughtUnderThem() throws Exception {
    Config config = h2File(Files.createTempDirectory("parley-migrate-old"));
    String url = config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url");
    // What nodes made at every start before migrations: the plugin's schema, and here one event in it.
    String schema = new String(
        MigrationsTest.class.getResourceAsStream("/db/migration/h2/V1__journal.sql").readAllBytes());
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      for (String statement : schema.replaceAll("(?m)^--.*$", "").split(";")) {
        if (!statement.isBlank()) {
          s.execute(statement);
        }
      }
      s.execute("INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", \"writer\", \"write_timestamp\", "
          + "\"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") "
          + "VALUES ('Room|old', 1, 'w', 1, '', X'00', 1, 'm')");
    }
    Migrations.Outcome outcome = Migrations.run(config);
    assertEquals("11", outcome.version());
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "the existing event is still there");
    }
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"event_tag\" WHERE \"tag\" = 'room'")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "version 4 tagged the room's existing event, for the search index to read");
    }
    assertEquals(new Migrations.Outcome("11", 0), Migrations.run(config));
  }

  @Test
  void aJournalWhoseOrderingCounterCameBackBehindItsRowsTakesNewEventsAfterAStart() throws Exception {
    Config config = h2File(Files.createTempDirectory("parley-migrate-ordering"));
    String url = config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url");
    Migrations.run(config);
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      for (int seq = 1; seq <= 3; seq++) {
        insertEvent(s, seq);
      }
      // What H2 can come back with after a kill -9: the identity's counter lower than rows it numbered.
      s.execute("ALTER TABLE \"event_journal\" ALTER COLUMN \"ordering\" RESTART WITH 2");
    }
    Migrations.run(config);
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      insertEvent(s, 4);
      try (ResultSet rs = s.executeQuery("SELECT MAX(\"ordering\"), COUNT(*) FROM \"event_journal\"")) {
        rs.next();
        assertEquals(4, rs.getLong(1), "the new event is numbered after every stored one");
        assertEquals(4, rs.getInt(2));
      }
    }
  }

  private static void insertEvent(Statement s, int seq) throws Exception {
    s.execute("INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", \"writer\", "
        + "\"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") "
        + "VALUES ('Room|r', " + seq + ", 'w', 1, '', X'00', 1, 'm')");
  }

  private static Set<String> tables(Config config) throws Exception {
    String url = config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url");
    Set<String> names = new HashSet<>();
    try (Connection c = DriverManager.getConnection(url, "sa", "");
         ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", null, new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
    }
    return names;
  }
}
