package parley.client.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.client.core.ChatClient;
import parley.client.core.DirectScheduler;
import parley.client.core.FakeLink;
import parley.client.core.FakeServer;
import parley.client.command.Command;
import parley.client.command.CommandParser;
import parley.protocol.ClientFrame;
import parley.protocol.Message;
import parley.protocol.NotificationList;
import parley.protocol.Retention;
import parley.protocol.ServerFrame;

/** The main screen on a virtual terminal: what it shows after events from the server and keys from the user. */
class ChatWindowTest {
  private final FakeServer server = new FakeServer("alice");
  private final FakeLink link = new FakeLink();
  private ScreenHarness screen;
  private ChatClient client;
  private final DirectScheduler scheduler = new DirectScheduler();
  private boolean quit;
  private boolean loggedOut;
  private boolean accountClosed;

  @BeforeEach
  void setUp() {
    server.room("r1", "general", "room", "alice", "bob", "carol");
    server.room("r2", "random", "room", "alice", "bob");
    server.room("dm:alice:dave", "dave, alice", "dm", "dave", "alice");
    server.online("carol", false);
    server.joined("r1", "alice");
    server.says("r1", "bob", "hello alice, welcome to the general room");
    server.says("r1", "carol", "hi! the agenda is in the pinned doc");
    server.says("r2", "bob", "anyone for lunch?");
    server.joined("dm:alice:dave", "dave");
    server.joined("dm:alice:dave", "alice");

    screen = new ScreenHarness(100, 16);
    client = open(server, link);
    link.hello("alice", server.summary("r1", 1), server.summary("r2", 0), server.summary("dm:alice:dave", 2));
    screen.pump();
  }

