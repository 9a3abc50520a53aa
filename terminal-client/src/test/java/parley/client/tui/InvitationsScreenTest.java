package parley.client.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import parley.client.core.ChatClient;
import parley.client.core.DirectScheduler;
import parley.client.core.FakeLink;
import parley.client.core.FakeServer;
import parley.protocol.InviteList;
import parley.protocol.ServerFrame;

/** v1.2 on the main screen: an invitation arrives, is answered here or elsewhere; blocks; a room's passcode. */
class InvitationsScreenTest {
  private static final String PROMPT = "dave invites you to alice, dave, erin — /accept 1, /decline 1, /block dave";

  private final FakeServer server = new FakeServer("alice");
  private final FakeLink link = new FakeLink();
  private final DirectScheduler scheduler = new DirectScheduler();
  private ScreenHarness screen;

  @BeforeEach
  void setUp() {
    server.room("r1", "general", "room", "alice", "bob");
    server.joined("r1", "alice");
    server.says("r1", "bob", "hello alice");
    screen = new ScreenHarness(140, 16); // wide enough that the notices checked fit on one line
    Clock clock = Clock.fixed(server.now(), ZoneOffset.UTC);
    ChatClient client = new ChatClient("alice", server, link, scheduler, ChatClient.Options.interactive(), clock);
    ChatWindow window = new ChatWindow(client, "127.0.0.1:8080", clock, ZoneOffset.UTC, new ChatWindow.Host() {
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
    client.addListener(window);
    screen.gui.addWindow(window);
    client.start();
    link.hello("alice", server.summary("r1", 2));
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

  /** The row of the invitation, above the typing line and the status bar. */
  private String inviteRow() {
    var rows = screen.rows();
    return rows.get(rows.size() - 4);
  }

  /** The invitation's row gave its place back to the timeline. */
  private void assertNoInviteRow() {
    assertFalse(screen.text().contains("✉"), screen.text());
    assertTrue(inviteRow().contains("│"), "the timeline reaches down to the typing line again: " + screen.text());
  }

  @Test
  void anInvitationShowsUntilItIsAnsweredOnAnotherDevice() {
    assertFalse(screen.text().contains("✉"), screen.text());
    String statusBefore = screen.rows().get(screen.rows().size() - 2);
    InviteList.Item invite = server.invites("dave", "erin");
    link.frame(new ServerFrame.Invite(invite));
    screen.pump();
    String text = screen.text();
    assertEquals(" ✉ " + PROMPT, inviteRow(), text);
    assertTrue(text.contains("-!- " + PROMPT), "a line in the room in view too: " + text);
    assertEquals(1, screen.bells);
    assertEquals(statusBefore, screen.rows().get(screen.rows().size() - 2), "the status bar stays where it was");
    screen.resize(100, 16);
    screen.capture("invite");
    screen.resize(140, 16);

    link.frame(new ServerFrame.InviteEnded(invite.room().id(), false));
    screen.pump();
    text = screen.text();
    assertNoInviteRow();
    assertTrue(text.contains("dave's invitation to alice, dave, erin has ended: declined on another device"), text);
  }

  @Test
  void acceptJoinsTheGroupDmAndOpensIt() {
    InviteList.Item invite = server.invites("dave", "erin");
    link.frame(new ServerFrame.Invite(invite));
    screen.pump();
    enter("/accept 1");
    String text = screen.text();
    assertTrue(server.calls.contains("accept " + invite.room().id()), server.calls.toString());
    assertEquals("[&dave, erin]", screen.inputRow(), text);
    assertTrue(text.contains(" 2 &dave, erin"), "in the room list: " + text);
    assertFalse(text.contains("→ alice joined"), "a group DM shows no join lines: " + text);
    assertNoInviteRow();
    screen.capture("invite-accepted");
  }

  @Test
  void anInvitationAcceptedOnAnotherDeviceBringsItsRoom() {
    InviteList.Item invite = server.invites("dave", "erin");
    link.frame(new ServerFrame.Invite(invite));
    server.acceptInvite(invite.room().id());
    link.frame(new ServerFrame.InviteEnded(invite.room().id(), true));
    screen.pump();
    String text = screen.text();
    assertNoInviteRow();
    assertTrue(text.contains(" 2 &dave, erin"), text);
    assertTrue(text.contains("You accepted dave's invitation to alice, dave, erin on another device."), text);
    assertEquals("[#general]", screen.inputRow());
  }

  @Test
  void blockEndsTheInvitationAndInvitesListsWhatWaits() {
    link.frame(new ServerFrame.Invite(server.invites("dave", "erin")));
    link.frame(new ServerFrame.Invite(server.invites("frank", "erin")));
    screen.pump();
    assertTrue(inviteRow().startsWith(" ✉ 2 invitations, from 1 dave, 2 frank — /invites"), screen.text());
    enter("/invites");
    assertTrue(screen.text().contains("-!- 2  frank invites you to alice, erin, frank (id g"), screen.text());
    enter("/block dave");
    String text = screen.text();
    assertTrue(server.calls.contains("block dave"), server.calls.toString());
    assertTrue(text.contains("You blocked dave: nothing of theirs reaches you; their invitation"),
        text);
    assertTrue(inviteRow().startsWith(" ✉ frank invites you to alice, erin, frank — /accept 2, /decline 2"), text);
    enter("/blocks");
    assertTrue(screen.text().contains("You block 1: dave"), screen.text());
    enter("/decline");
    assertNoInviteRow();
    assertTrue(screen.text().contains("You declined frank's invitation"), screen.text());
  }

  @Test
  void joiningAPasscodeRoomWithoutOneSaysHowToGiveIt() {
    server.room("r2", "lounge", "room", "bob");
    server.passcode("r2", "s3cret-door");
    enter("/join lounge");
    assertTrue(screen.text().contains("-!- lounge needs a passcode: /join lounge <passcode>"), screen.text());
    enter("/join lounge s3cret-door");
    assertEquals("[#lounge]", screen.inputRow(), screen.text());
  }

  @Test
  void theNewCommandsAreInHelpAndCompleteWithTab() {
    screen.type("/inv");
    screen.press(KeyType.Tab);
    // Two commands start so since v1.3, /invite (to a room) and /invites: Tab again is the other one.
    assertEquals("[#general] /invite", screen.inputRow());
    screen.press(KeyType.Tab);
    assertEquals("[#general] /invites", screen.inputRow());
    assertTrue(HelpWindow.text().contains("/invites /accept /decline /block /unblock /blocks"), HelpWindow.text());
    for (String command : parley.client.command.CommandParser.RUNNING_A_ROOM) {
      assertTrue(HelpWindow.text().matches("(?s).*[ \n]" + command + "[ \n].*"), command + " in " + HelpWindow.text());
    }
  }
}
