package parley.node;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The database schema, as versioned migrations (Flyway) under {@code db/migration/<h2|postgresql>}, applied at start
 * on the node's own database before any entity runs. Version 1 is the journal plugin's schema. Several nodes
 * starting at once on one PostgreSQL database are serialized by Flyway's lock; a node meeting a database made before
 * migrations existed (tables but no history) baselines it at version 0 and runs version 1, which finds every table
 * there and changes nothing.
 *
 * <p>On H2 a start also moves the journal's {@code ordering} counter past the highest ordering stored. H2 keeps an
 * identity's counter apart from the rows it numbered, and after a kill -9 it can come back lower than rows that
 * were committed: the next write then collides with one of them, fails, and stops its room. PostgreSQL's sequences
 * are written ahead of what they hand out, so they need nothing.
 */
public final class Migrations {
  private static final String DB = "pekko-persistence-jdbc.shared-databases.slick.db.";

  /** What a start did to the schema. */
  public record Outcome(String version, int applied) {}

  private Migrations() {}

  /** Blocks on JDBC: call it off the actors' threads. */
  public static Outcome run(Config config) {
    String url = config.getString(DB + "url");
    String vendor = url.startsWith("jdbc:postgresql:") ? "postgresql" : "h2";
    MigrateResult result = Flyway.configure()
        .dataSource(url, config.getString(DB + "user"), config.getString(DB + "password"))
        .locations("classpath:db/migration/" + vendor)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
    if (vendor.equals("h2")) {
      orderingPastTheRows(url, config.getString(DB + "user"), config.getString(DB + "password"));
    }
    return new Outcome(result.targetSchemaVersion != null ? result.targetSchemaVersion : currentVersion(result),
        result.migrationsExecuted);
  }

  /** The journal's next ordering after every stored one (before any entity writes, so nothing races it). */
  static void orderingPastTheRows(String url, String user, String password) {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      long next;
      try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(\"ordering\"), 0) + 1 FROM \"event_journal\"")) {
        rs.next();
        next = rs.getLong(1);
      }
      s.execute("ALTER TABLE \"event_journal\" ALTER COLUMN \"ordering\" RESTART WITH " + next);
    } catch (SQLException e) {
      throw new IllegalStateException("could not set the journal's ordering counter past its rows", e);
    }
  }

  private static String currentVersion(MigrateResult result) {
    return result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion;
  }
}
