package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.EntityTestKit;
import parley.protocol.RoomReceipts;
import parley.node.testkit.InMemory;

/**
 * A room's delivered markers: kept by the room (checked, clamped, forward only), stored by its {@link DeliveredMarkers}
 * as one batch a second for all the members who moved, and back after a restart.
 */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveredMarkersTest {
  private ActorTestKit kit;

  @BeforeAll
  void start() {
    kit = EntityTestKit.start();
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private static String id() {
    return "d" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aSecondsMovesAreOneEventOnlyWhatMovesForwardIsStoredAndItComesBackAfterARestart() {
    String roomId = id();
    TestProbe<DeliveredMarkers.Recovered> room = kit.createTestProbe();
    var markers = EventSourcedBehaviorTestKit.<DeliveredMarkers.Command, DeliveredMarkers.Event, DeliveredMarkers.State>create(
        kit.system(), DeliveredMarkers.create(roomId, room.ref(), 100));
    assertEquals(Map.of(), room.receiveMessage().markers());

    var first = markers.runCommand(new DeliveredMarkers.Store(Map.of("bob", 12L, "carol", 4L), Set.of()));
    assertEquals(List.of(new DeliveredMarkers.Batch(Map.of("bob", 12L, "carol", 4L), Set.of())), first.events(),
        "one event for the room's second, whoever moved");
    // A marker never moves back (a room restarted before its last batch was stored can hand an older one); a member
    // who left goes; nothing new, nothing written.
    var second = markers.runCommand(new DeliveredMarkers.Store(Map.of("bob", 10L, "carol", 5L), Set.of()));
    assertEquals(List.of(new DeliveredMarkers.Batch(Map.of("carol", 5L), Set.of())), second.events());
    var third = markers.runCommand(new DeliveredMarkers.Store(Map.of(), Set.of("bob", "dave")));
    assertEquals(List.of(new DeliveredMarkers.Batch(Map.of(), Set.of("bob"))), third.events());
    assertTrue(markers.runCommand(new DeliveredMarkers.Store(Map.of("carol", 5L), Set.of())).hasNoEvents());

    markers.restart();
    assertEquals(Map.of("carol", 5L), room.receiveMessage().markers());
  }

  @Test
  void theRoomChecksAndClampsWhatItKeepsTellsItAndHasItBackAfterARestart() {
    String roomId = id();
    var room = roomOwnedByAlice(roomId, "marks", 10);
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r));
    room.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("alice", "m1", "hello", r));
    long lastSeq = 3; // created, bob joined, hello
    TestProbe<ChatRoom.FrameRefused> refusals = kit.createTestProbe();

    // Not a member: refused with its own code, nothing kept.
    room.runCommand(new ChatRoom.MarkDelivered("mallory", 3, refusals.ref()));
    assertEquals("not_a_member", refusals.receiveMessage().code());

    // Past the room's end: clamped, no error; never back.
    assertTrue(room.runCommand(new ChatRoom.MarkDelivered("bob", 99, refusals.ref())).hasNoEvents(),
        "nothing in the room's own journal: its events are timeline entries, one per seq");
    room.runCommand(new ChatRoom.MarkDelivered("bob", 1, refusals.ref()));
    // runCommand returns once the room handled the command: a refusal would be in the probe already.
    refusals.expectNoMessage(Duration.ZERO);
    assertEquals(lastSeq, receiptOf(room, "bob").deliveredSeq());

    // Stored within the second by the room's markers, then a restart of the room finds it again.
    String pid = DeliveredMarkers.persistenceId(roomId).id();
    refusals.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(List.of(new DeliveredMarkers.Batch(Map.of("bob", lastSeq), Set.of())),
          room.persistenceTestKit().persistedInStorage(pid));
      return null;
    });
    room.restart();
    refusals.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(lastSeq, receiptOf(room, "bob").deliveredSeq());
      return null;
    });
  }

  @Test
  void inALargeRoomAReceiptGoesToTheAuthorsOfTheMessagesItPassesAndInASmallOneToEveryone() {
    var room = roomOwnedByAlice(id(), "big", 100);
    TestProbe<RoomNews> hub = kit.createTestProbe();
    room.runCommand(new ChatRoom.SubscribeHub(hub.ref()));
    TestProbe<ChatRoom.FrameRefused> refusals = kit.createTestProbe();
    // alice and bob alone: every receipt to every member, as before.
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r));
    room.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("bob", "b0", "hi", r)); // seq 3
    room.runCommand(new ChatRoom.MarkDelivered("alice", 3, refusals.ref()));
    RoomNews.Moment small = nextReceipt(hub);
    assertEquals(null, small.to(), "a small room's receipts are every member's");

    // 23 more: a room of 25, over RoomAwareness.RECEIPTS_TO_EVERYONE_UP_TO.
    for (int i = 0; i < 23; i++) {
      String user = "m" + i;
      room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join(user, null, r)); // seqs 4..26
    }
    room.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("alice", "a1", "one", r)); // 27
    room.runCommand(new ChatRoom.MarkDelivered("m0", 27, refusals.ref()));
    assertEquals(Set.of("bob", "alice"), nextReceipt(hub).to(),
        "m0's first marker passes bob's message at 3 and alice's at 27: for their authors only");

    room.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("m5", "c1", "two", r)); // 28
    room.runCommand(new ChatRoom.MarkDelivered("m0", 28, refusals.ref()));
    room.runCommand(new ChatRoom.MarkDelivered("m1", 26, refusals.ref())); // from 0: bob's at 3, then joins only
    RoomNews.Moment both = nextReceipt(hub);
    assertEquals(Set.of("m5", "bob"), both.to());
    assertTrue(both.frame().contains("\"m0\"") && both.frame().contains("\"m1\""), both.frame());

    // A move that passes no message tells nobody: no frame at all.
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("late", null, r)); // 29
    room.runCommand(new ChatRoom.MarkDelivered("m0", 29, refusals.ref()));
    hub.fishForMessage(Duration.ofSeconds(3), m -> m instanceof RoomNews.Delivered d && d.entry().seq() == 29
        ? FishingOutcomes.complete()
        : FishingOutcomes.continueAndIgnore());
    noReceiptBeforeMarker(room, hub, "marker"); // 30
    refusals.expectNoMessage(Duration.ZERO);
  }

  @Test
  void aMembersOwnMessageIsDeliveredAndReadByThemWithoutAReceiptFrameAndAfterARestart() {
    var room = roomOwnedByAlice(id(), "own", 10);
    TestProbe<RoomNews> hub = kit.createTestProbe();
    room.runCommand(new ChatRoom.SubscribeHub(hub.ref()));
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r)); // 2
    room.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("alice", "a1", "first", r)); // 3
    room.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("bob", "b1", "reply", r)); // 4
    // Neither sent a marker: each has their own message, and has read up to it (as their unread count says).
    assertEquals(new RoomReceipts.Member("alice", 3, 3L), receiptOf(room, "alice"));
    assertEquals(new RoomReceipts.Member("bob", 4, 4L), receiptOf(room, "bob"));
    // The message frame told that already: no receipt for it (one would cost every member a frame per message).
    hub.fishForMessage(Duration.ofSeconds(3), m -> m instanceof RoomNews.Delivered d && d.entry().seq() == 4
        ? FishingOutcomes.complete()
        : FishingOutcomes.continueAndIgnore());
    noReceiptBeforeMarker(room, hub, "marker"); // 5
    // A later move carries it: alice's delivered marker at bob's message, with her read marker at her own.
    room.runCommand(new ChatRoom.MarkDelivered("alice", 4, kit.<ChatRoom.FrameRefused>createTestProbe().ref()));
    String frame = nextReceipt(hub).frame();
    assertTrue(frame.contains("\"username\":\"alice\",\"deliveredSeq\":4,\"readSeq\":3"), frame);

    room.restart();
    hub.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(new RoomReceipts.Member("bob", 4, 4L), receiptOf(room, "bob"));
      assertEquals(3L, receiptOf(room, "alice").readSeq());
      return null;
    });
  }

  /** A room of {@code capacity} that alice created, run through the testkit. */
  private EventSourcedBehaviorTestKit<ChatRoom.Command, ChatRoom.Event, RoomState> roomOwnedByAlice(
      String roomId, String name, int capacity) {
    var room = EventSourcedBehaviorTestKit.<ChatRoom.Command, ChatRoom.Event, RoomState>create(
        kit.system(), ChatRoom.create(roomId, new ChatRoom.Settings(100, 100, 1000), Clock.systemUTC()));
    room.<ChatRoom.CreateResult>runCommand(r -> new ChatRoom.Create(name, ChatRoom.KIND_ROOM, "alice", null, capacity,
        List.of(), r));
    return room;
  }

  /** The next receipt the hub is given, alone or riding with an entry. */
  /**
   * No receipt reaches the hub within the window. Other news may: a member who joined is followed by their presence,
   * which the room learns from the user's entity whenever that answers.
   */
  /**
   * No receipt went out: the second's flush and the moments' hold are run now instead of waited for, then a marker
   * (a member joins) follows them through the hub, and nothing told before it, nor riding with it, is a receipt.
   */
  private static void noReceiptBeforeMarker(EventSourcedBehaviorTestKit<ChatRoom.Command, ChatRoom.Event, RoomState> room,
      TestProbe<RoomNews> hub, String joiner) {
    room.runCommand(ChatRoom.FlushReceipts.INSTANCE);
    room.runCommand(ChatRoom.FlushMoments.INSTANCE);
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join(joiner, null, r));
    long marker = room.getState().lastSeq;
    while (true) {
      RoomNews m = hub.receiveMessage();
      List<RoomNews.Moment> moments = m instanceof RoomNews.Relayed r
          ? r.moments() : m instanceof RoomNews.Delivered d ? d.moments() : List.of();
      for (RoomNews.Moment moment : moments) {
        assertTrue(!moment.frame().contains("\"receipt\""), "no receipt expected, got " + moment.frame());
      }
      if (m instanceof RoomNews.Delivered d && d.entry().seq() == marker) {
        return;
      }
    }
  }

  private static RoomNews.Moment nextReceipt(TestProbe<RoomNews> hub) {
    RoomNews.Moment[] found = new RoomNews.Moment[1];
    hub.fishForMessage(Duration.ofSeconds(5), m -> {
      List<RoomNews.Moment> moments = m instanceof RoomNews.Relayed r
          ? r.moments() : m instanceof RoomNews.Delivered d ? d.moments() : List.of();
      for (RoomNews.Moment moment : moments) {
        if (moment.frame().contains("\"receipt\"")) {
          found[0] = moment;
          return FishingOutcomes.complete();
        }
      }
      return FishingOutcomes.continueAndIgnore();
    });
    return found[0];
  }

  private static RoomReceipts.Member receiptOf(
      EventSourcedBehaviorTestKit<ChatRoom.Command, ChatRoom.Event, RoomState> room, String user) {
    var view = (ChatRoom.ReceiptsView) room.<ChatRoom.ReceiptsResult>runCommand(r -> new ChatRoom.GetReceipts("alice", r)).reply();
    return view.members().stream().filter(m -> m.username().equals(user)).findFirst().orElseThrow();
  }
}
