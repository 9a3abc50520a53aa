package parley.node.testkit;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import parley.node.DatabaseSettings;

/**
 * The database tests run on: an in-memory H2 database per node by default, or PostgreSQL when the build is run
 * with {@code -Dparley.test.db=postgres} and {@code PARLEY_TEST_DB_URL} (as .ci/run does).
 */
public final class TestDatabase {
  private TestDatabase() {}

  public static boolean postgres() {
    return "postgres".equals(System.getProperty("parley.test.db", "h2"));
  }

  /** A JDBC URL for a fresh node; on H2 a new in-memory database each call, on PostgreSQL the shared test one. */
  public static String url() {
    if (postgres()) {
      String url = System.getenv("PARLEY_TEST_DB_URL");
      if (url == null || url.isBlank()) {
        throw new IllegalStateException("parley.test.db=postgres needs PARLEY_TEST_DB_URL");
      }
      return url;
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
}
