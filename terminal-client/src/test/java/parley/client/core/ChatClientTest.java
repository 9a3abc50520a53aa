package parley.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import parley.protocol.ClientFrame;
import parley.protocol.Member;
import parley.protocol.Message;
import parley.protocol.NotificationList;
import parley.protocol.RoomSummary;
import parley.protocol.ServerFrame;

/** The client's core against a scripted link and an in-memory server: resume, gap fill, the outbox. */
class ChatClientTest {
  private final FakeServer server = new FakeServer("alice");
  private final FakeLink link = new FakeLink();
  private final DirectScheduler scheduler = new DirectScheduler();
  private ChatClient client;

  @BeforeEach
  void setUp() {
    server.room("r1", "general", "room", "alice", "bob");
    server.joined("r1", "alice");
    server.says("r1", "bob", "one");
    server.says("r1", "bob", "two");
    client = new ChatClient("alice", server, link, scheduler, ChatClient.Options.interactive(),
        Clock.fixed(server.now(), ZoneOffset.UTC));
    client.start();
  }

  private RoomState r1() {
    return client.state().room("r1").orElseThrow();
  }

  private List<Long> seqs() {
    return r1().entries().stream().map(Message::seq).toList();
  }

  @Test
  void helloLoadsEachRoomsLatestPageAndItsMembers() {
    link.hello("alice", server.summary("r1", 1));
    assertEquals(List.of(1L, 2L, 3L), seqs());
    assertEquals(Set.of("alice", "bob"), r1().members());
    assertEquals("r1", client.state().current().orElseThrow().id());
    assertEquals(List.of(new ClientFrame.Read("r1", 3L), new ClientFrame.Focus("r1")), link.sent,
        "viewing the room moved its marker, and the server knows which room is in view");
  }

  @Test
  void aRoomMateTypesUntilTheyStopSendOrTheIndicatorExpires() {
    link.hello("alice", server.summary("r1", 3));
    Instant now = server.now();
    link.frame(ServerFrame.Typing.started("r1", "bob", now.plusSeconds(6)));
    link.frame(ServerFrame.Typing.started("r1", "alice", now.plusSeconds(6))); // another device of hers: not shown
    assertEquals(List.of("bob"), r1().typists(now));
    assertEquals(List.of(), r1().typists(now.plus(LinkEvents.TYPING_SHOWN_FOR)), "expires without a renewal");
    link.frame(ServerFrame.Typing.started("r1", "bob", now.plusSeconds(6)));
    link.frame(server.says("r1", "bob", "sent"));
    assertEquals(List.of(), r1().typists(now), "a message from bob ends his typing");
    link.frame(ServerFrame.Typing.started("r1", "bob", now.plusSeconds(6)));
    link.frame(ServerFrame.Typing.stopped("r1", "bob"));
    assertEquals(List.of(), r1().typists(now));
  }

  @Test
  void theUserTypingIsToldAtMostEveryTwoSecondsAndStopsWhenTheInputIsCleared() {
    link.hello("alice", server.summary("r1", 3));
    link.sent.clear();
    client.inputChanged("h");
    client.inputChanged("he");
    client.inputChanged("hey");
    client.inputChanged("");
    client.inputChanged("/join lounge");
    assertEquals(List.of(new ClientFrame.Typing("r1", null), new ClientFrame.Typing("r1", true)), link.sent);
  }

