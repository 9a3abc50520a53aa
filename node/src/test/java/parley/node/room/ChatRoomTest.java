package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.delivery.WireEntries;
import parley.node.Secrets;
import parley.node.testkit.EntityTestKit;
import parley.node.testkit.ManualClock;
import parley.node.testkit.InMemory;
import parley.protocol.Retention;

/** The room entity: its timeline, dedupe, joins, history pages and recovery. */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatRoomTest {
  private ActorTestKit kit;
  private ChatRoom.Settings settings;
  private EventSourcedBehaviorTestKit<ChatRoom.Command, ChatRoom.Event, RoomState> room;

  @BeforeAll
  void start() {
    kit = EntityTestKit.start();
    settings = ChatRoom.Settings.fromConfig(kit.system().settings().config());
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private String roomId;

  @BeforeEach
  void freshRoom() {
    roomId = "r" + UUID.randomUUID().toString().substring(0, 8);
    room = EventSourcedBehaviorTestKit.create(kit.system(), ChatRoom.create(roomId, settings, Clock.systemUTC()));
  }

  private ChatRoom.RoomView create(String owner, String passcodeHash, int capacity) {
    var result = room.<ChatRoom.CreateResult>runCommand(
        r -> new ChatRoom.Create("general", ChatRoom.KIND_ROOM, owner, passcodeHash, capacity, List.of(), r));
    assertInstanceOf(ChatRoom.RoomCreated.class, result.event());
    return ((ChatRoom.Created) result.reply()).room();
  }

  private ChatRoom.SendOutcome post(String user, String clientMsgId, String text) {
    return room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry(user, clientMsgId, text, r)).reply();
  }

  private long seqOf(ChatRoom.SendOutcome result) {
    return ((ChatRoom.SendStored) result).entry().seq();
  }

  @Test
  void everyEntryTakesTheNextSeqAndTheOwnerJoinIsTheFirst() {
    ChatRoom.RoomView view = create("alice", null, 10);
    assertEquals(1, view.lastSeq());
    assertEquals(List.of("alice"), view.members().stream().map(ChatRoom.MemberView::username).toList());
    var joined = room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r));
    assertEquals(2, ((ChatRoom.Joined) joined.reply()).joinSeq());
    assertEquals(3, seqOf(post("alice", "a1", "hi")));
    assertEquals(4, seqOf(post("bob", "b1", "hello")));
    var left = room.<ChatRoom.LeaveResult>runCommand(r -> new ChatRoom.Leave("bob", r));
    assertEquals(5, ((ChatRoom.Left) left.reply()).seq());
    assertEquals(5, left.state().lastSeq);
    assertFalse(left.state().isMember("bob"));
    assertEquals("not_a_member", ((ChatRoom.SendRefused) post("bob", "b2", "again")).code());
  }

  @Test
  void aResendWithTheSameClientMsgIdIsStoredOnce() {
    create("alice", null, 10);
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r));
    var first = room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry("alice", "same", "hi", r));
    var second = room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry("alice", "same", "hi, edited", r));
    assertTrue(second.hasNoEvents());
    assertEquals(seqOf(first.reply()), seqOf(second.reply()));
    assertTrue(((ChatRoom.SendStored) second.reply()).duplicate());
    assertEquals("hi", ((TimelineEntry.Message) ((ChatRoom.SendStored) second.reply()).entry()).text(), "the resend gets the entry stored first");
    // The id is the sender's own: another sender's same id is another message.
    assertEquals(seqOf(first.reply()) + 1, seqOf(post("bob", "same", "hi")));
  }

  @Test
  void unreadCountsMessagesOfOthersNotJoinsLeavesOrOnesOwn() {
    create("alice", null, 10);
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r)); // 2
    post("alice", "a1", "hello bob"); // 3
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("carol", null, r)); // 4
    post("carol", "c1", "hi"); // 5
    room.<ChatRoom.LeaveResult>runCommand(r -> new ChatRoom.Leave("carol", r)); // 6
    assertEquals(2, summary("bob", 2).unread(), "alice's and carol's messages, not carol's join and leave");
    assertEquals(1, summary("alice", 1).unread(), "alice read up to her own message: carol's hi is left");
    assertEquals(0, summary("bob", 6).unread());
    // The count survives a restart from a snapshot (snapshot-every is 7 here) and from the journal.
    for (int i = 0; i < 4; i++) {
      post("alice", "more" + i, "more");
    }
    room.restart();
    assertEquals(6, summary("bob", 2).unread());
  }

  private ChatRoom.SummaryView summary(String user, long readSeq) {
    return (ChatRoom.SummaryView) room.<ChatRoom.GetResult>runCommand(r -> new ChatRoom.GetSummary(user, readSeq, Set.of(), r)).reply();
  }

  @Test
  void aSocketsSendIsToldWhatItsAckNeedsAndSharesTheDedupeWindowWithHttp() {
    create("alice", null, 10);
    String id = roomId;
    var first = (ChatRoom.SendStored) room
        .<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("alice", "w1", "hi", r)).reply();
    assertEquals(new ChatRoom.SendStored(id, "w1", 2, first.sentAt()), first);
    // A resend over the socket, and one over HTTP, name the first copy's seq and time; nothing new is written.
    var again = room.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("alice", "w1", "hi", r));
    assertTrue(again.hasNoEvents());
    assertEquals(first, again.reply());
    var overHttp = (ChatRoom.SendStored) post("alice", "w1", "hi");
    assertEquals(List.of(2L, first.sentAt()), List.of(overHttp.entry().seq(), overHttp.entry().sentAt()));
    assertTrue(overHttp.duplicate());
    // Refusals name the send they refuse: a session may have many in flight, in several rooms.
    assertEquals(new ChatRoom.SendRefused(id, "x1", "not_a_member", "you are not a member of this room"),
        room.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("bob", "x1", "hi", r)).reply());
    var empty = (ChatRoom.SendRefused) room
        .<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("alice", "x2", " ", r)).reply();
    assertEquals(List.of(id, "x2", "invalid_message"), List.of(empty.roomId(), empty.clientMsgId(), empty.code()));
  }

  @Test
  void dedupeAndTheTimelineSurviveARestart() {
    create("alice", null, 10);
    long seq = seqOf(post("alice", "before-restart", "hi"));
    for (int i = 0; i < 10; i++) {
      post("alice", "fill-" + i, "more");
    }
    room.restart();
    var again = room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry("alice", "before-restart", "hi", r));
    assertTrue(again.hasNoEvents());
    // Its entry has left the room's memory (5 recent entries here): the route reads it from the journal.
    var before = (ChatRoom.SendStored) again.reply();
    assertEquals(List.of(seq, true), List.of(before.seq(), before.duplicate()));
    assertNull(before.entry(), "read from the journal at its seq");
    assertEquals(13, seqOf(post("alice", "after-restart", "next")));
  }

  @Test
  void theDedupeWindowKeepsTheLastNSendsAcrossSnapshotsAndRestarts() {
    // A window of 5 sends, a snapshot every 4 events, 3 recent entries in memory.
    room = EventSourcedBehaviorTestKit.create(kit.system(),
        ChatRoom.create("w" + UUID.randomUUID().toString().substring(0, 8), new ChatRoom.Settings(3, 5, 4),
            Clock.systemUTC()));
    create("alice", null, 10);
    for (int i = 0; i < 8; i++) {
      post("alice", "m" + i, "text " + i);
    }
    var resendRecent = room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry("alice", "m3", "text 3", r));
    assertTrue(resendRecent.hasNoEvents(), "m3 is among the last 5 sends");
    assertEquals(5, resendRecent.state().dedupe.size());
    // m2 fell out of the window: stored again (the documented bound), and it evicts m3.
    assertEquals(10, seqOf(post("alice", "m2", "text 2")));
    room.restart();
    var afterRestart = room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry("alice", "m4", "text 4", r));
    assertTrue(afterRestart.hasNoEvents(), "m4 is still in the window after recovery");
    assertEquals(5, afterRestart.state().dedupe.size());
    assertEquals(11, seqOf(post("alice", "m3", "text 3")));
  }

  @Test
  void aClosedAccountLeavesItsRoomsOnceAndItsEntriesStayMarkedAcrossSnapshots() {
    // A snapshot every 4 events, 3 recent entries in memory: the mark must survive both.
    room = EventSourcedBehaviorTestKit.create(kit.system(),
        ChatRoom.create("c" + UUID.randomUUID().toString().substring(0, 8), new ChatRoom.Settings(3, 5, 4),
            Clock.systemUTC()));
    create("alice", null, 10);
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r));
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("carol", null, r));
    post("bob", "b1", "hello from bob");
    room.<ChatRoom.LeaveResult>runCommand(r -> new ChatRoom.Leave("carol", r));

    var closed = room.<ChatRoom.MemberClosed>runCommand(r -> new ChatRoom.CloseMember("bob", r));
    ChatRoom.AccountClosed event = assertInstanceOf(ChatRoom.AccountClosed.class, closed.event());
    assertEquals(new TimelineEntry.AccountClosed(6, "bob", event.entry().sentAt()), event.entry());
    assertFalse(closed.state().isMember("bob"));
    assertTrue(room.<ChatRoom.MemberClosed>runCommand(r -> new ChatRoom.CloseMember("bob", r)).hasNoEvents(),
        "told again (the user entity retries until confirmed): nothing more is written");
    assertTrue(room.<ChatRoom.MemberClosed>runCommand(r -> new ChatRoom.CloseMember("carol", r)).hasNoEvents(),
        "carol left and never wrote here: nothing of hers to mark");
    assertInstanceOf(ChatRoom.SendRefused.class, post("bob", "b2", "still here?"), "no member any more");
    for (int i = 0; i < 6; i++) {
      post("alice", "a" + i, "text " + i);
    }
    room.restart();
    var page = (ChatRoom.HistoryResult) room.<ChatRoom.HistoryResult>runCommand(
        r -> new ChatRoom.GetHistory("alice", null, null, 50, r)).reply();
    // Older than the 3 entries in memory: the journal is read, and the room names its closed senders with the range.
    ChatRoom.InJournal range = assertInstanceOf(ChatRoom.InJournal.class, page);
    assertEquals(Set.of("bob"), range.closedSenders());
    ChatRoom.Page recent = assertInstanceOf(ChatRoom.Page.class, room.<ChatRoom.HistoryResult>runCommand(
        r -> new ChatRoom.GetHistory("alice", null, 10L, 50, r)).reply());
    assertEquals(Set.of("bob"), recent.closedSenders());
    var wire = WireEntries.page("r", new ChatRoom.Page(List.of(
        new TimelineEntry.Message(4, "bob", "hello from bob", Instant.EPOCH, "b1"),
        new TimelineEntry.Message(7, "alice", "text 0", Instant.EPOCH, "a0")), false, recent.closedSenders()));
    assertEquals(Boolean.TRUE, wire.get(0).senderDeleted());
    assertNull(wire.get(1).senderDeleted());
  }

  @Test
  void rolesBansAndTheTopicAreDecidedOneAtATimeAndSurviveSnapshotsAndRestarts() {
    room = EventSourcedBehaviorTestKit.create(kit.system(),
        ChatRoom.create("m" + UUID.randomUUID().toString().substring(0, 8), new ChatRoom.Settings(3, 5, 4),
            Clock.systemUTC()));
    create("alice", null, 10);
    for (String u : List.of("bob", "carol", "dave")) {
      room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join(u, null, r));
    }
    var admin = room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.SetRole("alice", "bob", "admin", r));
    assertEquals("admin", admin.state().roleOf("bob"));
    // A ban and a join racing: the room decides one, then the other.
    var banned = room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.Moderate("bob", "ban", "eve", "spam", r));
    assertEquals(TimelineEntry.BANNED, banned.event().entry().kind());
    assertEquals("eve", ((TimelineEntry.Banned) banned.event().entry()).user());
    var refused = room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("eve", null, r));
    assertEquals(new ChatRoom.Rejected("banned", "you are banned from this room"), refused.reply());
    assertTrue(room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.Moderate("bob", "ban", "eve", null, r))
        .hasNoEvents(), "banned already: nothing more is written");
    assertInstanceOf(ChatRoom.Rejected.class,
        room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.Moderate("carol", "kick", "dave", null, r)).reply(),
        "a member may not kick");
    var topic = room.<ChatRoom.ModerationResult>runCommand(
        r -> new ChatRoom.Change("bob", null, "rules: be kind", false, null, null, r));
    assertEquals("rules: be kind", topic.state().topic);
    var handOver = room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.SetRole("alice", "carol", "owner", r));
    assertEquals("carol", handOver.state().info.owner());
    assertEquals("admin", handOver.state().roleOf("alice"));
    post("dave", "d1", "after the hand-over");
    post("dave", "d2", "and more");
    room.restart();
    var kickedByNewOwner = room.<ChatRoom.ModerationResult>runCommand(
        r -> new ChatRoom.Moderate("carol", "kick", "alice", "bye", r));
    RoomState s = kickedByNewOwner.state();
    assertEquals("carol", s.info.owner());
    assertEquals("rules: be kind", s.topic);
    assertTrue(s.banned.contains("eve"));
    assertFalse(s.isMember("alice"));
    assertEquals(Set.of("bob"), s.admins, "alice's admin role went with her");
    ChatRoom.RoomView view = (ChatRoom.RoomView) kickedByNewOwner.reply();
    assertEquals("rules: be kind", view.topic());
    assertEquals(List.of("owner", "admin", "member"), view.members().stream()
        .filter(m -> List.of("carol", "bob", "dave").contains(m.username()))
        .sorted(Comparator.comparing(m -> List.of("carol", "bob", "dave").indexOf(m.username())))
        .map(ChatRoom.MemberView::role).toList());
  }

  @Test
  void editsAndDeletesReplayAfterARestartAndAcrossSnapshots() {
    room = EventSourcedBehaviorTestKit.create(kit.system(),
        ChatRoom.create("e" + UUID.randomUUID().toString().substring(0, 8), new ChatRoom.Settings(5, 5, 4),
            Clock.systemUTC()));
    create("alice", null, 10);
    long first = seqOf(post("alice", "a1", "frist"));
    long second = seqOf(post("alice", "a2", "second"));
    var edit = room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry("alice", "e1", "first", r, TimelineEntry.EDIT,
        first, null));
    long editSeq = ((ChatRoom.SendStored) edit.reply()).entry().seq();
    assertEquals(first, ((TimelineEntry.Edit) ((ChatRoom.SendStored) edit.reply()).entry()).target());
    room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry("alice", "d1", null, r, TimelineEntry.DELETE, second, null));
    room.restart();
    var page = (ChatRoom.Page) room.<ChatRoom.HistoryResult>runCommand(
        r -> new ChatRoom.GetHistory("alice", null, 1L, 50, r)).reply();
    var wire = WireEntries.page("r", page);
    assertEquals("first", wire.get(0).text());
    assertTrue(wire.get(0).editedAt() != null);
    assertEquals(Boolean.TRUE, wire.get(1).deleted());
    assertNull(wire.get(1).text());
    assertEquals("first", wire.stream().filter(m -> m.seq() == editSeq).findFirst().orElseThrow().text(),
        "the edit entry of a message that stays keeps its text");
    var refused = (ChatRoom.SendRefused) room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry("alice", "e2",
        "again", r, TimelineEntry.EDIT, second, null)).reply();
    assertEquals(List.of("e2", "no_such_message", "the entry at seq " + second + " is no message (or it was deleted)"),
        List.of(refused.clientMsgId(), refused.code(), refused.message()));
  }

  private ChatRoom.ModerationResult setRetention(String user, Integer maxMessages, Integer maxAgeDays) {
    return room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.Change(user, null, null, false, null, null, r,
        new Retention(maxMessages, maxAgeDays))).reply();
  }

  private ChatRoom.Page page(String user, Long before, Long after, int limit) {
    return (ChatRoom.Page) room.<ChatRoom.HistoryResult>runCommand(
        r -> new ChatRoom.GetHistory(user, before, after, limit, r)).reply();
  }

  @Test
  void retentionMovesTheFloorInStepsAndTheFloorHoldsAcrossSnapshotsAndRestarts() {
    // 5 recent entries in memory, a snapshot every 4 events (and one at every trim).
    room = EventSourcedBehaviorTestKit.create(kit.system(),
        ChatRoom.create("t" + UUID.randomUUID().toString().substring(0, 8), new ChatRoom.Settings(5, 5, 4),
            Clock.systemUTC()));
    create("alice", null, 10);
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r));
    room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.SetRole("alice", "bob", "admin", r));
    assertEquals("forbidden", ((ChatRoom.Rejected) setRetention("bob", 10, null)).code(), "an admin may not");
    long edited = seqOf(post("alice", "early", "to be edited"));
    room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry("alice", "e1", "edited", r, TimelineEntry.EDIT,
        edited, null));
    var view = (ChatRoom.RoomView) setRetention("alice", 10, null);
    assertEquals(new RetentionRule(10, null), view.retention());
    for (int i = 0; i < 30; i++) {
      post("alice", "m" + i, "message " + i);
    }
    TestProbe<Object> wait = kit.createTestProbe();
    RoomState trimmed = wait.awaitAssert(() -> {
      RoomState s = room.getState();
      assertTrue(s.floorSeq > edited, "floor " + s.floorSeq);
      // Between 10 and 10 + a step of 10 entries kept.
      assertTrue(s.lastSeq - s.floorSeq + 1 >= 10 && s.lastSeq - s.floorSeq + 1 < 20, s.floorSeq + ".." + s.lastSeq);
      return s;
    });
    assertTrue(trimmed.overlays.isEmpty(), "the edit of a trimmed message is gone from the state too");
    long floor = trimmed.floorSeq;
    // Older than the 5 entries in memory: the room names the journal range to read, from the floor.
    var fromStart = (ChatRoom.InJournal) room.<ChatRoom.HistoryResult>runCommand(
        r -> new ChatRoom.GetHistory("bob", null, 0L, 100, r)).reply();
    assertEquals(List.of(floor, floor, trimmed.lastSeq), List.of(fromStart.floorSeq(), fromStart.from(), fromStart.to()));
    var fromFloor = (ChatRoom.InJournal) room.<ChatRoom.HistoryResult>runCommand(
        r -> new ChatRoom.GetHistory("bob", null, floor - 1, 100, r)).reply();
    assertNull(fromFloor.floorSeq(), "asking from the floor on is not cut");
    var up = (ChatRoom.InJournal) room.<ChatRoom.HistoryResult>runCommand(
        r -> new ChatRoom.GetHistory("bob", floor + 1, null, 10, r)).reply();
    assertEquals(List.of(floor, floor, floor), List.of(up.floorSeq(), up.from(), up.to()), "scrolling up past it is");
    assertTrue(summary("bob", 0).unread() < trimmed.lastSeq - floor + 1, "nothing below the floor is unread");
    assertEquals("no_such_message", ((ChatRoom.SendRefused) room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry(
        "alice", "e2", "too late", r, TimelineEntry.EDIT, edited, null)).reply()).code());

    room.restart();
    RoomState recovered = room.getState();
    assertEquals(floor, recovered.floorSeq);
    assertEquals(new RetentionRule(10, null), recovered.retention);
    assertTrue(recovered.recent.all().stream().allMatch(e -> e.seq() >= floor), "no entry below the floor held");
    assertTrue(recovered.toSnapshot().recent().stream().allMatch(e -> e.seq() >= floor));
    var again = (ChatRoom.InJournal) room.<ChatRoom.HistoryResult>runCommand(
        r -> new ChatRoom.GetHistory("bob", null, 0L, 100, r)).reply();
    assertEquals(fromStart, again);
    // Keeping everything again: nothing more is trimmed, nothing trimmed comes back.
    setRetention("alice", null, null);
    for (int i = 0; i < 20; i++) {
      post("alice", "n" + i, "kept " + i);
    }
    assertEquals(floor, room.getState().floorSeq);
    assertNull(room.getState().retention);
  }


  @Test
  void anAgeLimitTrimsWhatAgedOutAndKeepsWhatIsYounger() {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-01T12:00:00Z"));
    room = EventSourcedBehaviorTestKit.create(kit.system(),
        ChatRoom.create("a" + UUID.randomUUID().toString().substring(0, 8), new ChatRoom.Settings(50, 50, 100), clock));
    create("alice", null, 10); // 1
    setRetention("alice", null, 1); // 2
    post("alice", "old", "two days old"); // 3
    room.runCommand(new ChatRoom.CheckRetention(false));
    assertEquals(1, room.getState().floorSeq, "nothing is a day old yet");
    clock.now = clock.now.plus(Duration.ofDays(2));
    long young = seqOf(post("alice", "new", "today")); // 4
    room.runCommand(new ChatRoom.CheckRetention(false));
    TestProbe<Object> wait = kit.createTestProbe();
    wait.awaitAssert(() -> {
      assertEquals(young, room.getState().floorSeq);
      return null;
    });
    ChatRoom.Page all = page("alice", null, 0L, 50);
    assertEquals(young, all.floorSeq());
    assertEquals(List.of(young, young + 1), all.entries().stream().map(TimelineEntry::seq).toList());
    assertEquals(TimelineEntry.TRIMMED, all.entries().get(1).kind());
    assertEquals(young, WireEntries.page("r", all).get(1).floorSeq(), "the trimmed entry names the new floor");
  }

  @Test
  void twoTogglesOfOneReactionInOneWritePutItOnThenTakeItOff() {
    String id = "x" + UUID.randomUUID().toString().substring(0, 8);
    ActorRef<ChatRoom.Command> actor = kit.spawn(ChatRoom.create(id, settings, Clock.systemUTC()));
    TestProbe<Object> probe = kit.createTestProbe();
    actor.tell(new ChatRoom.Create("general", ChatRoom.KIND_ROOM, "alice", null, 10, List.of(), probe.ref().narrow()));
    probe.expectMessageClass(ChatRoom.Created.class);
    actor.tell(ChatRoom.Send.withEntry("alice", "m1", "react to me", probe.ref().narrow()));
    long target = ((ChatRoom.SendStored) probe.expectMessageClass(ChatRoom.SendStored.class)).entry().seq();
    // Told back to back: the room gathers them into one write (the first's flush comes after both).
    actor.tell(ChatRoom.Send.withEntry("alice", "r1", ":tada:", probe.ref().narrow(), TimelineEntry.REACTION, target, null));
    actor.tell(ChatRoom.Send.withEntry("alice", "r2", ":tada:", probe.ref().narrow(), TimelineEntry.REACTION, target, null));
    actor.tell(ChatRoom.Send.withEntry("alice", "d1", null, probe.ref().narrow(), TimelineEntry.DELETE, target, null));
    actor.tell(ChatRoom.Send.withEntry("alice", "e1", "too late", probe.ref().narrow(), TimelineEntry.EDIT, target, null));
    List<Boolean> toggles = new ArrayList<>();
    String editRefused = null;
    for (int i = 0; i < 4; i++) {
      Object reply = probe.receiveMessage();
      if (reply instanceof ChatRoom.SendStored p && p.entry() instanceof TimelineEntry.Reaction reaction) {
        toggles.add(reaction.on());
      } else if (reply instanceof ChatRoom.SendRefused r) {
        editRefused = r.code();
      }
    }
    assertEquals(List.of(true, false), toggles, "the second toggle takes off what the first put on");
    assertEquals("no_such_message", editRefused, "an edit after a delete waiting in the same write is refused");
    actor.tell(new ChatRoom.GetHistory("alice", null, target - 1, 10, probe.ref().narrow()));
    ChatRoom.Page page = probe.expectMessageClass(ChatRoom.Page.class);
    assertTrue(page.reactions().isEmpty(), page.reactions().toString());
    assertEquals(Boolean.TRUE, WireEntries.page(id, page).get(0).deleted());
  }

  @Test
  void aKickAndAJoinRacingForOneUserEndInOneConsistentOutcome() {
    for (int round = 0; round < 20; round++) {
      String id = "k" + UUID.randomUUID().toString().substring(0, 8);
      ActorRef<ChatRoom.Command> actor = kit.spawn(ChatRoom.create(id, settings, Clock.systemUTC()));
      TestProbe<Object> probe = kit.createTestProbe();
      actor.tell(new ChatRoom.Create("general", ChatRoom.KIND_ROOM, "alice", null, 10, List.of(), probe.ref().narrow()));
      probe.expectMessageClass(ChatRoom.Created.class);
      TestProbe<Object> joins = kit.createTestProbe();
      TestProbe<Object> kicks = kit.createTestProbe();
      // Sent at once, in either order: the room decides one at a time.
      if (round % 2 == 0) {
        actor.tell(new ChatRoom.Join("bob", null, joins.ref().narrow()));
        actor.tell(new ChatRoom.Moderate("alice", "kick", "bob", "race", kicks.ref().narrow()));
      } else {
        actor.tell(new ChatRoom.Moderate("alice", "kick", "bob", "race", kicks.ref().narrow()));
        actor.tell(new ChatRoom.Join("bob", null, joins.ref().narrow()));
      }
      Object joined = joins.receiveMessage();
      Object kicked = kicks.receiveMessage();
      assertInstanceOf(ChatRoom.Joined.class, joined);
      actor.tell(new ChatRoom.Get("alice", probe.ref().narrow()));
      ChatRoom.RoomView view = probe.expectMessageClass(ChatRoom.RoomView.class);
      boolean member = view.members().stream().anyMatch(m -> m.username().equals("bob"));
      if (kicked instanceof ChatRoom.Rejected refused) {
        assertEquals("no_such_member", refused.code(), "the kick came first: bob was no member yet");
        assertTrue(member, "then the join");
      } else {
        assertFalse(member, "the join came first, then the kick");
        assertEquals(3, view.lastSeq(), "created, joined, kicked: one entry each");
      }
      kit.stop(actor);
    }
  }

  @Test
  void aSendWhoseWriteFailedIsStoredWhenResentToTheNextIncarnation() {
    // The room applies a send to its state before the write; a failed write stops it, and the next incarnation (which
    // sharding starts with the next message) replays the journal: the failed one's dedupe window must not follow it,
    // so the resend is stored, not answered from it.
    aSendWhoseWriteWentWrongIsStoredOnceWhenResent(false);
  }

  @Test
  void aSendWhoseWriteTheJournalRejectedIsStoredWhenResentToTheNextIncarnation() {
    // A rejection (the journal refuses the events themselves, e.g. one it cannot serialize) is not a lost connection,
    // but to the client it is the same: no ack, and the resend with the same clientMsgId is stored once.
    aSendWhoseWriteWentWrongIsStoredOnceWhenResent(true);
  }

  private void aSendWhoseWriteWentWrongIsStoredOnceWhenResent(boolean rejected) {
    String id = "f" + UUID.randomUUID().toString().substring(0, 8);
    ActorRef<ChatRoom.Command> actor = kit.spawn(ChatRoom.create(id, settings, Clock.systemUTC()));
    TestProbe<ChatRoom.CreateResult> created = kit.createTestProbe();
    actor.tell(new ChatRoom.Create("general", ChatRoom.KIND_ROOM, "alice", null, 10, List.of(), created.ref()));
    created.expectMessageClass(ChatRoom.Created.class);

    if (rejected) {
      PersistenceTestKit.create(kit.system()).rejectNextPersisted(ChatRoom.persistenceId(id).id());
    } else {
      PersistenceTestKit.create(kit.system()).failNextPersisted(ChatRoom.persistenceId(id).id());
    }
    TestProbe<ChatRoom.SendOutcome> first = kit.createTestProbe();
    actor.tell(ChatRoom.Send.withEntry("alice", "m1", "hello", first.ref()));
    // The room stops; the send whose write failed is told unavailable as it does, not left to its sender's timeout.
    ChatRoom.SendRefused gaveUp = first.expectMessageClass(ChatRoom.SendRefused.class, Duration.ofSeconds(10));
    assertEquals("unavailable", gaveUp.code());
    first.expectTerminated(actor, Duration.ofSeconds(10));
    ActorRef<ChatRoom.Command> next = kit.spawn(ChatRoom.create(id, settings, Clock.systemUTC()));
    TestProbe<ChatRoom.SendOutcome> resent = kit.createTestProbe();
    next.tell(ChatRoom.Send.withEntry("alice", "m1", "hello", resent.ref()));
    ChatRoom.SendStored posted = resent.expectMessageClass(ChatRoom.SendStored.class, Duration.ofSeconds(10));
    assertFalse(posted.duplicate(), "the first copy was never stored");
    assertEquals(2, posted.entry().seq());
    next.tell(ChatRoom.Send.withEntry("alice", "m1", "hello", resent.ref()));
    ChatRoom.SendStored again = (ChatRoom.SendStored) resent.receiveMessage();
    assertTrue(again.duplicate());
    assertEquals(2, again.entry().seq());
    first.expectNoMessage(Duration.ZERO);
  }

  @Test
  void theDedupeWindowSurvivesItsColumnsAndASnapshotInTheEarlierForm() {
    var serialization = SerializationExtension.get(kit.system().classicSystem());
    Instant at = Instant.parse("2026-11-20T10:00:00.123Z");
    // Two senders taking turns, seqs with gaps (joins between sends) and a clock that stepped back 40 ms.
    List<RoomState.Sent> sends = List.of(
        new RoomState.Sent("alice", "a-1", 3, at),
        new RoomState.Sent("bob", "b-1", 4, at.plusMillis(7)),
        new RoomState.Sent("alice", "a-2", 9, at.minusMillis(33)),
        new RoomState.Sent("carol", "c-1", 10, at.plusSeconds(86_400)));
    RoomInfo info = new RoomInfo("general", ChatRoom.KIND_ROOM, "alice", null, 10, at);
    var columns = RoomState.DedupeWindow.of(sends);
    assertEquals(List.of("alice", "bob", "carol"), columns.senders());
    assertEquals(sends, columns.sends());

    RoomState.Snapshot earlier = new RoomState.Snapshot(info, 10, List.of("alice", "bob", "carol"), List.of(), sends,
        null, Map.of("alice", 9L, "bob", 4L, "carol", 10L), null);
    RoomState.Snapshot current = new RoomState.Snapshot(info, 10, List.of("alice", "bob", "carol"), List.of(), null,
        columns, Map.of("alice", 9L, "bob", 4L, "carol", 10L), new long[] {1, 1, 1});
    for (RoomState.Snapshot written : List.of(earlier, current)) {
      var serializer = serialization.findSerializerFor(written);
      byte[] bytes = serialization.serialize(written).get();
      var state = (RoomState) serialization
          .deserialize(bytes, serializer.identifier(), RoomState.class.getName()).get();
      for (RoomState.Sent sent : sends) {
        assertEquals(sent, state.sent(sent.sender(), sent.clientMsgId()));
      }
      assertEquals(sends, state.dedupe.sends(), "oldest first, so the oldest is evicted first");
      // And the state writes itself back in columns, whichever form it was read from.
      assertEquals(current.window().sends(), state.toSnapshot().window().sends());
      assertNull(state.toSnapshot().dedupe());
    }
  }

  @Test
  void invalidMessagesAreRefused() {
    create("alice", null, 10);
    assertEquals("invalid_message", ((ChatRoom.SendRefused) post("alice", "e1", " ")).code());
    assertEquals("invalid_message", ((ChatRoom.SendRefused) post("alice", "e2", "x".repeat(4001))).code());
    assertEquals("invalid_message", ((ChatRoom.SendRefused) post("alice", "", "ok")).code());
    // Lone surrogates are refused at the edges (HttpApiTest, WebSocketApiTest); a pair is text like any other.
    assertEquals(2, seqOf(post("alice", "e5", "a pair is fine: \ud83d\udc4b")));
  }

  @Test
  void recentPagesComeFromMemoryAndOlderOnesNameAJournalRange() {
    create("alice", null, 10);
    for (int i = 0; i < 19; i++) {
      post("alice", "m" + i, "text " + i);
    }
    var latest = room.<ChatRoom.HistoryResult>runCommand(r -> new ChatRoom.GetHistory("alice", null, null, 3, r)).reply();
    assertEquals(List.of(18L, 19L, 20L), ((ChatRoom.Page) latest).entries().stream().map(TimelineEntry::seq).toList());
    assertTrue(((ChatRoom.Page) latest).hasMore());
    var old = room.<ChatRoom.HistoryResult>runCommand(r -> new ChatRoom.GetHistory("alice", 10L, null, 4, r)).reply();
    assertEquals(new ChatRoom.InJournal(6, 9, true), old);
    var after = room.<ChatRoom.HistoryResult>runCommand(r -> new ChatRoom.GetHistory("alice", null, 18L, 50, r)).reply();
    assertEquals(List.of(19L, 20L), ((ChatRoom.Page) after).entries().stream().map(TimelineEntry::seq).toList());
    assertFalse(((ChatRoom.Page) after).hasMore());
    var none = room.<ChatRoom.HistoryResult>runCommand(r -> new ChatRoom.GetHistory("alice", null, 20L, 50, r)).reply();
    assertEquals(new ChatRoom.Page(List.of(), false), none);
    // Past the last seq is not an empty page: the caller holds entries the room does not.
    var ahead = room.<ChatRoom.HistoryResult>runCommand(r -> new ChatRoom.GetHistory("alice", null, 21L, 50, r)).reply();
    assertEquals(new ChatRoom.CursorAhead(20), ahead);
    var farAhead = room.<ChatRoom.HistoryResult>runCommand(r -> new ChatRoom.GetHistory("alice", null, Long.MAX_VALUE, 50, r)).reply();
    assertEquals(new ChatRoom.CursorAhead(20), farAhead);
    var stranger = room.<ChatRoom.HistoryResult>runCommand(r -> new ChatRoom.GetHistory("eve", null, null, 5, r)).reply();
    assertEquals("not_a_member", ((ChatRoom.Rejected) stranger).code());
  }

  @Test
  void aRoomThatWasNeverCreatedDoesNotExist() {
    var join = room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r));
    assertEquals("no_such_room", ((ChatRoom.Rejected) join.reply()).code());
    assertTrue(join.hasNoEvents());
    assertEquals("no_such_room", ((ChatRoom.SendRefused) post("bob", "x", "hi")).code());
  }

  @Test
  void aBusyRoomWritesSendsInBatchesAndAcknowledgesEachAfterItsWrite() {
    List<Integer> writeSizes = new CopyOnWriteArrayList<>();
    var journal = PersistenceTestKit.create(kit.system());
    String id = "hot" + UUID.randomUUID().toString().substring(0, 6);
    journal.withPolicy(new ProcessingPolicy<JournalOperation>() {
      @Override
      public ProcessingResult tryProcess(
          String persistenceId, JournalOperation op) {
        if (persistenceId.endsWith(id) && op instanceof WriteEvents w) {
          writeSizes.add(w.batch().size());
        }
        return ProcessingSuccess.getInstance();
      }
    });
    try {
      ActorRef<ChatRoom.Command> hot = kit.spawn(ChatRoom.create(id, settings, Clock.systemUTC()));
      TestProbe<ChatRoom.CreateResult> created = kit.createTestProbe();
      hot.tell(new ChatRoom.Create("hot", ChatRoom.KIND_ROOM, "bob", null, 10, List.of("alice"), created.ref()));
      created.expectMessageClass(ChatRoom.Created.class);
      TestProbe<ChatRoom.SendOutcome> acks = kit.createTestProbe();
      int sends = 200;
      for (int i = 0; i < sends; i++) {
        hot.tell(ChatRoom.Send.withEntry("alice", "m" + i, "text " + i, acks.ref()));
      }
      // A resend while the first copy may still wait for its write, and a leave right behind the sends.
      hot.tell(ChatRoom.Send.withEntry("alice", "m199", "text 199", acks.ref()));
      TestProbe<ChatRoom.LeaveResult> left = kit.createTestProbe();
      hot.tell(new ChatRoom.Leave("alice", left.ref()));
      Map<String, Long> seqOf = new HashMap<>();
      for (int i = 0; i <= sends; i++) {
        var e = (TimelineEntry.FromClient) ((ChatRoom.SendStored) acks.receiveMessage(Duration.ofSeconds(10))).entry();
        Long earlier = seqOf.put(e.clientMsgId(), e.seq());
        assertTrue(earlier == null || earlier == e.seq(), "a resend got another seq");
      }
      assertEquals(sends, seqOf.size());
      for (int i = 0; i < sends; i++) {
        assertEquals(3L + i, seqOf.get("m" + i), "sends keep their arrival order");
      }
      assertEquals(3L + sends, ((ChatRoom.Left) left.receiveMessage()).seq());
      int written = writeSizes.stream().mapToInt(Integer::intValue).sum();
      assertEquals(2 + sends + 1, written, "every entry written once: " + writeSizes);
      assertTrue(writeSizes.size() < sends / 2, "sends share writes: " + writeSizes);
    } finally {
      journal.resetPolicy();
    }
  }

  @Test
  void racingJoinsNeverExceedCapacityAndTheWrongPasscodeNeverGetsIn() {
    String hash = Secrets.hashPassword("sesame", 4);
    ActorRef<ChatRoom.Command> racing = kit.spawn(
        ChatRoom.create("race" + UUID.randomUUID().toString().substring(0, 6), settings, Clock.systemUTC()));
    TestProbe<ChatRoom.CreateResult> created = kit.createTestProbe();
    racing.tell(new ChatRoom.Create("race", ChatRoom.KIND_ROOM, "owner", hash, 4, List.of(), created.ref()));
    created.expectMessageClass(ChatRoom.Created.class);

    TestProbe<ChatRoom.JoinResult> joins = kit.createTestProbe();
    for (int i = 0; i < 10; i++) {
      racing.tell(new ChatRoom.Join("user" + i, i % 2 == 0 ? "sesame" : "wrong", joins.ref()));
    }
    List<ChatRoom.JoinResult> results = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      results.add(joins.receiveMessage(Duration.ofSeconds(10)));
    }
    long joined = results.stream().filter(r -> r instanceof ChatRoom.Joined).count();
    long full = results.stream().filter(r -> r instanceof ChatRoom.Rejected x && x.code().equals("room_full")).count();
    long wrong = results.stream().filter(r -> r instanceof ChatRoom.Rejected x && x.code().equals("wrong_passcode")).count();
    assertEquals(3, joined);
    assertEquals(2, full);
    assertEquals(5, wrong);
    TestProbe<ChatRoom.GetResult> get = kit.createTestProbe();
    racing.tell(new ChatRoom.Get("owner", get.ref()));
    ChatRoom.RoomView view = (ChatRoom.RoomView) get.receiveMessage();
    assertEquals(4, view.members().size());
    assertEquals(4, view.lastSeq());
  }
}
