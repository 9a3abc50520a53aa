package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.Test;
import parley.node.room.ChatRoom;
import parley.node.room.TimelineEntry;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.TestNode;

/**
 * One event the index cannot take must not stop search for everyone. On PostgreSQL, a message holding NUL (the node
 * refuses one now; a journal written before may still hold it) is refused by {@code text}: the node's own feed skips
 * it, records it, and indexes every good event after it, a delete included, across a restart of the node. On both
 * backends, a feed whose index refuses one marked document skips that one only; and an index that refuses everything
 * (the database away) makes the feed wait, skipping nothing, until it is back.
 */
class SearchPoisonTest {
  /** What the decorated index refuses, as its backend would refuse something it cannot hold. */
  private static final String POISON = "☠ poison";

  @Test
  void aLegacyMessageHoldingNulIsSkippedAndRecordedAndEveryGoodEventAfterItIsIndexedAcrossARestart()
      throws IOException {
    Config data = TestDatabase.config(TestDatabase.url());
    String legacy = "legacy" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    try (TestNode firstNode = TestNode.start(data);
        SearchIndex index = SearchIndexes.open(firstNode.system.settings().config())) {
      ApiClient alice = firstNode.client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"poison " + alice.username + "\"}");
      long before = SearchFeedTest.post(alice, room, "before the poison");
      long doomed = SearchFeedTest.post(alice, room, "deleted after the poison");
      SearchFeedTest.awaitDocument(firstNode, index, room, doomed, "deleted after the poison");

      writeLegacyMessage(firstNode.system, legacy, "a\u0000b");
      long after = SearchFeedTest.post(alice, room, "after the poison");
      assertEquals(200, alice.method("DELETE", "/api/v1/rooms/" + room + "/messages/" + doomed).status());
      SearchFeedTest.awaitDocument(firstNode, index, room, after, "after the poison");
      SearchFeedTest.awaitDocument(firstNode, index, room, doomed, null);
      assertEquals("before the poison", index.document(room, before).text());
      if (TestDatabase.postgres()) {
        List<SearchChange.Skipped> skipped = skippedOf(index, legacy);
        assertEquals(1, skipped.size(), skipped.toString());
        assertEquals(1, skipped.get(0).seq());
        assertTrue(skipped.get(0).reason().contains("PSQLException"), "the reason is PostgreSQL's: " + skipped);
        assertEquals(Map.of(legacy, 1L), index.indexedThrough(Set.of(legacy)),
            "indexedThrough counts the skipped seq as read");
      } else {
        assertEquals("a\u0000b", index.document(legacy, 1).text(), "Lucene holds NUL: nothing to skip on H2");
      }
      firstNode.close();

      try (TestNode node = TestNode.start(data)) {
        long restarted = SearchFeedTest.post(new ApiClient(node.http()).withToken(alice.token), room, "after a restart");
        SearchFeedTest.awaitDocument(node, index, room, restarted, "after a restart");
        assertEquals(TestDatabase.postgres() ? 1 : 0, skippedOf(index, legacy).size(), "skipped once, not again");
      }
    }
  }

  @Test
  void aFeedSkipsTheOneEventItsIndexRefusesAndWaitsWithoutSkippingWhileTheIndexRefusesEverything()
      throws Exception {
    // On PostgreSQL every index shares the tables: the node's own feed is off, so that what the tables hold is this
    // test's feed's doing. On H2 this feed's index is a Lucene directory of its own.
    Config feedOff = ConfigFactory.parseString("parley.search.feed = " + !TestDatabase.postgres());
    try (TestNode node = TestNode.start(feedOff);
        Refusing index = new Refusing(ownIndex(node), d -> d.text().contains(POISON))) {
      ApiClient alice = node.client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"refused " + alice.username + "\"}");
      // This feed starts at the journal's end now, not its start (PostgreSQL's holds other tests' rooms).
      index.apply(List.of(), 0, new IndexPosition(journalEnd(node), Map.of()));

      long edited = SearchFeedTest.post(alice, room, "words before an edit");
      long poison = SearchFeedTest.post(alice, room, POISON + " in a message");
      long doomed = SearchFeedTest.post(alice, room, "to be deleted");
      assertEquals(200, alice.patch("/api/v1/rooms/" + room + "/messages/" + edited, "{\"text\":\"edited\"}")
          .status());
      assertEquals(200, alice.method("DELETE", "/api/v1/rooms/" + room + "/messages/" + doomed).status());
      long last = SearchFeedTest.post(alice, room, "the last");

      ActorRef<SearchFeed.Command> feed = startFeed(node.system, index);
      SearchFeedTest.awaitDocument(node, index, room, last, "the last");
      assertEquals("edited", index.document(room, edited).text());
      assertEquals(null, index.document(room, doomed));
      assertEquals(null, index.document(room, poison));
      List<SearchChange.Skipped> skipped = skippedOf(index, room);
      assertEquals(1, skipped.size(), skipped.toString());
      assertEquals(poison, skipped.get(0).seq());
      assertTrue(skipped.get(0).reason().contains("refused"), skipped.toString());
      assertTrue(index.indexedThrough(Set.of(room)).get(room) >= last);

      // The index away: every apply refused, the position alone too. The feed retries; it skips nothing.
      index.away = true;
      int triesBefore = index.tries.get();
      long whileAway = SearchFeedTest.post(alice, room, "sent while the index is away");
      Eventually.await("the feed to try the away index again after a restart", () -> {
        assertTrue(index.tries.get() > triesBefore + FeedApply.ATTEMPTS + 2, "tries " + index.tries);
        return true;
      });
      assertEquals(null, index.document(room, whileAway));
      index.away = false;
      SearchFeedTest.awaitDocument(node, index, room, whileAway, "sent while the index is away");
      assertEquals(1, skippedOf(index, room).size(), "nothing skipped while the index was away");

      // A feed started again resumes after the skip: it does not meet the poison again.
      stopFeed(node.system, feed);
      long afterRestart = SearchFeedTest.post(alice, room, "after the feed's restart");
      startFeed(node.system, index);
      SearchFeedTest.awaitDocument(node, index, room, afterRestart, "after the feed's restart");
      assertEquals(1, skippedOf(index, room).size());
    }
  }

  /** The journal's highest ordering now: the offset after every event written so far. */
  private static long journalEnd(TestNode node) throws Exception {
    String db = "pekko-persistence-jdbc.shared-databases.slick.db.";
    Config config = node.system.settings().config();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(config.getString(db + "url"),
            config.getString(db + "user"), config.getString(db + "password"));
        java.sql.ResultSet r = c.createStatement().executeQuery(
            "SELECT COALESCE(MAX(\"ordering\"), 0) FROM \"event_journal\"")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static List<SearchChange.Skipped> skippedOf(SearchIndex index, String room) throws IOException {
    return index.skipped(10_000).stream().filter(s -> s.room().equals(room)).toList();
  }

  /** A second index on the suite's backend, with a feed position of its own. */
  private static SearchIndex ownIndex(TestNode node) throws IOException {
    if (!TestDatabase.postgres()) {
      return LuceneSearchIndex.open(Files.createTempDirectory("parley-poison"), SearchAnalysis.analyzer());
    }
    SearchIndex nodes = SearchIndexes.open(node.system.settings().config());
    return new PostgresSearchIndex(((PostgresSearchIndex) nodes).dataSource(), "test-" + UUID.randomUUID());
  }

  private static ActorRef<SearchFeed.Command> startFeed(ActorSystem<?> system, SearchIndex index) {
    return system.systemActorOf(
        SearchFeed.behavior(index, SearchFeed.Settings.fromConfig(system.settings().config(), index)),
        "test-feed-" + UUID.randomUUID(), Props.empty());
  }

  private static void stopFeed(ActorSystem<?> system, ActorRef<SearchFeed.Command> feed) {
    feed.tell(SearchFeed.Command.STOP);
  }

  /**
   * Writes a message into {@code room}'s journal as a node before the text rule did: a room of its own (no entity of
   * the node's answers for it), one event, tagged for the feed.
   */
  private static void writeLegacyMessage(ActorSystem<?> system, String room, String text) {
    TimelineEntry.Message message = new TimelineEntry.Message(1, "mallory", text, Instant.now(), "legacy-1");
    ActorRef<Legacy.Write> writer = system.systemActorOf(Legacy.create(room), "legacy-" + room, Props.empty());
    Done done = AskPattern.<Legacy.Write, Done>ask(writer, replyTo -> new Legacy.Write(message, replyTo),
        TestNode.timeout(), system.scheduler()).toCompletableFuture().join();
    assertNotNull(done);
  }

  /** A room's journal written directly, as an older node wrote it. */
  private static final class Legacy extends EventSourcedBehavior<Legacy.Write, ChatRoom.Event, String> {
    record Write(TimelineEntry.Message message, ActorRef<Done> replyTo) {}

    static Behavior<Write> create(String room) {
      return new Legacy(room);
    }

    private Legacy(String room) {
      super(ChatRoom.persistenceId(room));
    }

    @Override
    public String emptyState() {
      return "";
    }

    @Override
    public CommandHandler<Write, ChatRoom.Event, String> commandHandler() {
      return newCommandHandlerBuilder().forAnyState().onCommand(Write.class, w ->
          Effect().persist(new ChatRoom.MessagePosted(w.message())).thenRun(s -> w.replyTo().tell(Done.getInstance())))
          .build();
    }

    @Override
    public EventHandler<String, ChatRoom.Event> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state);
    }

    @Override
    public Set<String> tagsFor(ChatRoom.Event event) {
      return Set.of(ChatRoom.TAG);
    }
  }

  /**
   * A real index that refuses what its backend could not hold ({@code refuses}), and everything while it is
   * {@code away}: how each backend answers a document it cannot take, and a database that is down.
   */
  private static final class Refusing implements SearchIndex {
    private final SearchIndex real;
    private final Predicate<SearchDocument> refuses;
    volatile boolean away;
    final AtomicInteger tries = new AtomicInteger();

    Refusing(SearchIndex real, Predicate<SearchDocument> refuses) {
      this.real = real;
      this.refuses = refuses;
    }

    @Override
    public void apply(List<SearchChange> changes, long after, IndexPosition position) throws IOException {
      tries.incrementAndGet();
      if (away) {
        throw new IOException("the index is away");
      }
      for (SearchChange change : changes) {
        if (change instanceof SearchChange.Put put && refuses.test(put.document())) {
          throw new IOException("the backend refused " + put.document().id());
        }
      }
      real.apply(changes, after, position);
    }

    @Override
    public long offset() throws IOException {
      tries.incrementAndGet();
      if (away) {
        throw new IOException("the index is away");
      }
      return real.offset();
    }

    @Override
    public Map<String, Long> indexedThrough(Collection<String> rooms) throws IOException {
      return real.indexedThrough(rooms);
    }

    @Override
    public SearchDocument document(String room, long seq) throws IOException {
      return real.document(room, seq);
    }

    @Override
    public SearchPage search(SearchRequest request) throws IOException {
      return real.search(request);
    }

    @Override
    public List<SearchChange.Skipped> skipped(int limit) throws IOException {
      return real.skipped(limit);
    }

    @Override
    public void clear() throws IOException {
      real.clear();
    }

    @Override
    public void close() throws IOException {
      real.close();
    }
  }
}
