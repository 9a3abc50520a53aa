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
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.EntityTestKit;
import parley.protocol.RoomReceipts;

/**
 * A room's delivered markers: kept by the room (checked, clamped, forward only), stored by its {@link DeliveredMarkers}
 * as one batch a second for all the members who moved, and back after a restart.
 */
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
    var room = EventSourcedBehaviorTestKit.<ChatRoom.Command, ChatRoom.Event, RoomState>create(
        kit.system(), ChatRoom.create(roomId, new ChatRoom.Settings(100, 100, 1000), Clock.systemUTC()));
    room.<ChatRoom.CreateResult>runCommand(r -> new ChatRoom.Create("marks", ChatRoom.KIND_ROOM, "alice", null, 10, List.of(), r));
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r));
    room.<ChatRoom.PostResult>runCommand(r -> new ChatRoom.Post("alice", "m1", "hello", r));
    long lastSeq = 3; // created, bob joined, hello
    TestProbe<ChatRoom.FrameRefused> refusals = kit.createTestProbe();

    // Not a member: refused with its own code, nothing kept.
    room.runCommand(new ChatRoom.MarkDelivered("mallory", 3, refusals.ref()));
    assertEquals("not_a_member", refusals.receiveMessage().code());

    // Past the room's end: clamped, no error; never back.
    assertTrue(room.runCommand(new ChatRoom.MarkDelivered("bob", 99, refusals.ref())).hasNoEvents(),
        "nothing in the room's own journal: its events are timeline entries, one per seq");
    room.runCommand(new ChatRoom.MarkDelivered("bob", 1, refusals.ref()));
    refusals.expectNoMessage(Duration.ofMillis(100));
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

  private static RoomReceipts.Member receiptOf(
      EventSourcedBehaviorTestKit<ChatRoom.Command, ChatRoom.Event, RoomState> room, String user) {
    var view = (ChatRoom.ReceiptsView) room.<ChatRoom.ReceiptsResult>runCommand(r -> new ChatRoom.GetReceipts("alice", r)).reply();
    return view.members().stream().filter(m -> m.username().equals(user)).findFirst().orElseThrow();
  }
}
