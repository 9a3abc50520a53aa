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
      // Every search planned for its own words and rooms: a server-side prepared statement would soon get one generic
      // plan for all, and the plan that suits a word in every second message (reading the newest rows until a page
      // is full) reads thousands of rows for a rarer word (105 ms against 8 ms at 200,000 messages).
      hc.addDataSourceProperty("prepareThreshold", "0");
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
