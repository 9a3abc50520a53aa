package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.EntityTestKit;
import parley.node.testkit.InMemory;

/**
 * Who owns a room after its owner closes the account: the admin of longest standing, else the member who joined
 * first, written as a role entry; nobody, for good, when nobody else was there; and the same after the room starts
 * again, from its journal or a snapshot (a passivated room is read back so), whoever joined in between.
 */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnerClosureTest {
  private ActorTestKit kit;
  private ChatRoom.Settings settings;
  private EventSourcedBehaviorTestKit<ChatRoom.Command, ChatRoom.Event, RoomState> room;
  private String roomId;

  @BeforeAll
  void start() {
    kit = EntityTestKit.start();
    settings = ChatRoom.Settings.fromConfig(kit.system().settings().config());
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void freshRoom() {
    roomId = "r" + UUID.randomUUID().toString().substring(0, 8);
    room = EventSourcedBehaviorTestKit.create(kit.system(), ChatRoom.create(roomId, settings, Clock.systemUTC()));
  }

  private void create(String owner, String passcodeHash, int capacity) {
    var result = room.<ChatRoom.CreateResult>runCommand(
        r -> new ChatRoom.Create("general", ChatRoom.KIND_ROOM, owner, passcodeHash, capacity, List.of(), r));
    assertInstanceOf(ChatRoom.RoomCreated.class, result.event());
  }

  private ChatRoom.RoomView view(String user) {
    return (ChatRoom.RoomView) room.<ChatRoom.GetResult>runCommand(r -> new ChatRoom.Get(user, r)).reply();
  }

  @Test
  void anOwnerWhoClosesTheAccountHandsTheRoomToTheAdminOfLongestStandingFirst() {
    create("alice", null, 10);
    for (String u : List.of("bob", "carol", "dave")) {
      room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join(u, null, r));
    }
    room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.SetRole("alice", "dave", "admin", r));
    room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.SetRole("alice", "carol", "admin", r));
    var closed = room.<ChatRoom.MemberClosed>runCommand(r -> new ChatRoom.CloseMember("alice", r));
    assertEquals(2, closed.events().size());
    assertEquals(TimelineEntry.ROLE, closed.events().get(0).entry().kind());
    assertEquals(TimelineEntry.ACCOUNT_CLOSED, closed.events().get(1).entry().kind());
    assertEquals("dave", closed.state().info.owner(), "dave was named admin first");
    assertFalse(closed.state().admins.contains("alice"));
    room.restart();
    assertEquals("dave", room.getState().info.owner(), "and so it replays");
  }

  @Test
  void aRoomOrphanedBeforeHandOversExistedIsHandedOverWhenItStarts() {
    create("alice", null, 10);
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r));
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("carol", null, r));
    // What the journal holds of a room whose owner closed the account before rooms were handed over.
    PersistenceTestKit.create(kit.system()).persistForRecovery(ChatRoom.persistenceId(roomId).id(), List.of(
        new ChatRoom.AccountClosed(new TimelineEntry.AccountClosed(4, "alice", Instant.now()))));
    room.restart();
    var view = room.<ChatRoom.GetResult>runCommand(r -> new ChatRoom.Get("bob", r)).reply();
    assertEquals("bob", ((ChatRoom.RoomView) view).owner(), "the member who joined first");
    assertEquals(5, ((ChatRoom.RoomView) view).lastSeq(), "a role entry says so");
  }

  @Test
  void aRoomWhoseOnlyMemberClosedTheAccountKeepsNoOwnerAfterAStrangerJoinsAndItStartsAgain() {
    create("alice", null, 10);
    var closed = room.<ChatRoom.MemberClosed>runCommand(r -> new ChatRoom.CloseMember("alice", r));
    assertEquals(1, closed.events().size(), "nobody to hand it to: no role entry");
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("mallory", null, r));
    long lastSeq = view("mallory").lastSeq();
    assertEquals("alice", view("mallory").owner());

    room.restart();
    assertEquals("alice", view("mallory").owner(), "read back from the journal, as after a passivation");
    assertEquals(lastSeq, view("mallory").lastSeq(), "no role entry was written as it started");
    assertFalse(room.getState().canModerate("mallory"));
    var rename = room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.Change("mallory", "taken", null,
        false, null, null, r));
    assertTrue(rename.hasNoEvents(), "mallory may not rename the room");

    // From a snapshot too (snapshot-every is 7 in the kit): enough entries to write one, then start again.
    for (int i = 0; i < 8; i++) {
      String id = "m" + i;
      room.<ChatRoom.SendOutcome>runCommand(r -> ChatRoom.Send.withEntry("mallory", id, "mine now?", r));
    }
    room.restart();
    assertEquals("alice", view("mallory").owner(), "read back from a snapshot");
    assertFalse(room.getState().canModerate("mallory"));
  }
}
