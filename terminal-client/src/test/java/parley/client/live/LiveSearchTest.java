package parley.client.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static parley.client.live.LiveNode.settled;
import static parley.client.live.LiveNode.texts;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.client.ClientArgs;
import parley.client.core.RoomState;
import parley.client.line.LineMode;
import parley.client.live.LiveNode.Running;
import parley.client.live.LiveNode.User;
import parley.client.net.Backoff;
import parley.protocol.CreateRoom;
import parley.protocol.Message;
import parley.protocol.SearchResults;

/**
 * Search (protocol v1.2) against a real node: the client's call and what it makes of the answer (the highlights on
 * the words, only the user's rooms), opening a hit far back (the page around it, with resume still from the newest
 * seq), and {@code --search} in line mode, with its exit status on each of the server's three refusals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveSearchTest {
  private LiveNode live;

  @BeforeAll
  void startNode() throws Exception {
    live = LiveNode.start();
  }

  @AfterAll
  void stopNode() throws Exception {
    live.close();
  }

  /**
   * Searches as {@code user} until the index holds {@code room} up to {@code seq} (the answer's indexedThrough says
   * so), then gives that answer. The index follows the journal within a second under load; a busy test host gets 30.
   */
  private static SearchResults indexed(User user, String query, String room, long seq) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      SearchResults answer = user.api().search(query, 20, null).get(10, TimeUnit.SECONDS);
      if (answer.indexedThrough().getOrDefault(room, 0L) >= seq) {
        return answer;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the index did not reach " + room + " #" + seq + ": " + answer.indexedThrough());
      }
      CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)).join();
    }
  }

  private static long post(User user, String room, String text) {
    return user.api().post(room, "c-" + text.hashCode() + "-" + System.nanoTime(), text).join().seq();
  }

  @Test
  void aHitNamesItsRoomAndItsHighlightsFallOnTheMatchedWords() throws Exception {
    User alice = live.user("alice");
    User bob = live.user("bob");
    User mallory = live.user("mallory");
    String room = alice.api().createRoom(new CreateRoom("deploys", null, null)).join().id();
    bob.api().join(room, null).join();
    post(alice, room, "lunch at noon?");
    long seq = post(bob, room, "🎉 The deploys FAILED on staging again");
    String elsewhere = mallory.api().createRoom(new CreateRoom("mallorys", null, null)).join().id();
    post(mallory, elsewhere, "my deploy failed too");

    SearchResults answer = indexed(alice, "deploy failed", room, seq);
    assertEquals(1, answer.hits().size(), "only the rooms alice is in: " + answer.hits());
    SearchResults.Hit hit = answer.hits().get(0);
    assertEquals(new SearchResults.RoomRef(room, "deploys", "room"), hit.room());
    assertEquals(seq, hit.seq());
    assertEquals(bob.name(), hit.sender());
    assertEquals("🎉 The deploys FAILED on staging again", hit.text());
    List<String> marked = hit.highlights().stream()
        .map(h -> hit.text().substring(h.start(), h.end()).toLowerCase(Locale.ROOT)).toList();
    assertEquals(List.of("deploys", "failed"), marked, "UTF-16 offsets, past the emoji's two units");
    assertFalse(answer.indexedThrough().containsKey(elsewhere), "nothing about a room alice is not in");
  }

  @Test
  void openingAHitFarBackLoadsThePageAroundItAndResumeStillGoesFromTheNewestSeq() throws Exception {
    User alice = live.user("alice");
    User bob = live.user("bob");
    String room = alice.api().createRoom(new CreateRoom("busy", null, null)).join().id();
    bob.api().join(room, null).join();
    long needle = 0;
    long last = 0;
    for (int i = 0; i < 150; i++) {
      last = post(bob, room, i == 60 ? "the needle in the haystack" : "hay number " + i);
      needle = i == 60 ? last : needle;
    }
    Running client = live.connect(alice);
    client.probe().await("room loaded", 30, c -> settled(c, room));
    long floor = client.probe().read(c -> c.state().room(room).orElseThrow().floor());
    assertTrue(floor > needle + 25, "the needle is far below the newest page: " + floor);

    SearchResults answer = indexed(alice, "needle", room, last);
    assertEquals(List.of(needle), answer.hits().stream().map(SearchResults.Hit::seq).toList());
    long at = needle;
    client.probe().run(c -> c.search().open(room, at));
    client.probe().await("the page around the hit", 30, c -> c.state().room(room).orElseThrow().entry(at).isPresent());
    RoomState held = client.probe().read(c -> c.state().room(room).orElseThrow());
    assertEquals(room, client.probe().read(c -> c.state().current().orElseThrow().id()));
    assertEquals(List.of(at - 24, at + 25), client.probe().read(c -> List.of(
        held.entries().iterator().next().seq(), held.entries().stream().mapToLong(Message::seq)
            .filter(s -> s < floor).max().orElseThrow())), "after=seq-25, 50 entries");
    assertEquals(floor, (long) client.probe().read(c -> held.floor()), "the newest page stays where it was");

    client.link().deaf(true);
    post(bob, room, "said while alice was away");
    client.probe().run(c -> {
      client.link().drop();
      client.link().deaf(false);
    });
    client.probe().await("resumed", 30, c -> c.state().link().online() && settled(c, room)
        && texts(c, room).contains("said while alice was away"));
    List<Map<String, Long>> handshakes = client.link().resumedFrom;
    assertEquals(Map.of(room, last), handshakes.get(handshakes.size() - 1), "resumed from the newest gap-free seq");
  }

  @Test
  void lineModePrintsOneHitALineAndExitsOneWithTheReasonWhenTheServerRefusesTheQuery() throws Exception {
    User alice = live.user("alice");
    String room = alice.api().createRoom(new CreateRoom("scripts", null, null)).join().id();
    post(alice, room, "nightly backup finished");
    long seq = post(alice, room, "nightly backup\nfailed: disk full");
    indexed(alice, "backup", room, seq);
    Backoff fast = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random());

    LineCapture out = new LineCapture();
    LineCapture err = new LineCapture();
    LineMode search = new LineMode(live.node.uri(), alice.name(), "password-" + alice.name(), null, out.stream(),
        err.stream(), fast);
    assertEquals(0, search.run(ClientArgs.parse("--search", "nightly backup")), err.text());
    List<String> lines = out.text().lines().toList();
    assertEquals(2, lines.size(), out.text());
    String[] newest = lines.get(0).split("\t");
    assertEquals(List.of("#scripts", String.valueOf(seq), alice.name()), List.of(newest[0], newest[1], newest[2]));
    assertTrue(newest[3].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), newest[3]);
    assertEquals("nightly backup\\nfailed: disk full", newest[4]);
    assertEquals(0, search.run(ClientArgs.parse("--search", "zebra")), "nothing found is an answer");
    LineCapture told = new LineCapture();
    LineMode stranger = new LineMode(live.node.uri(), alice.name(), "password-" + alice.name(), null, out.stream(),
        told.stream(), fast);
    assertEquals(0, stranger.run(ClientArgs.parse("--search", "backup from:zed")));
    assertTrue(told.text().contains("no results for backup from:zed; zed is in none of your rooms"), told.text());

    for (String refused : List.of("x".repeat(257), "a b c d e f g h i j k l m n o p q", "\"unclosed phrase")) {
      LineCapture why = new LineCapture();
      LineMode run = new LineMode(live.node.uri(), alice.name(), "password-" + alice.name(), null, out.stream(),
          why.stream(), fast);
      assertEquals(1, run.run(ClientArgs.parse("--search", refused)), refused + ": " + why.text());
      assertTrue(why.text().startsWith("parley client: not searched: "), why.text());
    }
  }
}
