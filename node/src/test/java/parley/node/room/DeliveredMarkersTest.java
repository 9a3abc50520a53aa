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
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
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
  void movesOnlyForwardAreStoredAsOneBatchForTheRoomAndComeBackAfterARestart() {
    String roomId = id();
    TestProbe<DeliveredMarkers.Recovered> room = kit.createTestProbe();
    var markers = EventSourcedBehaviorTestKit.<DeliveredMarkers.Command, DeliveredMarkers.Event, DeliveredMarkers.State>create(
        kit.system(), DeliveredMarkers.create(roomId, room.ref(), 100));
    assertEquals(Map.of(), room.receiveMessage().markers());

    assertTrue(markers.runCommand(new DeliveredMarkers.Moved("bob", 10)).hasNoEvents(), "not written per move");
    markers.runCommand(new DeliveredMarkers.Moved("bob", 7));
    markers.runCommand(new DeliveredMarkers.Moved("carol", 4));
    markers.runCommand(new DeliveredMarkers.Moved("bob", 12));
    String pid = DeliveredMarkers.persistenceId(roomId).id();
    PersistenceTestKit journal = markers.persistenceTestKit();
    room.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(List.of(new DeliveredMarkers.Batch(Map.of("bob", 12L, "carol", 4L), Set.of())),
          journal.persistedInStorage(pid), "one event for the second's moves, each member's latest");
      return null;
    });

    // A move back is no move; a member who leaves goes with the next batch.
    markers.runCommand(new DeliveredMarkers.Moved("carol", 3));
    markers.runCommand(new DeliveredMarkers.Forget("bob"));
    room.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(2, journal.persistedInStorage(pid).size());
      assertEquals(new DeliveredMarkers.Batch(Map.of(), Set.of("bob")), journal.persistedInStorage(pid).get(1));
      return null;
    });

    markers.restart();
    assertEquals(Map.of("carol", 4L), room.receiveMessage().markers());
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
