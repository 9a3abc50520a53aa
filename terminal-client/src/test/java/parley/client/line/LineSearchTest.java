package parley.client.line;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import parley.client.core.FakeServer;
import parley.client.net.ApiException;

/**
 * {@code --search}: one hit a line, tab-separated (room, seq, sender, time, text), newest first, pages followed up to
 * the limit; what was left out and what the index does not hold yet on stderr; a refused query fails the run.
 */
class LineSearchTest {
  private final FakeServer server = new FakeServer("alice");
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  LineSearchTest() {
    server.room("r1", "general", "room", "alice", "bob");
    server.room("dm:alice:bob", "alice, bob", "dm", "alice", "bob");
    for (int i = 1; i <= 45; i++) {
      server.says("r1", "bob", "chatter number " + i);
    }
    server.says("dm:alice:bob", "bob", "the deploy\nfailed \u001b[2J again");
    server.says("r1", "bob", "deploy done");
  }

  private int search(String query, int limit) throws Exception {
    return new LineSearch(server, "alice", new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).print(query, limit);
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void eachHitIsOneLineOfRoomSeqSenderTimeAndText() throws Exception {
    assertEquals(0, search("deploy", 20));
    assertEquals(List.of(
        "#general\t46\tbob\t2025-03-14T09:47:00Z\tdeploy done",
        "@bob\t1\tbob\t2025-03-14T09:46:00Z\tthe deploy\\nfailed \ufffd[2J again"), lines());
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void pagesAreFollowedUpToTheLimitAndWhatIsLeftOutIsSaid() throws Exception {
    for (int i = 46; i <= 140; i++) {
      server.says("r1", "bob", "chatter number " + i);
    }
    assertEquals(0, search("chatter", 130));
    assertEquals(130, lines().size());
    assertEquals("#general\t141\tbob\t2025-03-14T11:22:00Z\tchatter number 140", lines().get(0));
    assertEquals("#general\t11\tbob\t2025-03-14T09:11:00Z\tchatter number 11", lines().get(129));
    assertEquals(List.of("search chatter", "search chatter before 100"),
        server.calls.stream().filter(c -> c.startsWith("search")).toList(), "pages of the server's most, 100");
    assertEquals("parley client: more hits past these 130: --limit N prints more\n",
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void noHitsIsAnAnswerToo() throws Exception {
    assertEquals(0, search("zebra", 20));
    assertEquals(List.of(), lines(), "nothing on stdout for a script");
    assertEquals("parley client: no results for zebra\n", err.toString(StandardCharsets.UTF_8), "a person is told");
  }

  @Test
  void aRoomTheIndexHasNotCaughtUpWithIsNamedOnStderr() throws Exception {
    server.search.indexedThrough.put("r1", 44L);
    assertEquals(0, search("deploy", 20));
    assertEquals(1, lines().size(), "the newest entries are not found yet: " + lines());
    assertEquals("parley client: not searched yet: the 2 newest entries of #general\n",
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aRefusedQueryFailsWithTheServersReason() {
    server.search.refuse = new ApiException(400, "invalid_query", "before: takes a date, as in before:2026-11-01");
    ExecutionException e = assertThrows(ExecutionException.class, () -> search("before:soon", 20));
    assertEquals("invalid_query", ApiException.of(e).code());
  }
}
