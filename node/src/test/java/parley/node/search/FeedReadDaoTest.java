package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import parley.node.room.ChatRoom;
import parley.node.testkit.ApiClient;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.TestNode;

/**
 * The feed's reads of the journal ({@link FeedReadDao}) give what pekko-persistence-jdbc's own give, from any offset
 * and with its limit, and on H2 read only the range they ask, however long the journal.
 */
class FeedReadDaoTest {
  /** The library's read journal beside the feed's: the same settings but its own DAO. */
  private static final String LIBRARY = "library-read-journal";

  private static Config withLibraryJournal(Config node) {
    Config library = ConfigFactory.load().getConfig("parley-search-read-journal").withValue("dao",
        ConfigValueFactory.fromAnyRef("org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao"));
    return node.withValue(LIBRARY, library.root());
  }

  private static List<String> read(ActorSystem<?> system, String journal, long after) throws Exception {
    JdbcReadJournal reads = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, journal);
    List<EventEnvelope> events = reads.currentEventsByTag(ChatRoom.TAG, Offset.sequence(after))
        .runWith(Sink.seq(), system).toCompletableFuture().get();
    return events.stream().map(e -> e.offset() + " " + e.persistenceId() + " " + e.sequenceNr() + " "
        + e.timestamp() + " " + e.event()).toList();
  }

  @Test
  void theFeedReadsTheSameEventsAsTheLibraryFromAnyOffsetPastWhatIsNotARoomsAndPastTheBufferOfOneQuery()
      throws Exception {
    Config config = withLibraryJournal(ConfigFactory.parseString(
        // A small buffer: a read takes several queries, each with its limit.
        "parley-search-read-journal.max-buffer-size = 7").withFallback(TestDatabase.config(TestDatabase.url())));
    try (TestNode node = TestNode.start(config)) {
      ApiClient alice = node.client().newUser("alice");
      ApiClient bob = node.client().newUser("bob");
      String first = alice.createRoom("{\"name\":\"dao one " + alice.username + "\"}");
      String second = bob.createRoom("{\"name\":\"dao two " + bob.username + "\"}");
      for (int i = 0; i < 12; i++) {
        SearchFeedTest.post(alice, first, "one " + i);
        SearchFeedTest.post(bob, second, "two " + i);
      }
      long edited = SearchFeedTest.post(alice, first, "to be edited");
      assertEquals(200, alice.patch("/api/v1/rooms/" + first + "/messages/" + edited, "{\"text\":\"edited\"}")
          .status());
      List<String> library = read(node.system, LIBRARY, 0);
      List<String> feed = read(node.system, "parley-search-read-journal", 0);
      // The rooms' events (sends, edits, joins, creations); user accounts' events are not tagged and are in neither.
      assertTrue(library.size() >= 26, library.toString());
      assertEquals(library, feed);
      long middle = Long.parseLong(library.get(library.size() / 2).split(" ")[0].replaceAll("\\D", ""));
      assertEquals(read(node.system, LIBRARY, middle), read(node.system, "parley-search-read-journal", middle));
    }
  }

  @Test
  void onH2APollReadsTheRangeItAsksNotEveryTaggedEvent() throws Exception {
    Assumptions.assumeFalse(TestDatabase.postgres(), "H2's planner is the one that read every tagged event");
    String url = TestDatabase.url();
    try (TestNode node = TestNode.start(TestDatabase.config(url))) {
      ApiClient alice = node.client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"plan " + alice.username + "\"}");
      for (int i = 0; i < 300; i++) {
        SearchFeedTest.post(alice, room, "line " + i);
      }
      try (Connection c = DriverManager.getConnection(url, "sa", "")) {
        long last;
        try (ResultSet r = c.createStatement().executeQuery("SELECT MAX(\"ordering\") FROM \"event_journal\"")) {
          r.next();
          last = r.getLong(1);
        }
        String sql = FeedReadDao.EVENTS_BY_TAG.replaceFirst("\\?", "'" + ChatRoom.TAG + "'")
            .replaceFirst("\\?", String.valueOf(last - 10)).replaceFirst("\\?", String.valueOf(last))
            .replaceFirst("\\?", "500");
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement s = c.prepareStatement("EXPLAIN ANALYZE " + sql); ResultSet r = s.executeQuery()) {
          while (r.next()) {
            plan.append(r.getString(1));
          }
        }
        Matcher counts = Pattern.compile("scanCount: (\\d+)").matcher(plan);
        long scanned = 0;
        while (counts.find()) {
          scanned += Long.parseLong(counts.group(1));
        }
        // Ten orderings asked: each read in the journal and probed (up to twice) in the tag table, plus each scan's
        // end. The library's query read every one of the 300 and more tagged events, and the journal once for each.
        assertTrue(scanned > 0 && scanned <= 4 * 10, "rows read for ten orderings of "
            + last + ": " + scanned + "\n" + plan);
      }
    }
  }
}
