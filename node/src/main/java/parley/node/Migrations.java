package parley.node;

import com.typesafe.config.Config;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The database schema, as versioned migrations (Flyway) under {@code db/migration/<h2|postgresql>}, applied at start
 * on the node's own database before any entity runs. Version 1 is the journal plugin's schema. Several nodes
 * starting at once on one PostgreSQL database are serialized by Flyway's lock; a node meeting a database made before
 * migrations existed (tables but no history) baselines it at version 0 and runs version 1, which finds every table
 * there and changes nothing.
 */
final class Migrations {
  private static final String DB = "pekko-persistence-jdbc.shared-databases.slick.db.";

  /** What a start did to the schema. */
  record Outcome(String version, int applied) {}

  private Migrations() {}

  /** Blocks on JDBC: call it off the actors' threads. */
  static Outcome run(Config config) {
    String url = config.getString(DB + "url");
    String vendor = url.startsWith("jdbc:postgresql:") ? "postgresql" : "h2";
    MigrateResult result = Flyway.configure()
        .dataSource(url, config.getString(DB + "user"), config.getString(DB + "password"))
        .locations("classpath:db/migration/" + vendor)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
    return new Outcome(result.targetSchemaVersion != null ? result.targetSchemaVersion : currentVersion(result),
        result.migrationsExecuted);
  }

  private static String currentVersion(MigrateResult result) {
    return result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion;
  }
}
