package parley.node.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import scala.Option;
import scala.Tuple2;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.ExecutionContextExecutor;
import scala.util.Success;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * The search feed's reads of the journal (its read journal's {@code dao}): pekko-persistence-jdbc's own, but for the
 * events of a tag, which it asks as a join of the journal in an ordering range, written as a derived table, to the
 * tag table. H2 plans that by scanning the whole tag table and running the derived table once for each row, so each
 * poll cost a read of every event ever tagged: the feed's polls took a third of the embedded node's CPU at 50,000
 * events and fell behind the sends (docs/benchmarks.md, "Search"). Here the same rows are asked as a plain join,
 * which both databases read as the ordering range and one key lookup per event. The rows, their order, the limit and
 * their deserialisation are the library's; only the SQL's shape differs. Table and column names are Parley's schema
 * (db/migration).
 */
public final class FeedReadDao extends DefaultReadJournalDao {
  static final String EVENTS_BY_TAG = "SELECT j.\"ordering\", j.\"deleted\", j.\"persistence_id\", "
      + "j.\"sequence_number\", j.\"writer\", j.\"write_timestamp\", j.\"adapter_manifest\", j.\"event_payload\", "
      + "j.\"event_ser_id\", j.\"event_ser_manifest\", j.\"meta_payload\", j.\"meta_ser_id\", j.\"meta_ser_manifest\" "
      + "FROM \"event_journal\" j JOIN \"event_tag\" t ON t.\"event_id\" = j.\"ordering\" AND t.\"tag\" = ? "
      + "WHERE j.\"ordering\" > ? AND j.\"ordering\" <= ? AND j.\"deleted\" = FALSE "
      + "ORDER BY j.\"ordering\" LIMIT ?";

  @SuppressWarnings("unchecked")
  private static final Set<String> NO_TAGS = (Set<String>) (Set<?>) scala.collection.immutable.Set$.MODULE$.empty();

  private final JdbcBackend.JdbcDatabaseDef db;
  private final Serialization serialization;
  private final ExecutionContextExecutor blocking;

  public FeedReadDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, ReadJournalConfig config,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, config, serialization, ec, mat);
    this.db = db;
    this.serialization = serialization;
    // JDBC blocks: the node's pool for blocking work, not the dispatcher the library hands its DAO.
    this.blocking = mat.system().dispatchers().lookup("parley.blocking-dispatcher");
  }

  @Override
  public org.apache.pekko.stream.scaladsl.Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed>
      eventsByTag(String tag, long offset, long maxOffset, long max) {
    CompletableFuture<List<Try<Tuple3<PersistentRepr, Set<String>, Object>>>> rows =
        CompletableFuture.supplyAsync(() -> {
          try {
            return read(tag, offset, maxOffset, max);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        }, blocking);
    return Source.completionStage(rows).mapConcat(list -> list).asScala();
  }

  private List<Try<Tuple3<PersistentRepr, Set<String>, Object>>> read(String tag, long offset, long maxOffset,
      long max) throws SQLException {
    List<Try<Tuple3<PersistentRepr, Set<String>, Object>>> events = new ArrayList<>();
    try (Connection c = db.source().createConnection(); PreparedStatement s = c.prepareStatement(EVENTS_BY_TAG)) {
      s.setString(1, tag);
      s.setLong(2, offset);
      s.setLong(3, maxOffset);
      s.setLong(4, Math.min(max, Integer.MAX_VALUE));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          events.add(event(row(r)));
        }
      }
    }
    return events;
  }

  private static JournalTables.JournalPekkoSerializationRow row(ResultSet r) throws SQLException {
    byte[] metaPayload = r.getBytes(11);
    int metaSerId = r.getInt(12);
    Option<Object> metaSerIdOption = r.wasNull() ? Option.empty() : Option.apply((Object) metaSerId);
    return new JournalTables.JournalPekkoSerializationRow(r.getLong(1), r.getBoolean(2), r.getString(3),
        r.getLong(4), r.getString(5), r.getLong(6), r.getString(7), r.getBytes(8), r.getInt(9), r.getString(10),
        Option.apply(metaPayload), metaSerIdOption, Option.apply(r.getString(13)));
  }

  @SuppressWarnings("unchecked")
  private Try<Tuple3<PersistentRepr, Set<String>, Object>> event(JournalTables.JournalPekkoSerializationRow row) {
    Try<Tuple2<PersistentRepr, Object>> read = PekkoSerialization.fromRow(serialization, row);
    if (read.isSuccess()) {
      Tuple2<PersistentRepr, Object> event = read.get();
      // The library's own reads leave the tags empty too: the query names its tag.
      return new Success<>(new Tuple3<>(event._1(), NO_TAGS, event._2()));
    }
    return (Try<Tuple3<PersistentRepr, Set<String>, Object>>) (Try<?>) read;
  }
}
