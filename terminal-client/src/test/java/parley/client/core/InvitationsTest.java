package parley.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import parley.client.net.Scheduler;
import parley.protocol.InviteList;
import parley.protocol.ServerFrame;
import parley.protocol.SessionList;

/** v1.2 in the client's core: invitations as frames and after hello, answering them, blocks, passcode refusals. */
class InvitationsTest {
  private final FakeServer server = new FakeServer("alice");
  private final FakeLink link = new FakeLink();
  private final DirectScheduler scheduler = new DirectScheduler();
  private ChatClient client;
  private int bells;

  @BeforeEach
  void setUp() {
    server.room("r1", "general", "room", "alice", "bob");
    server.joined("r1", "alice");
    client = new ChatClient("alice", server, link, scheduler, ChatClient.Options.interactive(),
        Clock.fixed(server.now(), ZoneOffset.UTC));
    client.addListener(new ChatClient.Listener() {
      @Override
      public void onChange() {}

      @Override
      public void onBell() {
        bells++;
      }
    });
    client.start();
    link.hello("alice", server.summary("r1", 1));
  }

  private Invitations invitations() {
    return client.invitations();
  }

  /** What the client said, in the room in view (or the lobby). */
  private List<String> notices() {
    List<String> all = new ArrayList<>();
    client.state().lobby().forEach(n -> all.add(n.text()));
    client.state().current().ifPresent(r -> r.notices().forEach(n -> all.add(n.text())));
    return all;
  }

  private boolean said(String part) {
    return notices().stream().anyMatch(n -> n.contains(part));
  }

  @Test
  void anInviteFrameIsShownWithHowToAnswerItAndRings() {
    InviteList.Item invite = server.invites("dave", "erin");
    link.frame(new ServerFrame.Invite(invite));
    assertEquals(1, invitations().pending().size());
    assertEquals(1, invitations().pending().get(0).number());
    assertTrue(notices().contains("dave invites you to alice, dave, erin — /accept 1, /decline 1, /block dave"),
        notices().toString());
    assertEquals(1, bells);
    assertTrue(client.state().room(invite.room().id()).isEmpty(), "not a member until accepted");

    link.frame(new ServerFrame.Invite(invite));
    assertEquals(1, invitations().pending().size(), "the same room once");
    assertEquals(1, notices().stream().filter(n -> n.contains("invites you")).count());
  }

  @Test
  void acceptJoinsTheGroupAndOpensIt() {
    InviteList.Item invite = server.invites("dave", "erin");
    link.frame(new ServerFrame.Invite(invite));
    String id = invite.room().id();
    invitations().accept("1");
    assertTrue(server.calls.contains("accept " + id), server.calls.toString());
    assertEquals(id, client.state().current().orElseThrow().id());
    assertEquals("&dave, erin", client.state().current().orElseThrow().displayName("alice"));
    assertTrue(invitations().pending().isEmpty());
    assertTrue(said("You joined alice, dave, erin (dave invited you)."), notices().toString());

    // The server tells every device, this one too: no news here.
    link.frame(new ServerFrame.InviteEnded(id, true));
    assertFalse(said("on another device"), notices().toString());
    assertTrue(client.state().current().orElseThrow().loaded(), "its history is loaded");
  }

  @Test
  void anInvitationAnsweredOnAnotherDeviceGoesAndAnAcceptedOnesRoomComes() {
    InviteList.Item declined = server.invites("dave", "erin");
    InviteList.Item accepted = server.invites("frank", "erin");
    link.frame(new ServerFrame.Invite(declined));
    link.frame(new ServerFrame.Invite(accepted));
    assertEquals(List.of(1, 2), invitations().pending().stream().map(Invitations.Pending::number).toList());

    server.invites.answer(declined.room().id());
    link.frame(new ServerFrame.InviteEnded(declined.room().id(), false));
    assertEquals(List.of(2), invitations().pending().stream().map(Invitations.Pending::number).toList(),
        "the other keeps its number");
    assertTrue(said("dave's invitation to alice, dave, erin has ended: declined on another device, or dave was blocked."),
        notices().toString());

    // A new invitation takes the smallest free number.
    InviteList.Item third = server.invites("gina", "erin");
    link.frame(new ServerFrame.Invite(third));
    assertEquals(List.of(1, 2), invitations().pending().stream().map(Invitations.Pending::number).toList());
    assertEquals(third.room().id(), invitations().pending().get(0).roomId());

    // Accepted elsewhere: the room is read and listed here, though its entries have not come on this connection yet.
    server.acceptInvite(accepted.room().id());
    link.frame(new ServerFrame.InviteEnded(accepted.room().id(), true));
    assertEquals(List.of(third.room().id()), invitations().pending().stream().map(Invitations.Pending::roomId).toList());
    assertTrue(said("You accepted frank's invitation to alice, erin, frank on another device."), notices().toString());
    RoomState room = client.state().room(accepted.room().id()).orElseThrow();
    assertEquals("&erin, frank", room.displayName("alice"));
    assertTrue(room.loaded());
    assertEquals("r1", client.state().current().orElseThrow().id(), "the room in view stays");
  }

