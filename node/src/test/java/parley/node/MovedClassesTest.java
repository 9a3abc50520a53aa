package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.room.ChatRoom;
import parley.node.room.RoomDirectory;
import parley.node.room.RoomInfo;
import parley.node.room.RoomState;
import parley.node.room.TimelineEntry;
import parley.node.testkit.EntityTestKit;
import parley.node.user.UserAccount;
import parley.node.user.UserState;
import parley.node.testkit.InMemory;

/**
 * Events and snapshots in a journal written before the node's classes moved into packages carry the earlier class
 * names beside the same data; each is read as the class it is now.
 */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MovedClassesTest {
  private final ActorTestKit kit = ActorTestKit.create(EntityTestKit.config());
  private final Serialization serialization = SerializationExtension.get(kit.system().classicSystem());

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  /** What the journal holds for {@code value} had it been written under {@code earlierName}, read back. */
  private Object readUnderEarlierName(Object value, String earlierName) {
    Serializer serializer = serialization.findSerializerFor(value);
    byte[] bytes = serialization.serialize(value).get();
    return serialization.deserialize(bytes, serializer.identifier(), earlierName).get();
  }

  @Test
  void eventsAndSnapshotsUnderTheirEarlierNamesReadAsTheClassesTheyAreNow() {
    Instant at = Instant.parse("2026-11-20T10:00:00Z");
    TimelineEntry entry = new TimelineEntry.Message(7, "alice", "hello", at, "c-7");
    Map<Object, String> written = Map.of(
        new ChatRoom.MessagePosted(entry), "parley.node.ChatRoom$MessagePosted",
        new ChatRoom.MemberJoined(new TimelineEntry.Joined(2, "bob", at)),
        "parley.node.ChatRoom$MemberJoined",
        new UserAccount.TokenIssued("ab12", at.plusSeconds(60), at), "parley.node.UserAccount$TokenIssued",
        new UserAccount.ReadMarkersMoved(Map.of("r1", 5L)), "parley.node.UserAccount$ReadMarkersMoved",
        new UserState("hash", Map.of(), Map.of("r1", 3L), true, null), "parley.node.UserAccount$State",
        new RoomDirectory.Listed("r1", "general", 3, false, 100), "parley.node.RoomDirectory$Listed");
    written.forEach((value, earlierName) -> assertEquals(value, readUnderEarlierName(value, earlierName), earlierName));

    RoomInfo info = new RoomInfo("general", ChatRoom.KIND_ROOM, "alice", null, 10, at);
    RoomState.Snapshot snapshot = new RoomState.Snapshot(info, 7, List.of("alice"), List.of(entry), null,
        RoomState.DedupeWindow.of(List.of(new RoomState.Sent("alice", "c-7", 7, at))), Map.of("alice", 7L), new long[] {1});
    Object read = readUnderEarlierName(snapshot, "parley.node.ChatRoom$Snapshot");
    assertEquals(RoomState.Snapshot.class, read.getClass());
    assertEquals(7, ((RoomState.Snapshot) read).lastSeq());
  }
}
