package parley.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import parley.protocol.Member;
import parley.protocol.Message;
import parley.protocol.Room;
import parley.protocol.RoomSummary;

class ChatStateTest {
  private static final Instant T = Instant.parse("2025-03-14T09:00:00Z");

  private final ChatState state = new ChatState("alice");

  private static Message say(String room, long seq, String sender, String text) {
    return new Message(room, seq, Message.KIND_MESSAGE, sender, text, T, null);
  }

  @Test
  void aMemberListReadBeforeAPresenceFrameDoesNotUndoIt() {
    Room before = new Room("r1", "general", "room", "alice", 10, false, 3, List.of(
        new Member("bob", true, null), new Member("carol", false, T)));
    long asOf = state.presenceMark();
    // Bob leaves after the read was sent and before its answer is here.
    state.presence("bob", false, T.plusSeconds(5));
    state.upsert(before, asOf);
    assertEquals(new Presence(false, T.plusSeconds(5)), state.presenceOf("bob"));
    assertEquals(new Presence(false, T), state.presenceOf("carol"));
    // A read sent after the frame is newer than it.
    state.upsert(before, state.presenceMark());
    assertTrue(state.presenceOf("bob").online());
  }

  @Test
  void roomsAreListedBeforeDmsEachByName() {
    state.upsert(new RoomSummary("dm:alice:zed", "alice, zed", "dm", 0, 0, 0));
    state.upsert(new RoomSummary("b1", "random", "room", 0, 0, 0));
    state.upsert(new RoomSummary("a1", "General", "room", 0, 0, 0));
    state.upsert(new RoomSummary("dm:alice:bob", "alice, bob", "dm", 0, 0, 0));
    assertEquals(List.of("#General", "#random", "@bob", "@zed"),
        state.ordered().stream().map(r -> r.displayName("alice")).toList());
  }

  @Test
  void aRoomListedUnavailableKeepsItsNameAndWhatTheClientHasSeen() {
    state.upsert(new RoomSummary("a1", "General", "room", 40, 38, 2));
    // Reconnected while the room's node did not answer: the server knows only the read marker.
    RoomState room = state.upsert(RoomSummary.unavailable("a1", 38));
    assertEquals("#General", room.displayName("alice"));
    assertEquals(2, room.unread());
  }

  @Test
  void ctrlNAndCtrlPWrapAround() {
    state.upsert(new RoomSummary("a1", "a", "room", 0, 0, 0));
    state.upsert(new RoomSummary("b1", "b", "room", 0, 0, 0));
    state.switchTo("b1");
    assertEquals("a1", state.neighbour(1).orElseThrow().id());
    assertEquals("a1", state.neighbour(-1).orElseThrow().id());
  }

  @Test
  void messagesElsewhereRaiseActivityAndOnlyLiveMentionsAndDmsRing() {
    state.upsert(new RoomSummary("a1", "general", "room", 0, 0, 0));
    state.upsert(new RoomSummary("b1", "random", "room", 0, 0, 0));
    state.upsert(new RoomSummary("dm:alice:bob", "alice, bob", "dm", 0, 0, 0));
    state.switchTo("a1");

    assertFalse(state.receive("b1", List.of(say("b1", 1, "bob", "lunch?")), true));
    assertEquals(Activity.MESSAGE, state.room("b1").orElseThrow().activity());

    assertTrue(state.receive("b1", List.of(say("b1", 2, "bob", "@alice lunch?")), true));
    assertEquals(Activity.MENTION, state.room("b1").orElseThrow().activity());

    assertTrue(state.receive("dm:alice:bob", List.of(say("dm:alice:bob", 1, "bob", "psst")), true));
    assertFalse(state.receive("dm:alice:bob", List.of(say("dm:alice:bob", 2, "bob", "psst")), false),
        "history fetched on resume marks the room but does not ring");

    assertFalse(state.receive("a1", List.of(say("a1", 1, "bob", "alice: here")), true), "the room in view");
    assertEquals(Activity.NONE, state.room("a1").orElseThrow().activity());
  }

  @Test
  void myOwnMessagesAndJoinsAreQuieter() {
    state.upsert(new RoomSummary("a1", "general", "room", 0, 0, 0));
    state.upsert(new RoomSummary("b1", "random", "room", 0, 0, 0));
    state.switchTo("a1");
    state.receive("b1", List.of(say("b1", 1, "alice", "from my other session")), true);
    assertEquals(Activity.NONE, state.room("b1").orElseThrow().activity());
    state.receive("b1", List.of(new Message("b1", 2, Message.KIND_JOINED, "carol", null, T, null)), true);
    assertEquals(Activity.LOW, state.room("b1").orElseThrow().activity());
  }

  @Test
  void mentionsAreWholeWordsInAnyCase() {
    assertTrue(state.mentionsMe("hi Alice!"));
    assertTrue(state.mentionsMe("@alice: look"));
    assertFalse(state.mentionsMe("alicent is here"));
    assertFalse(state.mentionsMe("malice"));
  }

  @Test
  void leavingTheRoomInViewMovesToAnother() {
    state.upsert(new RoomSummary("a1", "a", "room", 0, 0, 0));
    state.upsert(new RoomSummary("b1", "b", "room", 0, 0, 0));
    state.switchTo("a1");
    state.remove("a1");
    assertEquals("b1", state.current().orElseThrow().id());
  }

  @Test
  void noticesWithoutARoomGoToTheLobby() {
    state.notice("hello", false, T);
    assertEquals(1, state.lobby().size());
  }
}