  @Test
  void invitationsAreReadAfterEachHelloAndThoseEndedMeanwhileGo() {
    InviteList.Item waiting = server.invites("dave", "erin");
    link.down("dropped");
    link.hello("alice", server.summary("r1", 1));
    assertTrue(server.calls.contains("invites"), server.calls.toString());
    assertEquals(List.of(waiting.room().id()), invitations().pending().stream().map(Invitations.Pending::roomId).toList());
    assertTrue(said("dave invites you to alice, dave, erin"), notices().toString());
    assertEquals(0, bells, "read, not arrived: no bell");

    server.invites.answer(waiting.room().id()); // declined elsewhere while this client was offline
    link.down("dropped");
    link.hello("alice", server.summary("r1", 1));
    assertTrue(invitations().pending().isEmpty());
  }

  @Test
  void anInvitationEndedWhileTheListIsReadDoesNotComeBack() {
    // Here the answers of the server wait until the test lets the client's thread run them.
    List<Runnable> waiting = new ArrayList<>();
    Scheduler later = new Scheduler() {
      @Override
      public void execute(Runnable task) {
        waiting.add(task);
      }

      @Override
      public Cancellable schedule(Duration delay, Runnable task) {
        return () -> {};
      }
    };
    FakeLink link2 = new FakeLink();
    ChatClient other = new ChatClient("alice", server, link2, later, ChatClient.Options.interactive(),
        Clock.fixed(server.now(), ZoneOffset.UTC));
    other.start();
    InviteList.Item invite = server.invites("dave", "erin");
    link2.hello("alice", server.summary("r1", 1)); // the list is read now, with the invitation in it
    link2.frame(new ServerFrame.Invite(invite));
    assertEquals(1, other.invitations().pending().size());
    server.invites.answer(invite.room().id());
    link2.frame(new ServerFrame.InviteEnded(invite.room().id(), false));
    while (!waiting.isEmpty()) {
      waiting.remove(0).run();
    }
    assertTrue(server.calls.contains("invites"));
    assertTrue(other.invitations().pending().isEmpty(), "the list was older than the end");

    // A later read knows nothing of that end any more, and needs not to.
    link2.frame(new ServerFrame.Invite(server.invites("dave", "erin")));
    link2.hello("alice", server.summary("r1", 1));
    while (!waiting.isEmpty()) {
      waiting.remove(0).run();
    }
    assertEquals(1, other.invitations().pending().size());
  }

  @Test
  void withSeveralInvitationsAnswersNameOne() {
    link.frame(new ServerFrame.Invite(server.invites("dave", "erin")));
    InviteList.Item second = server.invites("frank", "erin");
    link.frame(new ServerFrame.Invite(second));
    invitations().decline(null);
    assertTrue(said("You have 2 invitations: /decline n (/invites lists them)."), notices().toString());
    invitations().accept("7");
    assertTrue(said("No invitation 7: /invites lists them."), notices().toString());
    invitations().decline(second.room().id());
    assertTrue(server.calls.contains("decline " + second.room().id()), server.calls.toString());
    assertTrue(said("You declined frank's invitation to alice, erin, frank."), notices().toString());
    assertEquals(1, invitations().pending().size());

    invitations().list();
    assertTrue(said("1 invitation:"), notices().toString());
    assertTrue(notices().stream().anyMatch(n -> n.startsWith("1  dave invites you to alice, dave, erin (id g")),
        notices().toString());
  }

  @Test
  void blockingEndsTheirInvitationsQuietlyAndBlocksAreListed() {
    InviteList.Item invite = server.invites("dave", "erin");
    link.frame(new ServerFrame.Invite(invite));
    invitations().block("@Dave");
    assertTrue(server.calls.contains("block dave"), server.calls.toString());
    assertTrue(invitations().pending().isEmpty());
    assertTrue(said("You blocked dave: nothing of theirs reaches you; their invitation is gone."),
        notices().toString());
    link.frame(new ServerFrame.InviteEnded(invite.room().id(), false));
    assertFalse(said("has ended"), "this client ended it: " + notices());

    invitations().blocks();
    assertTrue(said("You block 1: dave (/unblock user lets one back)."), notices().toString());
    invitations().block("alice");
    assertTrue(said("Not blocked: you cannot block yourself"), notices().toString());
    invitations().unblock("dave");
    assertTrue(said("You unblocked dave."), notices().toString());
    invitations().blocks();
    assertTrue(said("You block nobody."), notices().toString());
  }

  @Test
  void aJoinWithoutThePasscodeSaysHowToGiveItAndOtherRefusalsAreTheServers() {
    server.room("r2", "lounge", "room", "bob");
    server.passcode("r2", "s3cret-door");
    client.rooms().join("lounge", null);
    assertTrue(said("lounge needs a passcode: /join lounge <passcode>"), notices().toString());
    client.rooms().join("r2", "wrong-door");
    assertTrue(said("that passcode does not open this room"), notices().toString());
    client.rooms().join("r2", "s3cret-door");
    assertEquals("r2", client.state().current().orElseThrow().id());
  }

