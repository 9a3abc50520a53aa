package parley.client.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.input.KeyType;
import java.text.BreakIterator;
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
import parley.protocol.ClientFrame;
import parley.protocol.ServerFrame;

/**
 * Issue #65 on the main screen, what a newcomer to a conversation on two clients trips over: rooms joined and left
 * on another device, a nick completed and sent as shown, line numbers for /reply, /react and /del, emoji, drafts,
 * DMs without join lines, /clear.
 */
class ConversationScreenTest {
  private final FakeServer server = new FakeServer("alice");
  private final FakeLink link = new FakeLink();
  private final DirectScheduler scheduler = new DirectScheduler();
  private ScreenHarness screen;
  private ChatClient client;

  @BeforeEach
  void setUp() {
    server.room("r1", "general", "room", "alice", "bob", "carol", "dave");
    server.room("r2", "random", "room", "alice", "bob");
    server.room("dm:alice:dave", "dave, alice", "dm", "dave", "alice");
    server.room("g1", "alice, bob, carol", "group", "bob", "alice", "carol");
    server.joined("r1", "alice");
    server.says("r1", "bob", "hello alice, welcome to the general room");
    server.says("r1", "carol", "hi! the agenda is in the pinned doc");
    server.says("r2", "bob", "anyone for lunch?");
    server.joined("dm:alice:dave", "dave");
    server.joined("dm:alice:dave", "alice");
    server.says("dm:alice:dave", "dave", "got a minute?");
    for (String user : List.of("bob", "alice", "carol")) {
      server.joined("g1", user);
    }
    server.says("g1", "carol", "shall we plan the offsite here?");

    screen = new ScreenHarness(100, 16);
    client = open(server, link);
    link.hello("alice", server.summary("r1", 3), server.summary("r2", 1), server.summary("dm:alice:dave", 3),
        server.summary("g1", 4));
    screen.pump();
  }

