package parley.node.search;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.lucene.analysis.Analyzer;

/** The node's index on the database it runs on: PostgreSQL's tables, or Lucene beside the embedded H2 database. */
public final class SearchIndexes {
  private static final String DB = "pekko-persistence-jdbc.shared-databases.slick.db.";

  private SearchIndexes() {}

  /** The node's index, with the analysis every index and query of search shares. */
  public static SearchIndex open(Config config) throws IOException {
    return open(config, analyzer());
  }

  static Analyzer analyzer() {
    return SearchAnalysis.analyzer();
  }

  /** Blocking I/O: call it off the actors' threads. */
  public static SearchIndex open(Config config, Analyzer analyzer) throws IOException {
    String url = config.getString(DB + "url");
    if (url.startsWith("jdbc:postgresql:")) {
      HikariConfig hc = new HikariConfig();
      hc.setJdbcUrl(url);
      hc.setUsername(config.getString(DB + "user"));
      hc.setPassword(config.getString(DB + "password"));
      hc.setMaximumPoolSize(config.getInt("parley.search.pool-size"));
      hc.setMinimumIdle(0);
      hc.setPoolName("parley-search");
      hc.setConnectionTimeout(config.getDuration(DB + "connectionTimeout").toMillis());
      return new PostgresSearchIndex(new HikariDataSource(hc));
    }
    if (url.startsWith("jdbc:h2:mem:")) {
      return LuceneSearchIndex.inMemory(url, analyzer);
    }
    Path dir = Path.of(config.getString("parley.search.dir"));
    Files.createDirectories(dir);
    return LuceneSearchIndex.open(dir, analyzer);
  }
}