  @Test
  void anInviteLinkIsShownOnceListedByIdAndJoinedByItsAddressOrToken() {
    client.rooms().makeLink(2, 3);
    String token = server.links.keySet().iterator().next();
    assertEquals(3 * 86_400L, server.links.get(token).expiresAt().getEpochSecond() - server.now().getEpochSecond());
    assertTrue(said("Invite link to #general: http://fake/#invite=" + token + " (0 of 2 used, until "),
        notices().toString());
    assertTrue(said("In this client: /join " + token), notices().toString());
    client.rooms().links();
    assertTrue(said("Invite links of #general: L0 by alice, 0 of 2 used, until "), notices().toString());
    assertFalse(notices().stream().filter(n -> n.startsWith("Invite links of")).anyMatch(n -> n.contains(token)),
        "a listing never shows a token");

    server.room("r3", "crew", "room", "bob");
    server.links.put("x".repeat(43), new parley.protocol.InviteLinkView("L9", "x".repeat(43), "r3", "bob",
        server.now(), server.now().plusSeconds(60), null, 0));
    client.rooms().join("https://chat.example/#invite=" + "x".repeat(43), null);
    assertEquals("r3", client.state().current().orElseThrow().id());
    assertTrue(said("Joined #crew (id r3) by invite link."), notices().toString());
    client.rooms().join("y".repeat(43), null);
    assertTrue(said("no invite link has that token"), notices().toString());

    client.rooms().revokeLink("L7");
    assertTrue(said("Not revoked: the room has no such invite link standing"), notices().toString());
  }

  @Test
  void aReportIsFiledListedByNumberAndResolved() {
    server.says("r1", "bob", "buy cheap watches");
    long seq = server.timeline("r1").get(server.timeline("r1").size() - 1).seq();
    client.rooms().report(seq, "spam");
    assertTrue(said("Reported to the room's owner and admins; bob is not told."), notices().toString());
    client.rooms().report(null, null);
    assertTrue(said("No such line to report"), notices().toString());
    client.rooms().reports();
    assertTrue(said("Open reports of #general: 1) bob: \"buy cheap watches\" — reported by alice: spam"
        + " — /resolve n dismiss | delete | kick | ban"), notices().toString());
    client.rooms().resolve(2, "delete");
    assertTrue(said("No report 2: /reports lists them, numbered."), notices().toString());
    client.rooms().resolve(1, "dismiss");
    assertTrue(said("Report 1 resolved: dismissed."), notices().toString());
    client.rooms().reports();
    assertTrue(said("No open reports in #general."), notices().toString());
  }

  @Test
  void peopleAreFoundByTheStartOfTheirNameAndOneCanLeaveTheDirectory() {
    client.invitations().findUsers("b");
    assertTrue(said("People starting with b: bob — /dm user"), notices().toString());
    client.invitations().findUsers("zz");
    assertTrue(said("Nobody listed has a name starting with zz."), notices().toString());
    client.invitations().setListed(false);
    assertTrue(said("You are out of the directory"), notices().toString());
    assertFalse(server.listed);
  }

  @Test
  void anAdminListsAccountsTurnsOneOffAndOnAndReadsTheLog() {
    client.admin().users();
    assertTrue(said("2 accounts: alice (admin, online); mallory (seen 2025-03-14 "), notices().toString());
    client.admin().setDeactivated("mallory", true);
    assertTrue(said("mallory is deactivated: their connections ended, and they cannot log in until /admin on mallory"),
        notices().toString());
    client.admin().users();
    assertTrue(said("mallory (deactivated, seen "), notices().toString());
    client.admin().setDeactivated("nobody", true);
    assertTrue(said("Not done: there is no such user"), notices().toString());
    client.admin().setDeactivated("mallory", false);
    assertTrue(said("mallory can log in again."), notices().toString());
    client.admin().signup("closed");
    assertTrue(said("Sign-up is closed: admins make the accounts."), notices().toString());
    client.admin().invite();
    assertTrue(said("/#signup=" + "s".repeat(43) + " — in this client: parley client --invite " + "s".repeat(43)),
        notices().toString());
    client.admin().audit();
    assertTrue(said("Audit log, newest first: 2025-03-14 "), notices().toString());
    assertTrue(said(" alice reactivate mallory; "), notices().toString());
  }

  @Test
  void sessionsEndedByTheLimitAreListedToo() {
    server.sessionsEnded.add(new SessionList.Ended("0123456789abcdef", server.now(), server.now(), "198.51.100.20",
        "curl/8.5.0", server.now().plusSeconds(60), "session_limit"));
    client.account().sessions();
    assertTrue(said("Ended because an account keeps at most 32 logins (a newer one came), newest first:"),
        notices().toString());
    assertTrue(notices().stream().anyMatch(n -> n.startsWith("0123456789abcdef ended 2025-03-14T09:")
        && n.contains("curl/8.5.0  from 198.51.100.20")), notices().toString());
  }
}
