package parley.node;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A small pool of its own on the node's database (H2 or PostgreSQL), for a part that keeps a table of its own beside
 * the journal (invite links, reports): on H2 through the write gate ({@link H2WriteGate} says why), no connection
 * kept while idle, each held for one statement or transaction.
 */
public final class TablePool {
  private static final String DB = "pekko-persistence-jdbc.shared-databases.slick.db.";

  private TablePool() {}

  public static HikariDataSource open(Config config, String name, int size) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(config.getString(DB + "url"));
    hc.setDriverClassName(H2WriteGate.driverFor(config.getString(DB + "url")));
    hc.setUsername(config.getString(DB + "user"));
    hc.setPassword(config.getString(DB + "password"));
    hc.setMaximumPoolSize(size);
    hc.setMinimumIdle(0);
    hc.setPoolName(name);
    hc.setConnectionTimeout(30_000);
    return new HikariDataSource(hc);
  }
}
