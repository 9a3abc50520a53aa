package parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** The search run's summary in Markdown, the figures docs/benchmarks.md quotes. */
final class SearchReport {
  private SearchReport() {}

  static String markdown(ObjectNode result) {
    StringBuilder md = new StringBuilder();
    md.append("### search — ").append(result.path("startedAt").asText()).append("\n");
    md.append("`").append(result.path("command").asText()).append("` on ")
        .append(result.path("machine").path("cores").asInt()).append(" cores (")
        .append(result.path("machine").path("cpu").asText()).append("), ")
        .append(result.path("machine").path("java").asText()).append(". Code: ")
        .append(result.path("source").path("commit").asText()).append(". ")
        .append(result.path("describe").asText()).append(", ").append(result.path("db").asText()).append(".\n\n");
    md.append(String.format(Locale.ROOT, "%,d messages of 12 words (Zipf over 5,000) in %,d rooms; %,d users, each"
            + " in %,d rooms.%n%n", result.path("messages").asLong(), result.path("rooms").asLong(),
        result.path("users").asLong(), result.path("roomsPerUser").asLong()));
    if (result.has("error")) {
      md.append("FAILED: ").append(result.get("error").asText()).append("\n\n");
    }
    JsonNode ingest = result.path("ingest");
    if (ingest.has("withIndexerAckedPerSec")) {
      md.append(String.format(Locale.ROOT, "**Ingest** (posted over REST, 64 at a time): %,d acknowledged/s with"
              + " the indexer, against %,d/s without (the mean of %,d/s in the third before and %,d/s in the third"
              + " after): **%.0f%%**. The indexer caught up with the first third (%,d messages, written while it was"
              + " off) in %.1f s, %,d messages/s.%n%n",
          ingest.path("withIndexerAckedPerSec").asLong(), ingest.path("withoutIndexerAckedPerSec").asLong(),
          ingest.path("withoutIndexerBeforeAckedPerSec").asLong(),
          ingest.path("withoutIndexerAfterAckedPerSec").asLong(), 100 * ingest.path("ratio").asDouble(),
          ingest.path("catchUpMessages").asLong(), ingest.path("catchUpSeconds").asDouble(),
          ingest.path("catchUpIndexedPerSec").asLong()));
    }
    JsonNode lag = result.path("lag");
    if (lag.has("count")) {
      md.append(String.format(Locale.ROOT, "**Index lag**, acknowledged to found, while the middle third was posted:"
              + " p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d probes; never found: %d.%n%n",
          lag.path("p50Ms").asDouble(), lag.path("p99Ms").asDouble(), lag.path("maxMs").asDouble(),
          lag.path("count").asLong(), lag.path("missed").asLong()));
    }
    JsonNode queries = result.path("queries");
    if (queries.size() > 0) {
      md.append("| query, newest 20 over the caller's rooms | Parley p50 ms | p99 ms | max ms | mean hits |"
          + " PostgreSQL's own execution p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|---:|\n");
      queries.fields().forEachRemaining(e -> {
        JsonNode p = e.getValue().path("parley");
        JsonNode pg = e.getValue().path("postgres");
        md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %s | %s |%n", e.getKey(),
            p.path("p50Ms").asDouble(), p.path("p99Ms").asDouble(), p.path("maxMs").asDouble(),
            e.getValue().path("meanHits").asDouble(),
            pg.has("p50Ms") ? String.format(Locale.ROOT, "%.1f", pg.path("p50Ms").asDouble()) : "-",
            pg.has("p99Ms") ? String.format(Locale.ROOT, "%.1f", pg.path("p99Ms").asDouble()) : "-"));
      });
      md.append("\nParley's times are the whole HTTP request at the client (authentication, the caller's rooms,"
          + " the query, highlights, JSON); PostgreSQL's are EXPLAIN ANALYZE's execution time of the query's SQL alone.");
      if (result.has("quietAfterSeconds")) {
        md.append(String.format(Locale.ROOT, " Timed once the machine was at rest (under a fifth of a core busy for a second),"
            + " %.1f s after the index had caught up.", result.path("quietAfterSeconds").asDouble()));
      }
      md.append("\n\n");
    }
    JsonNode reindex = result.path("reindex");
    if (reindex.has("seconds")) {
      md.append(String.format(Locale.ROOT, "**Rebuild** (`%s`): %,d messages in %.1f s.%n",
          reindex.path("command").asText(), reindex.path("indexed").asLong(), reindex.path("seconds").asDouble()));
    }
    md.append("\nPassed: ").append(result.path("ok").asBoolean() ? "yes" : "NO").append("\n");
    return md.toString();
  }
}