  @Test
  void theInboxCountIsWhatIsUnreadAndAMentionIsReadWithItsRoomOnAnyDevice() {
    server.room("r2", "random", "room", "alice", "bob");
    server.joined("r2", "alice");
    server.says("r2", "bob", "@alice a");
    server.says("r2", "bob", "@alice b");
    server.inbox.add(new NotificationList.Item("2", "r2", 3, "bob", "mention", "@alice b", server.now(), false));
    server.inbox.add(new NotificationList.Item("1", "r2", 2, "bob", "mention", "@alice a", server.now(), false));
    link.frame(new ServerFrame.Hello("alice", List.of(server.summary("r1", 3), server.summary("r2", 1)), 2L));
    assertEquals(2, client.state().notifications(), "hello's count, and the inbox says which they are");
    // Read up to the first on the phone: that one is read here too.
    link.frame(new ServerFrame.Marker("r2", 2));
    assertEquals(1, client.state().notifications());
    ServerFrame.MessageFrame c = server.says("r2", "bob", "@alice c");
    link.frame(c);
    link.frame(new ServerFrame.Notification("r2", c.seq(), "bob", "mention", "@alice c"));
    assertEquals(2, client.state().notifications());
    client.switchTo("r2");
    assertEquals(0, client.state().notifications(), "reading the room reads its mentions");
    // Reading the inbox sets the count from what it says.
    server.inbox.add(0, new NotificationList.Item("3", "r1", 9, "carol", "mention", "@alice x", server.now(), false));
    assertEquals(3, client.mentions().join().notifications().size());
    assertEquals(1, client.state().notifications(), "the one the inbox says is unread (r1 is read up to 3)");
  }

  @Test
  void aMessageThatMentionsTheUserRaisesItsRoomAboveADm() {
    server.room("r2", "random", "room", "alice", "bob");
    link.hello("alice", server.summary("r1", 3), server.summary("r2", 0));
    client.switchTo("r1");
    link.frame(new ServerFrame.MessageFrame("r2", 2, "message", "bob", "ping (server-side mention)", server.now(),
        "b-9", List.of("alice")));
    assertEquals(Activity.MENTION, client.state().room("r2").orElseThrow().activity());
    assertTrue(link.sent.contains(new ClientFrame.Focus("r1")), link.sent.toString());
  }

  @Test
  void onePresenceFrameUpdatesEveryMemberItNames() {
    link.hello("alice", server.summary("r1", 3));
    Instant left = server.now().minusSeconds(30);
    link.frame(new ServerFrame.Presence(List.of(
        new Member("bob", true, null), new Member("carol", false, left))));
    assertTrue(client.state().presenceOf("bob").online());
    assertEquals(new Presence(false, left), client.state().presenceOf("carol"));
  }

  @Test
  void aReconnectReadsWhoIsOnlineAgainForWhatWasMissedWhileAway() {
    link.hello("alice", server.summary("r1", 3));
    assertTrue(client.state().presenceOf("bob").online());
    link.down("connection lost");
    server.online("bob", false); // the presence frame for this went to a socket that was gone
    link.hello("alice", server.summary("r1", 3));
    assertFalse(client.state().presenceOf("bob").online());
  }

  @Test
  void aReconnectFetchesExactlyWhatWasMissedBySeq() {
    link.hello("alice", server.summary("r1", 3));
    link.frame(server.says("r1", "bob", "three"));
    link.down("connection lost");
    server.says("r1", "bob", "four (missed)");
    server.says("r1", "bob", "five (missed)");
    server.calls.clear();

    link.hello("alice", server.summary("r1", 3));
    link.frame(server.says("r1", "bob", "six (live)"));

    assertEquals(List.of("after r1 4"), server.calls.stream().filter(c -> c.startsWith("after")).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seqs());
  }

  @Test
  void aReconnectThatNamesWhereTheClientIsLetsTheSocketFillInWithNoFetch() {
    link.hello("alice", server.summary("r1", 3));
    link.frame(server.says("r1", "bob", "three"));
    link.down("connection lost");
    ServerFrame.MessageFrame missed1 = server.says("r1", "bob", "four (missed)");
    ServerFrame.MessageFrame missed2 = server.says("r1", "bob", "five (missed)");
    server.calls.clear();

    assertEquals(Map.of("r1", 4L), link.resumeAndHello("alice", server.summary("r1", 3)));
    link.frame(missed1); // the resumed socket sends what was missed, then the live ones
    link.frame(missed2);
    link.frame(server.says("r1", "bob", "six (live)"));

    assertEquals(List.of(), server.calls.stream().filter(c -> c.startsWith("after")).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seqs());
  }

