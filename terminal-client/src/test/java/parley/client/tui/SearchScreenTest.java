package parley.client.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.input.KeyType;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import parley.client.core.ChatClient;
import parley.client.core.DirectScheduler;
import parley.client.core.FakeLink;
import parley.client.core.FakeServer;
import parley.client.net.ApiException;

/**
 * {@code /search} on the main screen: the hits in a window with the matched words marked, how complete the answer is,
 * more hits as the choice goes down, and Enter landing in the room at the message, far back as it may be.
 */
class SearchScreenTest {
  private final FakeServer server = new FakeServer("alice");
  private final FakeLink link = new FakeLink();
  private final DirectScheduler scheduler = new DirectScheduler();
  private ScreenHarness screen;
  private ChatClient client;

  @BeforeEach
  void setUp() {
    server.room("r1", "general", "room", "alice", "bob");
    server.room("r2", "ops", "room", "alice", "carol");
    server.joined("r1", "alice");
    for (int i = 2; i <= 120; i++) {
      server.says("r1", "bob", i == 30 ? "the deploy failed on staging, see the log" : "chatter number " + i);
    }
    server.says("r2", "carol", "deploy again tonight?");
    screen = new ScreenHarness(100, 20);
    Clock clock = Clock.fixed(server.now(), ZoneOffset.UTC);
    client = new ChatClient("alice", server, link, scheduler, ChatClient.Options.interactive(), clock);
    ChatWindow window = new ChatWindow(client, "127.0.0.1:8080", clock, ZoneOffset.UTC, new ChatWindow.Host() {
      @Override
      public void quit() {}

      @Override
      public void logout() {}

      @Override
      public void bell() {}

      @Override
      public void loggedOut(String reason) {}
    });
    client.addListener(window);
    screen.gui.addWindow(window);
    client.start();
    link.hello("alice", server.summary("r1", 120), server.summary("r2", 1));
    screen.pump();
  }

  @AfterEach
  void tearDown() throws Exception {
    screen.close();
  }

  private void enter(String line) {
    screen.type(line);
    screen.press(KeyType.Enter);
    screen.pump();
  }

  /** The cell where {@code word} starts on the first row showing {@code rowText}. */
  private TextCharacter cellOf(String rowText, String word) {
    List<String> rows = screen.rows();
    for (int y = 0; y < rows.size(); y++) {
      if (rows.get(y).contains(rowText)) {
        return screen.terminal.getCharacter(rows.get(y).indexOf(word), y);
      }
    }
    throw new AssertionError("no row shows " + rowText + ":\n" + screen.text());
  }

  @Test
  void searchOpensAWindowOfHitsNewestFirstWithTheMatchedWordsMarked() {
    enter("/search deploy");
    String text = screen.text();
    screen.capture("search");
    assertTrue(text.contains("Search: ↑↓ choose, Enter opens, Esc closes"), text);
    assertTrue(text.contains("2 hits for deploy · every room searched up to its newest entry"), text);
    assertTrue(text.contains("#ops · #1 · carol · Mar 14 11:01"), text);
    assertTrue(text.contains("deploy again tonight?"), text);
    assertTrue(text.contains("#general · #30 · bob · Mar 14 09:30"), text);
    assertTrue(text.indexOf("#ops · #1") < text.indexOf("#general · #30"), "newest first: " + text);
    TextCharacter marked = cellOf("the deploy failed on staging", "deploy");
    assertEquals(Highlights.MARK, marked.getForegroundColor());
    assertTrue(marked.getModifiers().contains(SGR.BOLD));
    TextCharacter plain = cellOf("the deploy failed on staging", "failed");
    assertFalse(plain.getModifiers().contains(SGR.BOLD));
    assertTrue(cellOf("#ops · #1", "#ops").getModifiers().contains(SGR.REVERSE), "the first hit is chosen");
  }

  @Test
  void enterOnAHitFarBackOpensItsRoomAtTheMessageWithWhatWasSaidAroundIt() {
    enter("/search deploy failed");
    assertTrue(screen.text().contains("1 hit for deploy failed"), screen.text());
    server.calls.clear();
    screen.press(KeyType.Enter);
    screen.pump();
    String text = screen.text();
    screen.capture("search-jump");
    assertEquals("r1", client.state().current().orElseThrow().id());
    assertEquals(List.of("after r1 5"), server.calls, "the page around #30: after=5, 50 entries");
    assertFalse(text.contains("Enter opens"), "the window closed: " + text);
    assertTrue(text.contains(" 30▶09:30 bob: the deploy failed on staging, see the log"), "the line marked: " + text);
    assertTrue(text.contains(" 29 09:29 bob: chatter number 29"), "what came before it, above: " + text);
    assertTrue(text.contains(" 31 09:31 bob: chatter number 31"), text);

    for (int page = 0; page < 5 && !screen.text().contains("not loaded"); page++) {
      screen.press(KeyType.PageDown);
    }
    assertTrue(screen.text().contains("#56 to #70 not loaded · PgUp at the top loads them"),
        "between the page read around the hit and the newest page: " + screen.text());
  }

  @Test
  void goingDownPastTheLastHitReadsTheNextPage() {
    enter("/search chatter");
    assertTrue(screen.text().contains("20+ hits for chatter"), screen.text());
    assertTrue(screen.text().contains("↓ more: Down past the last reads them"), screen.text());
    screen.press(KeyType.End);
    assertTrue(cellOf("#general · #101 ·", "#general").getModifiers().contains(SGR.REVERSE), screen.text());
    screen.press(KeyType.ArrowDown);
    assertTrue(server.calls.contains("search chatter before 20"), server.calls.toString());
    assertTrue(screen.text().contains("40+ hits for chatter"), screen.text());
    assertTrue(cellOf("#general · #100 ·", "#general").getModifiers().contains(SGR.REVERSE),
        "the choice went on into the new page: " + screen.text());
    screen.press(KeyType.ArrowUp);
    assertTrue(cellOf("#general · #101 ·", "#general").getModifiers().contains(SGR.REVERSE), screen.text());
  }

  @Test
  void aRefusedQueryIsSaidWithTheServersReasonAndNoWindowOpens() {
    server.search.refuse = new ApiException(400, "too_many_terms", "at most 16 terms, not 17");
    enter("/search a b c d e f g h i j k l m n o p q");
    String text = screen.text();
    assertTrue(text.contains("Search: at most 16 terms, not 17"), text);
    assertFalse(text.contains("Enter opens"), text);
  }

  @Test
  void nothingFoundSaysHowToAskAndEscCloses() {
    enter("/search zebra");
    String text = screen.text();
    assertTrue(text.contains("0 hits for zebra"), text);
    assertTrue(text.contains("Nothing found."), text);
    assertTrue(text.contains("from:bob  in:general  in:@bob"), text);
    screen.press(KeyType.Escape);
    assertFalse(screen.text().contains("Nothing found."), screen.text());
    assertEquals("[#general]", screen.inputRow());
  }

  @Test
  void aRoomWithEntriesTheIndexDoesNotHoldYetIsNamed() {
    server.search.indexedThrough.put("r2", 0L);
    enter("/search deploy");
    String text = screen.text();
    assertTrue(text.contains("1 hit for deploy · not searched yet: the newest entry of #ops (the last 0 s)"), text);
    assertFalse(text.contains("deploy again tonight?"), text);
  }

  @Test
  void helpListsSearch() {
    assertTrue(HelpWindow.text().contains("/search words"), HelpWindow.text());
  }
}
