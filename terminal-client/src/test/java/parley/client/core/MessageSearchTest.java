package parley.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import parley.client.net.ApiException;
import parley.protocol.Message;
import parley.protocol.SearchResults;

/**
 * Search from the client's core: pages of hits by the answer's {@code next}, a refused query said, how complete an
 * answer is, and opening a hit far back in a busy room: the page around it is loaded, apart from the newest page,
 * and resuming after a reconnect still goes from the newest gap-free seq.
 */
class MessageSearchTest {
  private final FakeServer server = new FakeServer("alice");
  private final FakeLink link = new FakeLink();
  private final DirectScheduler scheduler = new DirectScheduler();
  private ChatClient client;

  @BeforeEach
  void setUp() {
    server.room("r1", "general", "room", "alice", "bob");
    server.room("r2", "ops", "room", "alice", "carol");
    server.room("r3", "secret", "room", "bob", "carol");
    server.joined("r1", "alice");
    for (int i = 2; i <= 300; i++) {
      server.says("r1", "bob", i == 100 ? "the deploy failed on staging" : "chatter number " + i);
    }
    server.says("r2", "carol", "deploy again tonight?");
    server.says("r3", "carol", "a deploy alice must not see");
    client = new ChatClient("alice", server, link, scheduler, ChatClient.Options.interactive(),
        Clock.fixed(server.now(), ZoneOffset.UTC));
    client.start();
    link.hello("alice", server.summary("r1", 300), server.summary("r2", 1));
  }

  private RoomState r1() {
    return client.state().room("r1").orElseThrow();
  }

  @Test
  void hitsComeNewestFirstFromTheUsersRoomsPageByPage() {
    SearchResults first = client.search().page("deploy", null).join();
    assertEquals(List.of("r2 1", "r1 100"), first.hits().stream().map(h -> h.room().id() + " " + h.seq()).toList());
    assertEquals(List.of(new SearchResults.Highlight(4, 10)), first.hits().get(1).highlights());
    assertEquals(null, first.next());
    assertTrue(server.calls.contains("search deploy"), server.calls.toString());

    SearchResults chatter = client.search().page("chatter", null).join();
    assertEquals(MessageSearch.PAGE, chatter.hits().size());
    SearchResults more = client.search().page("chatter", chatter.next()).join();
    assertFalse(more.hits().isEmpty());
    assertTrue(server.calls.contains("search chatter before " + chatter.next()), server.calls.toString());
  }

  @Test
  void aRefusedQueryIsSaidWithTheServersReason() {
    server.search.refuse = new ApiException(400, "invalid_query", "from: needs a username, as in from:alice");
    assertTrue(client.search().page("from:", null).isCompletedExceptionally());
    List<Notice> notices = r1().notices();
    assertEquals("Search: from: needs a username, as in from:alice", notices.get(notices.size() - 1).text());
    assertTrue(notices.get(notices.size() - 1).error());
  }

  @Test
  void anAnswerSaysWhichRoomsHaveEntriesTheIndexDoesNotHoldYet() {
    SearchResults all = client.search().page("deploy", null).join();
    assertEquals("", client.search().behind(all.indexedThrough()));

    server.search.indexedThrough.put("r2", 0L);
    link.frame(server.says("r2", "carol", "deploy done"));
    SearchResults behind = client.search().page("deploy", null).join();
    assertEquals("not searched yet: the 2 newest entries of #ops (the last 1 min)",
        client.search().behind(behind.indexedThrough()), "the oldest of them was written a minute ago");
    assertEquals("not searched yet: the newest entry of #a, the 3 newest entries of #b",
        MessageSearch.behind(Map.of("x", 4L, "y", 7L, "z", 9L), Map.of("x", 5L, "y", 10L, "z", 9L)::get,
            id -> id.equals("x") ? "#a" : "#b"));
  }

  @Test
  void openingAHitFarBackLoadsThePageAroundItApartFromTheNewestAndResumeStillGoesFromTheNewest() {
    assertEquals(251, r1().floor(), "the newest page held: 251 to 300");
    server.calls.clear();

    assertTrue(client.search().open("r1", 100).isDone());
    assertEquals("r1", client.state().current().orElseThrow().id());
    assertEquals(List.of("after r1 75"), server.calls, "one page: after=seq-25, 50 entries");
    assertEquals("the deploy failed on staging", r1().entry(100).map(Message::text).orElseThrow());
    assertEquals(List.of(76L, 125L), List.of(r1().entries().iterator().next().seq(), maxBelow(251)));
    assertEquals(251, r1().floor(), "the page stays apart below the newest");
    assertEquals(300, r1().contiguous());

    link.down("network");
    Map<String, Long> resume = link.resumeAndHello("alice", server.summary("r1", 300), server.summary("r2", 1));
    assertEquals(300L, resume.get("r1"), "the handshake resumes from the newest gap-free seq, not the page");
    link.frame(server.says("r1", "bob", "after the reconnect"));
    assertEquals(301, r1().contiguous());

    // Scrolling up from the newest page reaches the page read around the hit and goes on below it.
    client.loadOlder("r1");
    client.loadOlder("r1");
    assertEquals(151, r1().floor());
    client.loadOlder("r1");
    assertEquals(76, r1().floor(), "101-150 reached the page read around the hit, and the run goes on through it");
    assertTrue(r1().hasOlder());
    client.loadOlder("r1");
    assertEquals(26, r1().floor());
    assertEquals(LongStream.rangeClosed(26, 301).boxed().toList(), r1().entries().stream().map(Message::seq).toList());
  }

  @Test
  void openingAHitNearTheNewestNeedsNoRead() {
    link.frame(server.says("r2", "carol", "deploy done"));
    server.calls.clear();
    assertTrue(client.search().open("r2", 2).isDone());
    assertEquals("r2", client.state().current().orElseThrow().id());
    assertFalse(server.calls.stream().anyMatch(c -> c.startsWith("after") || c.startsWith("before")), server.calls.toString());
  }

  @Test
  void aHitInARoomTheUserLeftSaysSo() {
    assertTrue(client.search().open("r3", 1).isCompletedExceptionally());
    assertEquals("That message is in a room you are no longer in.",
        r1().notices().get(r1().notices().size() - 1).text());
  }

  private long maxBelow(long seq) {
    return r1().entries().stream().mapToLong(Message::seq).filter(s -> s < seq).max().orElse(0);
  }
}