  @Test
  void aResetFrameMakesTheClientForgetTheRoomAndLoadWhatTheServerHas() {
    link.hello("alice", server.summary("r1", 3));
    link.frame(server.says("r1", "bob", "four (the server will lose it)"));
    server.loses("r1", 2);
    server.says("r1", "bob", "three, again");
    link.frame(ServerFrame.Reset.cursorAhead("r1", 4, 3));

    assertEquals(List.of(1L, 2L, 3L), seqs());
    assertEquals("three, again", r1().entry(3).orElseThrow().text(), "what the client held at seq 3 was not the server's");
    assertTrue(r1().notices().stream().anyMatch(n -> n.text().contains("ends at seq 3")), "the user is told");
  }

  @Test
  void aHelloBehindWhatTheClientHoldsReloadsTheRoom() {
    link.hello("alice", server.summary("r1", 3));
    link.frame(server.says("r1", "bob", "four"));
    link.frame(server.says("r1", "bob", "five"));
    link.down("node crashed");
    server.loses("r1", 2);
    server.says("r1", "bob", "four, again");
    server.calls.clear();

    link.hello("alice", server.summary("r1", 3)); // lastSeq 4, below the 5 the client holds

    assertEquals(List.of("latest r1"), server.calls.stream().filter(c -> c.startsWith("after") || c.startsWith("latest")).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L), seqs());
    assertEquals("four, again", r1().entry(4).orElseThrow().text());
  }

  @Test
  void aFetchPastTheServersEndReloadsTheRoomInsteadOfAskingAgainForever() {
    link.hello("alice", server.summary("r1", 3));
    link.frame(server.says("r1", "bob", "four"));
    link.down("node crashed");
    server.loses("r1", 1);
    server.calls.clear();
    RoomSummary stale = new RoomSummary("r1", "general", "room", 6, 3, 3); // a summary from before the loss

    link.hello("alice", stale);

    assertEquals(List.of("after r1 4", "latest r1"),
        server.calls.stream().filter(c -> c.startsWith("after") || c.startsWith("latest")).toList());
    assertEquals(List.of(1L, 2L, 3L), seqs());
  }

  @Test
  void aLiveFrameBeyondAGapIsHeldUntilTheGapIsFetched() {
    link.hello("alice", server.summary("r1", 3));
    server.says("r1", "bob", "lost in transit");
    link.frame(server.says("r1", "bob", "arrives"));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs());
    assertEquals(5, r1().contiguous());
  }

  @Test
  void aSendIsPendingUntilAckedAndTheAckPutsItInPlace() {
    link.hello("alice", server.summary("r1", 3));
    CompletableFuture<Message> acked = client.send("hello");
    assertEquals(1, r1().pending().size());
    ClientFrame.Send send = link.sends().get(0);
    assertEquals("hello", send.text());

    ServerFrame.MessageFrame stored = server.postWithId("r1", "alice", "hello", send.clientMsgId());
    link.frame(new ServerFrame.Ack(send.clientMsgId(), "r1", stored.seq(), stored.sentAt()));
    assertTrue(r1().pending().isEmpty());
    assertEquals(4, acked.join().seq());
    link.frame(stored);
    assertEquals(List.of(1L, 2L, 3L, 4L), seqs(), "the message frame after the ack adds nothing");
    assertEquals(0, client.owed());
  }

  @Test
  void whatWasTypedOfflineIsSentOnReconnectInOrder() {
    link.hello("alice", server.summary("r1", 3));
    link.down("connection lost");
    client.send("first");
    client.send("second");
    assertTrue(link.sends().isEmpty());
    assertEquals(2, client.owed());

    link.hello("alice", server.summary("r1", 3));
    assertEquals(List.of("first", "second"), link.sends().stream().map(ClientFrame.Send::text).toList());
  }

  @Test
  void aSendWhoseAckWasLostIsResentWithItsOriginalIdAndNotDoubled() {
    link.hello("alice", server.summary("r1", 3));
    client.send("once");
    String id = link.sends().get(0).clientMsgId();
    server.postWithId("r1", "alice", "once", id); // stored, but the connection dies before the ack
    link.down("connection lost");

    link.hello("alice", server.summary("r1", 3));
    assertEquals(List.of(id, id), link.sends().stream().map(ClientFrame.Send::clientMsgId).toList());
    // the resume fetch already found it stored: nothing pending, nothing owed, one copy
    assertTrue(r1().pending().isEmpty());
    assertEquals(0, client.owed());
    link.frame(new ServerFrame.Ack(id, "r1", 4, server.now()));
    assertEquals(1, r1().entries().stream().filter(m -> id.equals(m.clientMsgId())).count());
  }

  @Test
  void anUnavailableRoomIsRetriedAndARefusalMarksTheLineFailed() {
    link.hello("alice", server.summary("r1", 3));
    client.send("retry me");
    String id = link.sends().get(0).clientMsgId();
    link.frame(new ServerFrame.Error("unavailable", "the room did not answer in time", id));
    scheduler.elapse();
    assertEquals(List.of(id, id), link.sends().stream().map(ClientFrame.Send::clientMsgId).toList());

    CompletableFuture<Message> refused = client.send("x".repeat(10));
    String other = link.sends().get(2).clientMsgId();
    link.frame(new ServerFrame.Error("invalid_message", "the text is not allowed", other));
    assertTrue(refused.isCompletedExceptionally());
    assertTrue(r1().pending().stream().anyMatch(p -> p.isFailed() && p.clientMsgId().equals(other)));
  }

  @Test
  void aSendPastTheRateLimitStaysPendingAndGoesAgainWhenTheServerSays() {
    link.hello("alice", server.summary("r1", 3));
    client.send("too fast");
    String id = link.sends().get(0).clientMsgId();
    link.frame(new ServerFrame.Error("rate_limited", "you may send 30 messages at once and 10 a second", id, 750L));
    assertEquals(Duration.ofMillis(750), scheduler.lastDelay);
    assertTrue(r1().pending().stream().anyMatch(p -> !p.isFailed() && p.clientMsgId().equals(id)), "pending, not failed");
    assertEquals(1, link.sends().size(), "not before the server said");
    scheduler.elapse();
    assertEquals(List.of(id, id), link.sends().stream().map(ClientFrame.Send::clientMsgId).toList());
    link.frame(new ServerFrame.Ack(id, "r1", 4, server.now()));
    assertEquals(0, client.owed());
  }

  @Test
  void aRoomLeftElsewhereIsDroppedOnTheNextHello() {
    server.room("r2", "random", "room", "alice");
    link.hello("alice", server.summary("r1", 3), server.summary("r2", 0));
    link.down("connection lost");
    link.hello("alice", server.summary("r1", 3));
    assertTrue(client.state().room("r2").isEmpty());
  }

  @Test
  void aDmOpenedByAnotherUserAppearsWithItsFirstFrame() {
    link.hello("alice", server.summary("r1", 3));
    server.room("dm:alice:carol", "carol, alice", "dm", "carol", "alice");
    server.joined("dm:alice:carol", "carol");
    server.joined("dm:alice:carol", "alice");
    int[] bells = {0};
    client.addListener(new ChatClient.Listener() {
      @Override
      public void onChange() {}

      @Override
      public void onBell() {
        bells[0]++;
      }
    });
    link.frame(server.says("dm:alice:carol", "carol", "psst"));
    RoomState dm = client.state().room("dm:alice:carol").orElseThrow();
    assertEquals(3, dm.entries().size());
    assertEquals("@carol", dm.displayName("alice"));
    assertEquals(Activity.DM, dm.activity());
    assertEquals(1, bells[0]);
  }

  @Test
  void scrollingUpLoadsTheOlderPage() {
    for (int i = 0; i < 70; i++) {
      server.says("r1", "bob", "filler " + i);
    }
    link.hello("alice", server.summary("r1", 73));
    assertEquals(50, r1().entries().size());
    assertTrue(r1().hasOlder());
    client.loadOlder("r1");
    assertEquals(73, r1().entries().size());
    assertEquals(1, r1().floor());
    client.loadOlder("r1");
    assertEquals(false, r1().hasOlder());
  }
}
