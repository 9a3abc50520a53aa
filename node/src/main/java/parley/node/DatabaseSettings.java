package parley.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the journal lives. With no configuration, an embedded H2 file database under {@code PARLEY_DATA_DIR}
 * (persistence.conf); with {@code PARLEY_DB_URL} (+ {@code PARLEY_DB_USER}, {@code PARLEY_DB_PASSWORD}), PostgreSQL.
 */
public final class DatabaseSettings {
  private static final String SLICK = "pekko-persistence-jdbc.shared-databases.slick.";

  private DatabaseSettings() {}

  /** Overrides for the environment of this process; empty when it asks for the embedded database. */
  public static Config fromEnvironment() {
    return fromValues(System.getenv("PARLEY_DB_URL"), System.getenv("PARLEY_DB_USER"), System.getenv("PARLEY_DB_PASSWORD"));
  }

  /** Overrides for a JDBC URL: PostgreSQL when the URL says so, H2 otherwise; empty for a blank URL. */
  public static Config fromValues(String url, String user, String password) {
    if (url == null || url.isBlank()) {
      return ConfigFactory.empty();
    }
    Map<String, Object> values = new HashMap<>();
    boolean postgres = url.startsWith("jdbc:postgresql:");
    values.put(SLICK + "profile", postgres ? "slick.jdbc.PostgresProfile$" : "slick.jdbc.H2Profile$");
    values.put(SLICK + "db.driver", H2WriteGate.driverFor(url));
    values.put(SLICK + "db.url", postgres ? withBatchRewrite(url) : url);
    values.put(SLICK + "db.user", user == null ? "" : user);
    values.put(SLICK + "db.password", password == null ? "" : password);
    return ConfigFactory.parseMap(values, "PARLEY_DB_URL");
  }

  /** pgjdbc turns a batch of journal inserts into one multi-row insert with this flag. */
  private static String withBatchRewrite(String url) {
    if (url.contains("reWriteBatchedInserts")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
  }

  /** A short description for the start-up log line, without credentials: "H2 at ./data/parley.mv.db", "PostgreSQL at ...". */
  public static String describe(Config config) {
    String url = config.getString(SLICK + "db.url");
    int semicolon = url.indexOf(';');
    int query = url.indexOf('?');
    int cut = semicolon >= 0 ? semicolon : query >= 0 ? query : url.length();
    String base = url.substring(0, cut);
    if (base.startsWith("jdbc:h2:file:")) {
      return "H2 at " + base.substring("jdbc:h2:file:".length()) + ".mv.db";
    }
    if (base.startsWith("jdbc:postgresql://")) {
      return "PostgreSQL at " + base.substring("jdbc:postgresql://".length());
    }
    return base;
  }
}