  private ChatClient open(FakeServer api, FakeLink fakeLink) {
    Clock clock = Clock.fixed(api.now(), ZoneOffset.UTC);
    ChatClient c = new ChatClient("alice", api, fakeLink, scheduler, ChatClient.Options.interactive(), clock);
    ChatWindow window = new ChatWindow(c, "127.0.0.1:8080", clock, ZoneOffset.UTC, new ChatWindow.Host() {
      @Override
      public void quit() {}

      @Override
      public void logout() {}

      @Override
      public void bell() {
        screen.terminal.bell();
      }

      @Override
      public void loggedOut(String reason) {}
    });
    c.addListener(window);
    screen.gui.addWindow(window);
    c.start();
    return c;
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

  private String row(String containing) {
    return screen.rows().stream().filter(r -> r.contains(containing)).findFirst()
        .orElseThrow(() -> new AssertionError("no row with " + containing + ":\n" + screen.text()));
  }

  /** The column (as the terminal counts them) where the {@code nth} '│' of a row is. */
  private static int columnOfBar(String row, int nth) {
    BreakIterator graphemes = BreakIterator.getCharacterInstance();
    graphemes.setText(row);
    int column = 0;
    int seen = 0;
    for (int start = graphemes.first(), end = graphemes.next(); end != BreakIterator.DONE;
        start = end, end = graphemes.next()) {
      String g = row.substring(start, end);
      if (g.equals("│") && ++seen == nth) {
        return column;
      }
      column += TextCharacter.fromString(g)[0].isDoubleWidth() ? 2 : 1;
    }
    return -1;
  }

  @Test
  void aRoomJoinedOrLeftOnAnotherDeviceJoinsOrLeavesTheListAndSaysSo() {
    server.room("r5", "lounge", "room", "alice", "erin");
    server.joined("r5", "erin");
    server.joined("r5", "alice");
    link.frame(new ServerFrame.RoomAdded(server.summary("r5", 2)));
    screen.pump();
    assertTrue(screen.text().contains(" 2 #lounge"), "in the room list: " + screen.text());
    assertEquals("[#general]", screen.inputRow(), "not switched to");

    screen.alt('2');
    assertEquals("[#lounge]", screen.inputRow());
    link.frame(new ServerFrame.RoomLeft("r5"));
    // A read frame this client sent as the room went crosses the leave: its refusal is no news.
    link.frame(new ServerFrame.Error("not_a_member", "you are not a member of this room: r5", null));
    screen.pump();
    String text = screen.text();
    assertTrue(screen.rows().stream().noneMatch(r -> r.matches(" \\d #lounge.*")), "gone from the list: " + text);
    assertEquals("[#random]", screen.inputRow(), "the room that took its place in the list: " + text);
    assertTrue(text.contains("-!- You left #lounge on another device."), text);
    assertFalse(text.contains("not a member"), "no stray error after the leave: " + text);
    screen.capture("left-elsewhere");
  }

  @Test
  void aMentionReadOnAnotherDeviceLeavesTheStatusBar() {
    ServerFrame.MessageFrame mention = server.says("r2", "bob", "@alice lunch at noon?");
    link.frame(mention);
    link.frame(new ServerFrame.Notification("r2", mention.seq(), "bob", "mention", "@alice lunch at noon?"));
    screen.pump();
    assertTrue(screen.text().contains("1 unread in /mentions"), screen.text());
    // Read on the phone: the marker frame reads it here too, the mention with it.
    link.frame(new ServerFrame.Marker("r2", mention.seq()));
    screen.pump();
    assertFalse(screen.text().contains("unread in /mentions"), screen.text());
    assertEquals(0, client.state().room("r2").orElseThrow().unread());
  }

  @Test
  void aBlockMadeOnAnotherDeviceFoldsTheirMessagesAndTheyCountForNothing() {
    long before = client.state().room("r2").orElseThrow().unread();
    // carol's line in #general carries bob's 🎉: after the block it counts him no more.
    link.frame(server.reacts("r1", "bob", 3, "\ud83c\udf89", true));
    screen.pump();
    assertTrue(screen.text().contains("[\ud83c\udf89 1]"), screen.text());
    link.frame(new ServerFrame.Block("bob", true));
    screen.pump();
    assertFalse(screen.text().contains("[\ud83c\udf89 1]"), "a blocked user's reaction counts in no chip: " + screen.text());
    link.frame(server.says("r2", "bob", "secret lunch plans"));
    link.frame(ServerFrame.Typing.started("r2", "bob", server.now().plusSeconds(5)));
    screen.pump();
    assertEquals(before, client.state().room("r2").orElseThrow().unread(), "his line is no unread line");
    screen.alt('2');
    String text = screen.text();
    assertFalse(text.contains("secret lunch plans"), text);
    assertFalse(text.contains("anyone for lunch?"), "what he wrote before is folded too: " + text);
    assertTrue(row("a message from someone you block").contains("·"), text);
    assertFalse(text.contains("bob is typing"), text);

    link.frame(new ServerFrame.Block("bob", false));
    screen.pump();
    assertTrue(screen.text().contains("secret lunch plans"), "unblocked elsewhere: shown again");
  }

  @Test
  void aNickCompletedAtTheStartOfALineIsSentExactlyAsShown() {
    screen.type("da");
    screen.press(KeyType.Tab);
    assertEquals("[#general] dave:", screen.inputRow());
    screen.type("the agenda is up");
    String shown = screen.inputRow().substring("[#general] ".length());
    screen.press(KeyType.Enter);
    ClientFrame.Send sent = link.sends().get(link.sends().size() - 1);
    assertEquals("dave: the agenda is up", sent.text());
    assertEquals(shown, sent.text(), "what was on the input line, to the character");
    assertTrue(row("the agenda is up").contains("alice: dave: the agenda is up  ⋯"), screen.text());
  }

  @Test
  void eachMessageLineShowsTheNumberThatReplyReactAndDelTake() {
    FakeServer busy = new FakeServer("alice");
    busy.room("r9", "busy", "room", "alice", "bob");
    for (int i = 1; i <= 1040; i++) {
      busy.says("r9", "bob", "message " + i);
    }
    busy.joined("r9", "carol");
    FakeLink link9 = new FakeLink();
    open(busy, link9);
    link9.hello("alice", busy.summary("r9", 1041));
    screen.pump();
    String text = screen.text();
    assertTrue(row("bob: message 1039 ").matches(".*│ 39 \\d\\d:\\d\\d bob: message 1039 +│.*"), text);
    assertTrue(row("carol joined").matches(".*│    \\d\\d:\\d\\d → carol joined.*"), "no number on a join: " + text);
    screen.capture("line-numbers");

    enter("/react 38 :tada:");
    enter("/reply 39 on it");
    enter("/del 40");
    enter("/react 1002 :+1:");
    ClientFrame.React react = (ClientFrame.React) link9.sent.stream().filter(f -> f instanceof ClientFrame.React)
        .findFirst().orElseThrow();
    assertEquals(1038, react.seq());
    assertEquals(":tada:", react.emoji(), "sent as typed: the server stores its emoji");
    assertEquals(Long.valueOf(1039), link9.sends().get(0).replyTo());
    assertEquals(1040, link9.sent.stream().filter(f -> f instanceof ClientFrame.Delete)
        .map(f -> ((ClientFrame.Delete) f).seq()).findFirst().orElseThrow());
    assertEquals(List.of(1038L, 1002L), link9.sent.stream().filter(f -> f instanceof ClientFrame.React)
        .map(f -> ((ClientFrame.React) f).seq()).toList(), "a number of four digits is a whole seq");

    // Scrolled up by more than a thousand entries, the same short number means the line on screen.
    for (int i = 0; i < 200 && !screen.text().contains("bob: message 38 "); i++) {
      screen.press(KeyType.PageUp);
    }
    assertTrue(row("bob: message 38 ").contains(" 38 "), screen.text());
    enter("/react 38 :+1:");
    ClientFrame.React early = (ClientFrame.React) link9.sent.get(link9.sent.size() - 1);
    assertEquals(38, early.seq(), screen.text());
  }

  @Test
  void reactionsShowAsOneEmojiEachDrawnInTheirColumnsAndFilesToo() {
    screen.resize(140, 16); // the file's line on one row
    link.frame(server.reacts("r1", "carol", 2, "\ud83d\udc4d", true)); // 👍
    link.frame(server.reacts("r1", "dave", 2, "\ud83c\udf89", true)); // 🎉
    link.frame(server.reacts("r1", "bob", 2, ":tada:", true)); // as an older server stored it: the same reaction
    link.frame(server.reacts("r1", "bob", 3, "\u2b50", true)); // ⭐, one char that terminals draw wide
    link.frame(server.reacts("r1", "dave", 3, "\u2764\ufe0f", true)); // ❤️, one column on some terminals, two on others
    link.frame(server.shares("r1", "bob", "agenda.pdf", new byte[6200]));
    screen.pump();
    String text = screen.text();
    screen.capture("reactions");
    String thumbs = row("[\ud83d\udc4d 1");
    assertTrue(thumbs.contains("[\ud83d\udc4d 1  \ud83c\udf89 2]"), "one 🎉 with both, no ??: " + text);
    assertTrue(row("\u2b50").contains("[\u2b50\ufe0f 1  \u2764 1]"), text);
    assertTrue(row("agenda.pdf").contains("bob: \ud83d\udcce agenda.pdf (6.2 KB, application/octet-stream)"), text);
    assertFalse(text.contains("??"), text);
    int border = columnOfBar(row("hi! the agenda"), 2);
    assertTrue(border > 0, text);
    for (String r : List.of(thumbs, row("\u2b50"), row("agenda.pdf"))) {
      assertEquals(border, columnOfBar(r, 2), "the member list's border stays in its column: " + r);
    }
  }

  @Test
  void anUnsentLineStaysWithItsRoomAcrossSwitchesAndReconnects() {
    screen.type("half a thought");
    screen.ctrl('n');
    assertEquals("[#random]", screen.inputRow(), "the line typed in #general stays there");
    screen.type("lunch at one?");
    screen.alt('1');
    assertEquals("[#general] half a thought", screen.inputRow());
    assertEquals(1, link.sent.stream().filter(f -> f.equals(new ClientFrame.Typing("r1", null))).count(),
        "a draft put back is no typing: " + link.sent);

    link.down("connection reset");
    screen.pump();
    link.hello("alice", server.summary("r1", 3), server.summary("r2", 1), server.summary("dm:alice:dave", 3),
        server.summary("g1", 4));
    screen.pump();
    assertEquals("[#general] half a thought", screen.inputRow(), "a reconnect keeps it");
    screen.ctrl('n');
    assertEquals("[#random] lunch at one?", screen.inputRow());
    screen.press(KeyType.Enter);
    assertEquals("lunch at one?", link.sends().get(link.sends().size() - 1).text());
    screen.alt('1');
    screen.alt('2');
    assertEquals("[#random]", screen.inputRow(), "sent: nothing left to keep");
  }

  @Test
  void dmsAndGroupDmsShowNoJoinLinesButRoomsDo() {
    assertTrue(screen.text().contains("→ alice joined"), "a room: " + screen.text());
    screen.alt('4');
    assertEquals("[@dave]", screen.inputRow());
    assertTrue(screen.text().contains("dave: got a minute?"), screen.text());
    assertFalse(screen.text().contains("joined"), screen.text());
    screen.alt('3');
    assertEquals("[&bob, carol]", screen.inputRow());
    assertTrue(screen.text().contains("carol: shall we plan the offsite here?"), screen.text());
    assertFalse(screen.text().contains("joined"), screen.text());
    screen.capture("group-dm");
  }

  @Test
  void clearEmptiesTheViewNotTheHistoryAndPgUpBringsItBack() {
    assertTrue(screen.text().contains("bob: hello alice"), screen.text());
    enter("/clear");
    String text = screen.text();
    assertFalse(text.contains("bob: hello alice"), text);
    assertTrue(text.contains("── cleared · PgUp brings it back ──"), text);
    link.frame(server.says("r1", "bob", "after the clear"));
    screen.pump();
    assertTrue(screen.text().contains("bob: after the clear"), screen.text());
    assertEquals(4, client.state().room("r1").orElseThrow().entries().size(), "the client still holds it all");
    assertTrue(server.calls.stream().noneMatch(c -> c.startsWith("before")), server.calls.toString());
    screen.press(KeyType.PageUp);
    assertTrue(screen.text().contains("bob: hello alice"), screen.text());

    enter("/away lunch");
    assertTrue(screen.text().contains("/away is not there yet"), screen.text());
    enter("/j random");
    assertEquals("[#random]", screen.inputRow(), screen.text());
    screen.type("/cle");
    screen.press(KeyType.Tab);
    assertEquals("[#random] /clear", screen.inputRow());
    assertTrue(HelpWindow.text().contains("/clear"), HelpWindow.text());
  }
}
