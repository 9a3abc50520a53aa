package parley.node.testkit;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import parley.node.DatabaseSettings;

/**
 * The database tests run on: an in-memory H2 database per node by default, or PostgreSQL when the build is run
 * with {@code -Dparley.test.db=postgres} and {@code PARLEY_TEST_DB_URL} (as .ci/run does).
 */
public final class TestDatabase {
  private TestDatabase() {}

  /**
   * Whether this JVM's tests run on PostgreSQL: {@code parley.test.db}, unless a Surefire execution names its own
   * ({@code parley.test.db.execution}; the route fuzz runs once on each database in one Maven run).
   */
  public static boolean postgres() {
    return "postgres".equals(System.getProperty("parley.test.db.execution", System.getProperty("parley.test.db", "h2")));
  }

  /**
   * A JDBC URL for a fresh node; on H2 a new in-memory database each call, on PostgreSQL the test JVM's one: the
   * database {@code PARLEY_TEST_DB_URL} names for the first JVM, that name with {@code _fN} for the N-th
   * ({@link TestFork}), created on first use. Two classes running at once keep to their own databases, as two
   * sequential ones always did: a node's search feed and sharding state are not shared with a stranger's cluster.
   */
  public static String url() {
    if (postgres()) {
      String url = System.getenv("PARLEY_TEST_DB_URL");
      if (url == null || url.isBlank()) {
        throw new IllegalStateException("parley.test.db=postgres needs PARLEY_TEST_DB_URL");
      }
      return forkDatabase(url);
    }
    return "jdbc:h2:mem:parley-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  }

  public static Config config(String url) {
    return DatabaseSettings.fromValues(url, System.getenv().getOrDefault("PARLEY_TEST_DB_USER", postgres() ? "postgres" : "sa"), System.getenv().getOrDefault("PARLEY_TEST_DB_PASSWORD", ""));
  }

  /**
   * The environment of a node process on the test's database: PostgreSQL as the run names it, else an H2 file under
   * {@code dir}. A mutable map, for the caller to add to.
   */
  public static Map<String, String> nodeEnv(Path dir) {
    Map<String, String> env = new HashMap<>();
    if (postgres()) {
      env.put("PARLEY_DB_URL", url());
      env.put("PARLEY_DB_USER", System.getenv().getOrDefault("PARLEY_TEST_DB_USER", "postgres"));
    } else {
      env.put("PARLEY_DATA_DIR", dir.resolve("data").toString());
    }
    return env;
  }

  private static String forkUrl;

  private static synchronized String forkDatabase(String url) {
    int fork = TestFork.number();
    if (fork == 1) {
      return url;
    }
    if (forkUrl == null) {
      Matcher m = Pattern.compile("^(jdbc:postgresql://[^/]*/)([A-Za-z0-9_]+)(.*)$").matcher(url);
      if (!m.matches()) {
        throw new IllegalStateException("PARLEY_TEST_DB_URL names no database a fork could add _" + fork + " to: " + url);
      }
      String name = m.group(2) + "_f" + fork;
      String user = System.getenv().getOrDefault("PARLEY_TEST_DB_USER", "postgres");
      String password = System.getenv().getOrDefault("PARLEY_TEST_DB_PASSWORD", "");
      try (Connection c = DriverManager.getConnection(url, user, password);
           PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, name);
        try (ResultSet r = exists.executeQuery()) {
          if (!r.next()) {
            try (Statement create = c.createStatement()) {
              create.execute("CREATE DATABASE " + name);
            }
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("could not create the test database " + name + " beside " + url, e);
      }
      forkUrl = m.group(1) + name + m.group(3);
    }
    return forkUrl;
  }
}