  /** A client with its window on the screen, started. */
  private ChatClient open(FakeServer api, FakeLink fakeLink) {
    Clock clock = Clock.fixed(api.now(), ZoneOffset.UTC);
    ChatClient c = new ChatClient("alice", api, fakeLink, scheduler, ChatClient.Options.interactive(), clock);
    ChatWindow window = new ChatWindow(c, "127.0.0.1:8080", clock, ZoneOffset.UTC, new ChatWindow.Host() {
      @Override
      public void quit() {
        quit = true;
      }

      @Override
      public void logout() {
        loggedOut = true;
      }

      @Override
      public void bell() {
        screen.terminal.bell();
      }

      @Override
      public void loggedOut(String reason) {
        accountClosed = "account closed".equals(reason);
      }
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

  @Test
  void showsRoomsTimelineMembersAndStatus() {
    String text = screen.text();
    screen.capture("main");
    assertTrue(text.contains(" 1 #general"), text);
    assertTrue(text.contains(" 2 #random"), text);
    assertTrue(text.contains(" 3 @dave ●"), text);
    assertTrue(text.contains("#general · 3 members · id r1"), text);
    assertTrue(text.contains("09:02 bob: hello alice, welcome to the general room"), text);
    assertTrue(text.contains("── new messages ──"), text);
    assertTrue(text.contains("→ alice joined"), text);
    assertTrue(text.contains(" Members 2/3"), text);
    assertTrue(text.contains("● bob"), text);
    assertTrue(text.contains("○ carol"), text);
    assertTrue(text.contains(" alice · 127.0.0.1:8080 · ● online · lag 3 ms · F1 help"), text);
    assertEquals("[#general]", screen.inputRow(), text);
  }

  @Test
  void aClosedAccountIsShownAsSuchAndAnEntryOfAnUnknownKindIsSkipped() {
    ServerFrame.MessageFrame closed = server.closesAccount("r1", "carol");
    link.frame(new ServerFrame.MessageFrame("r1", closed.seq() - 1, "topic_of_tomorrow", "carol", "something new",
        server.now(), null, List.of()));
    link.frame(closed);
    screen.pump();
    String text = screen.text();
    assertTrue(text.contains("← carol closed their account"), text);
    assertFalse(text.contains("something new"), "a kind this client does not know is skipped: " + text);
    assertTrue(text.contains("carol (deleted): hi! the agenda is in the pinned"), "her earlier lines say so: " + text);
    assertTrue(text.contains("bob: hello alice"), text);
    assertFalse(text.contains("bob (deleted)"), text);
  }

  @Test
  void whoIsTypingShowsUnderTheTimelineAndTypingIsToldToTheRoom() {
    link.frame(ServerFrame.Typing.started("r1", "bob", server.now().plusSeconds(6)));
    screen.pump();
    assertTrue(screen.text().contains(" bob is typing..."), screen.text());
    link.frame(ServerFrame.Typing.started("r1", "carol", server.now().plusSeconds(6)));
    screen.pump();
    assertTrue(screen.text().contains(" bob and carol are typing..."), screen.text());
    screen.capture("typing");
    link.frame(ServerFrame.Typing.stopped("r1", "bob"));
    link.frame(server.says("r1", "carol", "done"));
    screen.pump();
    assertFalse(screen.text().contains("typing..."), screen.text());

    screen.type("on my");
    screen.press(KeyType.Enter);
    List<ClientFrame> typing = link.sent.stream().filter(f -> f instanceof ClientFrame.Typing).toList();
    assertEquals(List.of(new ClientFrame.Typing("r1", null), new ClientFrame.Typing("r1", true)), typing,
        "one typing frame for the whole line, a stop when the line went");
  }

  @Test
  void ownMessagesShowWhetherTheyWereDeliveredAndReadAndTheClientSaysWhatItHolds() {
    screen.type("did everyone get this");
    screen.press(KeyType.Enter);
    ClientFrame.Send sent = link.sends().get(link.sends().size() - 1);
    link.frame(server.postWithId("r1", "alice", "did everyone get this", sent.clientMsgId()));
    link.frame(new ServerFrame.Ack(sent.clientMsgId(), "r1", 4, server.now()));
    link.frame(new ServerFrame.Receipt("r1", "bob", 3, 3L));
    link.frame(new ServerFrame.Receipt("r1", "carol", 3, 3L));
    screen.pump();
    assertTrue(screen.text().contains("alice: did everyone get this  · sent"), screen.text());
    link.frame(new ServerFrame.Receipt("r1", "bob", 4, 3L));
    screen.pump();
    assertTrue(screen.text().contains("alice: did everyone get this  · delivered"), screen.text());
    link.frame(new ServerFrame.Receipt("r1", "bob", 4, 4L));
    screen.pump();
    assertTrue(screen.text().contains("alice: did everyone get this  · read 1/2"), screen.text());
    screen.capture("receipts");
    // carol answers without a read frame: the server counts her as having read up to her own message, and so does the
    // client (no receipt comes for it).
    link.frame(server.says("r1", "carol", "got it"));
    screen.pump();
    assertTrue(screen.text().contains("alice: did everyone get this  · read 2/2"), screen.text());

    // Once a second at most, the client tells each room how far it holds it.
    scheduler.elapse();
    assertTrue(link.sent.contains(new ClientFrame.Delivered("r1", 5L)), link.sent.toString());
  }

  @Test
  void mentionsOpensTheInboxAndEnterOpensTheRoomAtTheMessage() {
    server.inbox.add(new NotificationList.Item("3", "r2", 1, "bob", "mention", "@alice the deploy",
        server.now(), false));
    link.frame(new ServerFrame.Notification("r2", 1, "bob", "mention", "@alice the deploy"));
    screen.pump();
    assertTrue(screen.text().contains("1 unread in /mentions"), screen.text());
    screen.type("/mentions");
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(screen.text().contains("bob: @alice the deploy"), screen.text());
    screen.capture("mentions");
    screen.press(KeyType.Enter);
    screen.pump();
    assertEquals("r2", client.state().current().orElseThrow().id());
    assertTrue(link.sent.contains(new ClientFrame.Focus("r2")), link.sent.toString());
  }

  @Test
  void aLineIsPendingAtOnceAndSentOnceAcknowledged() {
    screen.type("on my way");
    screen.press(KeyType.Enter);
    assertTrue(screen.text().contains("alice: on my way  ⋯"), screen.text());
    screen.capture("pending");

    ClientFrame.Send send = link.sends().get(0);
    ServerFrame.MessageFrame stored = server.postWithId("r1", "alice", "on my way", send.clientMsgId());
    link.frame(new ServerFrame.Ack(send.clientMsgId(), "r1", stored.seq(), stored.sentAt()));
    screen.pump();
    assertTrue(screen.text().contains("alice: on my way"), screen.text());
    assertFalse(screen.text().contains("⋯"), screen.text());
    assertTrue(screen.inputRow().equals("[#general]"), "the input line is empty again");
  }

  @Test
  void ctrlNAndAltNumbersSwitchRooms() {
    screen.ctrl('n');
    assertTrue(screen.text().contains("#random · 2 members"), screen.text());
    assertTrue(screen.text().contains("bob: anyone for lunch?"), screen.text());
    screen.alt('3');
    assertTrue(screen.text().contains("@dave · online"), screen.text());
    screen.ctrl('p');
    assertTrue(screen.text().contains("#random · 2 members"), screen.text());
    screen.alt('1');
    assertTrue(screen.text().contains("#general · 3 members"), screen.text());
  }

  @Test
  void aDmWhileLookingElsewhereRingsAndMarksTheRoom() {
    link.frame(server.says("dm:alice:dave", "dave", "got a minute?"));
    screen.pump();
    assertEquals(1, screen.bells);
    assertTrue(screen.rows().get(3).matches(" 3 @dave ● +1│.*"), screen.text());
    screen.capture("dm-arrives");
    link.frame(server.says("r2", "bob", "lunch at noon"));
    screen.pump();
    assertEquals(1, screen.bells, "a plain message elsewhere does not ring");
    screen.alt('a');
    assertTrue(screen.text().contains("dave: got a minute?"), "Alt+A goes to the DM first: " + screen.text());
  }

  @Test
  void aRoomWithMoreNewMessagesThanFitOpensAtTheNewMessagesLine() {
    for (int i = 1; i <= 40; i++) {
      server.says("r2", "bob", "lunch message " + i);
    }
    link.hello("alice", server.summary("r1", 4), server.summary("r2", 1), server.summary("dm:alice:dave", 2));
    screen.alt('2');
    String text = screen.text();
    assertTrue(text.contains("── new messages ──"), text);
    assertTrue(text.contains("bob: lunch message 1"), "the first unread is on screen: " + text);
    assertFalse(text.contains("bob: lunch message 40"), "not the newest: " + text);
    screen.press(KeyType.Escape);
    assertTrue(screen.text().contains("bob: lunch message 40"), "Esc goes to the newest line: " + screen.text());
  }

  @Test
  void actionsMessagesToAUserAndLogout() {
    screen.type("/me waves");
    screen.press(KeyType.Enter);
    ClientFrame.Send action = link.sends().get(0);
    assertEquals("/me waves", action.text());
    link.frame(server.postWithId("r1", "alice", action.text(), action.clientMsgId()));
    screen.pump();
    assertTrue(screen.text().contains("* alice waves"), screen.text());
    screen.type("/msg dave are you there?");
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(screen.text().contains("[@dave]"), screen.text());
    ClientFrame.Send direct = link.sends().get(1);
    assertEquals(new ClientFrame.Send("dm:alice:dave", direct.clientMsgId(), "are you there?"), direct);
    screen.type("/logout");
    screen.press(KeyType.Enter);
    assertTrue(loggedOut);
  }

  @Test
  void theAccountsLoginsPasswordAndClosingAreCommandsWhosePasswordsAreNeverShown() {
    screen.type("/sessions");
    screen.press(KeyType.Enter);
    screen.pump();
    String text = screen.text();
    assertTrue(text.contains("5d41402abc4b2a76 (this one)"), text);
    assertTrue(text.contains("0123456789abcdef"), text);
    screen.type("/endsession 0123456789abcdef");
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(server.calls.contains("end session 0123456789abcdef"), server.calls.toString());

    screen.type("/password");
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(screen.text().contains("Change your password"), screen.text());
    for (String field : List.of("correct horse", "battery staple", "battery staple")) {
      screen.type(field);
      screen.press(KeyType.Enter);
    }
    screen.pump();
    assertTrue(screen.text().contains("Password changed"), screen.text());
    assertFalse(screen.text().contains("battery staple"), "never on the screen");
    assertEquals("battery staple", server.password);

    screen.type("/closeaccount");
    screen.press(KeyType.Enter);
    screen.pump();
    screen.type("wrong");
    screen.press(KeyType.Enter);
    screen.type("close");
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(screen.text().contains("Account not closed: that is not your"), screen.text());
    assertFalse(loggedOut);
    screen.type("/closeaccount");
    screen.press(KeyType.Enter);
    screen.type("battery staple");
    screen.press(KeyType.Enter);
    screen.type("close");
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(server.calls.contains("close account"));
    assertTrue(accountClosed, "back to the login screen");
  }

  @Test
  void roomsAreRunFromTheInputLineAndARemovedRoomLeavesWithWhy() {
    screen.type("/topic agenda in the pinned doc");
    screen.press(KeyType.Enter);
    link.frame(server.lastModeration);
    screen.type("/op bob");
    screen.press(KeyType.Enter);
    link.frame(server.lastModeration);
    screen.type("/kick carol too loud");
    screen.press(KeyType.Enter);
    link.frame(server.lastModeration);
    screen.pump();
    String text = screen.text();
    assertTrue(server.calls.containsAll(List.of("change r1", "role bob admin", "kick carol too loud")), server.calls.toString());
    assertTrue(text.contains("— alice set the topic: agenda in the pinned doc"), text);
    assertTrue(text.contains("· agenda in the pinned doc"), "the topic is in the header: " + text);
    assertTrue(text.contains("— alice made bob an admin"), text);
    assertTrue(text.contains("← carol was kicked by alice: too loud"), text);
    assertTrue(text.contains("@alice"), "the owner is marked: " + text);
    assertTrue(text.contains("+bob"), "an admin is marked: " + text);
    assertFalse(text.contains("○ carol"), text);
    assertTrue(CommandParser.parse("/capacity many") instanceof Command.Invalid);

    // Now alice is removed from #random by someone else: it leaves her list, and she is told by whom and why.
    link.frame(server.moderation("r2", Message.KIND_BANNED, "bob", "alice", null, "off topic"));
    link.frame(new ServerFrame.Removed("r2", "banned", "bob", "off topic"));
    screen.pump();
    text = screen.text();
    assertFalse(text.contains(" #random    "), "gone from the list: " + text);
    assertTrue(text.contains("You were banned from #random by bob: off"), text);
    screen.type("/deleteroom");
    screen.press(KeyType.Enter);
    screen.type("delete");
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(server.calls.contains("delete r1"), server.calls.toString());
    assertTrue(screen.text().contains("You deleted #general and its history."), screen.text());
    link.frame(new ServerFrame.RoomDeleted("dm:alice:dave"));
    screen.pump();
    assertTrue(screen.text().contains("@dave was deleted by its owner"), screen.text());
  }

  @Test
  void aTypoIsEditedARepliedLineShowsWhatItAnswersAndADeletedOneIsGone() {
    screen.type("hello wrold");
    screen.press(KeyType.Enter);
    ClientFrame.Send typo = link.sends().get(0);
    ServerFrame.MessageFrame stored = server.postWithId("r1", "alice", typo.text(), typo.clientMsgId());
    link.frame(stored);
    screen.type("/edit hello world");
    screen.press(KeyType.Enter);
    ClientFrame.Edit edit = (ClientFrame.Edit) link.sent.get(link.sent.size() - 1);
    assertEquals(stored.seq(), edit.seq());
    assertEquals("hello world", edit.text());
    link.frame(server.changes("r1", Message.KIND_EDIT, "alice", stored.seq(), "hello world"));
    screen.pump();
    assertTrue(screen.text().contains("alice: hello world (edited)"), screen.text());
    assertFalse(screen.text().contains("wrold"), screen.text());

    screen.type("/reply 2 thanks bob");
    screen.press(KeyType.Enter);
    ClientFrame.Send reply = link.sends().get(1);
    assertEquals(Long.valueOf(2), reply.replyTo());
    ServerFrame.MessageFrame replied = server.replies("r1", "alice", reply.text(), reply.clientMsgId(), 2);
    link.frame(replied);
    screen.pump();
    assertTrue(screen.text().contains("↪ bob: hello alice"), screen.text());

    screen.type("/react 2 :tada:");
    screen.press(KeyType.Enter);
    ClientFrame.React react = (ClientFrame.React) link.sent.get(link.sent.size() - 1);
    assertEquals(new ClientFrame.React("r1", 2L, ":tada:", react.clientMsgId()), react);
    link.frame(server.reacts("r1", "alice", 2, ":tada:", true));
    link.frame(server.reacts("r1", "carol", 2, ":tada:", true));
    link.frame(server.reacts("r1", "carol", 2, "\ud83d\udc4d", true));
    link.frame(server.reacts("r1", "carol", 2, "\ud83d\udc4d", false));
    screen.pump();
    assertTrue(screen.text().contains("          [\ud83c\udf89 2]"), "👍 was taken off again: " + screen.text());

    screen.type("/del");
    screen.press(KeyType.Enter);
    ClientFrame.Delete delete = (ClientFrame.Delete) link.sent.get(link.sent.size() - 1);
    long replySeq = replied.seq();
    assertEquals(replySeq, delete.seq(), "your last message: the reply");
    link.frame(server.changes("r1", Message.KIND_DELETE, "alice", replySeq, null));
    screen.pump();
    assertTrue(screen.text().contains("✗ alice deleted a message"), screen.text());
    assertFalse(screen.text().contains("thanks bob"), screen.text());
  }

  @Test
  void upOnAnEmptyLineEditsYourLastMessageAndUpAgainRecallsSentLines() {
    screen.type("hello wrold");
    screen.press(KeyType.Enter);
    ClientFrame.Send typo = link.sends().get(0);
    link.frame(server.postWithId("r1", "alice", typo.text(), typo.clientMsgId()));
    screen.pump();
    screen.press(KeyType.ArrowUp);
    assertEquals("[#general] /edit hello wrold", screen.inputRow());
    screen.press(KeyType.ArrowUp);
    assertEquals("[#general] hello wrold", screen.inputRow(), "then the input history, as before");
  }

  @Test
  void retentionIsSetFromTheInputLineAndATrimmedHistorySaysWhereItStarts() {
    screen.type("/retention 100");
    screen.press(KeyType.Enter);
    link.frame(server.lastModeration);
    screen.pump();
    assertEquals(new Retention(100, null), server.lastRetention);
    assertTrue(screen.text().contains("— alice set the room to keep its last 100"), screen.text());
    assertEquals(new Command.ChangeRoom(null, null, null, null, new Retention(null, 30)),
        CommandParser.parse("/retention 30d"));
    assertEquals(new Command.ChangeRoom(null, null, null, null, new Retention(null, null)),
        CommandParser.parse("/retention all"));
    assertTrue(CommandParser.parse("/retention lots") instanceof Command.Invalid);

    // A room whose retention removed everything before #100: it opens at the floor, says so, and loads nothing older.
    FakeServer busy = new FakeServer("alice");
    busy.room("r9", "busy", "room", "alice", "bob");
    for (int i = 1; i <= 120; i++) {
      busy.says("r9", "bob", "old " + i);
    }
    busy.trims("r9", 100);
    FakeLink link9 = new FakeLink();
    ChatClient c = open(busy, link9);
    link9.hello("alice", busy.summary("r9", 121));
    screen.pump();
    for (int i = 0; i < 10; i++) {
      screen.press(KeyType.PageUp);
    }
    assertTrue(screen.text().contains("── history before #100 removed by retention ──"), screen.text());
    assertTrue(screen.text().contains("bob: old 100"), screen.text());
    assertFalse(screen.text().contains("bob: old 99 "), screen.text());
    assertTrue(busy.calls.stream().noneMatch(call -> call.startsWith("before")), busy.calls.toString());
    assertEquals(22, c.state().room("r9").orElseThrow().entries().size());
  }

  @Test
  void aFileIsSharedWithProgressEscCancelsAndAnotherIsDownloaded(@TempDir Path dir)
      throws Exception {
    Path notes = dir.resolve("notes.txt");
    Files.writeString(notes, "x".repeat(10_000));
    server.uploadGate = new CompletableFuture<>();
    screen.type("/upload " + notes);
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(screen.text().contains("↑ notes.txt 50% of 10 KB"), screen.text());
    screen.capture("upload-progress");
    screen.press(KeyType.Escape);
    screen.pump();
    assertTrue(screen.text().contains("Upload of notes.txt cancelled."), screen.text());
    assertFalse(screen.text().contains("↑ notes.txt"), screen.text());

    server.uploadGate = CompletableFuture.completedFuture(null);
    screen.type("/upload " + notes);
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(screen.text().contains("alice: 📎 notes.txt (10 KB,"), screen.text());
    assertTrue(screen.text().contains("application/octet-stream) · /download 4"), screen.text());

    byte[] photo = new byte[4321];
    new Random(5).nextBytes(photo);
    ServerFrame.MessageFrame shared = server.shares("r1", "bob", "photo.jpg", photo);
    link.frame(shared);
    screen.pump();
    assertTrue(screen.text().contains("bob: 📎 photo.jpg (4.3 KB"), screen.text());
    screen.type("/download " + shared.seq() + " " + dir.resolve("saved"));
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(screen.text().contains("Saved "), screen.text());
    assertTrue(Arrays.equals(photo, Files.readAllBytes(dir.resolve("saved").resolve("photo.jpg"))));
    assertTrue(CommandParser.parse("/download soon") instanceof Command.Invalid);
    screen.type("/download 2");
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(screen.text().contains("#2 is no file here"), screen.text());
  }

  @Test
  void aGroupDmOpensWithItsPeopleNamed() {
    screen.type("/group bob carol");
    screen.press(KeyType.Enter);
    screen.pump();
    assertTrue(server.calls.contains("group bob carol"), server.calls.toString());
    assertTrue(screen.text().contains("&bob, carol"), screen.text());
  }

  @Test
  void pageUpAndPageDownScrollTheTimeline() {
    for (int i = 1; i <= 60; i++) {
      link.frame(server.says("r1", "bob", "message " + i));
    }
    screen.pump();
    assertTrue(screen.text().contains("bob: message 60"), screen.text());
    screen.press(KeyType.PageUp);
    screen.press(KeyType.PageUp);
    assertTrue(screen.text().contains("more lines · PgDn"), screen.text());
    assertFalse(screen.text().contains("bob: message 60"), screen.text());
    screen.press(KeyType.PageDown);
    screen.press(KeyType.PageDown);
    assertTrue(screen.text().contains("bob: message 60"), screen.text());
    screen.press(KeyType.PageUp);
    screen.press(KeyType.Escape);
    assertTrue(screen.text().contains("bob: message 60"), "Esc goes back to the newest line");
  }

  @Test
  void olderHistoryLoadsPageByPageAsYouScrollUp() {
    FakeServer busy = new FakeServer("alice");
    busy.room("r9", "busy", "room", "alice", "bob");
    for (int i = 1; i <= 120; i++) {
      busy.says("r9", "bob", "old " + i);
    }
    FakeLink link9 = new FakeLink();
    ChatClient c = open(busy, link9);
    link9.hello("alice", busy.summary("r9", 120));
    screen.pump();
    assertEquals(50, c.state().room("r9").orElseThrow().entries().size());
    for (int i = 0; i < 20 && !screen.text().contains("start of #busy"); i++) {
      screen.press(KeyType.PageUp);
    }
    screen.capture("history-start");
    assertEquals(List.of("before r9 71", "before r9 21"),
        busy.calls.stream().filter(call -> call.startsWith("before")).toList());
    assertTrue(screen.text().contains("bob: old 1 "), screen.text());
  }

  @Test
  void theStatusBarSaysWhenTheConnectionIsDown() {
    link.down("connection refused");
    screen.pump();
    assertTrue(screen.text().contains("○ offline: reconnecting"), screen.text());
    screen.capture("offline");
    screen.type("typed while offline");
    screen.press(KeyType.Enter);
    assertTrue(screen.text().contains("· 1 unsent"), screen.text());
    link.hello("alice", server.summary("r1", 4), server.summary("r2", 0), server.summary("dm:alice:dave", 2));
    screen.pump();
    assertEquals("typed while offline", link.sends().get(0).text());
  }

  @Test
  void tabCompletesNicksAndUpRecallsSentLines() {
    screen.type("ca");
    screen.press(KeyType.Tab);
    assertEquals("[#general] carol:", screen.inputRow());
    screen.type("hi");
    screen.press(KeyType.Enter);
    screen.press(KeyType.ArrowUp);
    assertEquals("[#general] carol: hi", screen.inputRow());
  }

  @Test
  void f1ShowsTheHelpScreenAndEscClosesIt() {
    screen.resize(100, 24);
    screen.press(KeyType.F1);
    assertTrue(screen.text().contains("/create name [--passcode P] [--capacity N]"), screen.text());
    assertTrue(screen.text().contains("Ctrl+N / Ctrl+P"), screen.text());
    screen.capture("help");
    screen.press(KeyType.Escape);
    assertFalse(screen.text().contains("Ctrl+N / Ctrl+P"), screen.text());
  }

  @Test
  void commandsAnswerOnScreen() {
    screen.type("/frobnicate");
    screen.press(KeyType.Enter);
    assertTrue(screen.text().contains("-!- Unknown command /frobnicate"), screen.text());
    screen.type("/create book club");
    screen.press(KeyType.Enter);
    assertTrue(screen.text().contains("-!- Created #book club (id new"), screen.text());
    assertTrue(screen.text().contains("[#book club]"), screen.text());
    screen.type("/who");
    screen.press(KeyType.Enter);
    assertTrue(screen.text().contains("-!- 1 in #book club: online alice"), screen.text());
    screen.type("/quit");
    screen.press(KeyType.Enter);
    assertTrue(quit);
  }

  @Test
  void roomsOpensABrowserAndEnterJoins() {
    server.room("r5", "book club", "room", "bob");
    screen.type("/rooms");
    screen.press(KeyType.Enter);
    assertTrue(screen.text().contains("Rooms: Enter joins, Esc closes"), screen.text());
    screen.capture("rooms");
    for (int i = 0; i < 3 && !screen.text().contains("[#book club]"); i++) {
      screen.press(KeyType.Enter);
      if (!screen.text().contains("[#book club]")) {
        screen.type("/rooms");
        screen.press(KeyType.Enter);
        for (int j = 0; j <= i; j++) {
          screen.press(KeyType.ArrowDown);
        }
      }
    }
    assertTrue(screen.text().contains("[#book club]"), screen.text());
  }

  @Test
  void resizingReflows() {
    link.frame(server.says("r1", "bob", "a long line that will need to wrap once the terminal becomes much narrower"));
    screen.pump();
    screen.resize(60, 20);
    String text = screen.text();
    assertFalse(text.contains("Members"), "the member list gives way on a narrow terminal: " + text);
    assertTrue(text.contains("│  4 09:07 bob: a long line that will\n"), text);
    assertTrue(text.contains("│               need to wrap once the\n"), "continuation lines are indented: " + text);
    assertEquals(20, screen.rows().size());
    screen.capture("narrow");
  }
}
