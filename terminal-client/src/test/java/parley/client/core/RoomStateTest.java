package parley.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.protocol.Message;
import parley.protocol.MessagePage;

class RoomStateTest {
  private static final Instant T = Instant.parse("2025-03-14T09:00:00Z");

  private static Message msg(long seq, String sender, String text) {
    return new Message("r", seq, Message.KIND_MESSAGE, sender, text, T.plusSeconds(seq), "id-" + sender + "-" + seq);
  }

  private static List<Long> seqs(RoomState room) {
    return room.entries().stream().map(Message::seq).toList();
  }

  private static RoomState loadedRoom(long... seqs) {
    RoomState room = new RoomState("r", "general", RoomState.KIND_ROOM);
    List<Message> page = new ArrayList<>();
    for (long s : seqs) {
      page.add(msg(s, "bob", "m" + s));
    }
    room.baseline(new MessagePage(page, false), "alice");
    return room;
  }

  @Test
  void ordersEntriesBySeqWhateverTheArrivalOrder() {
    RoomState room = loadedRoom(1, 2);
    room.add(List.of(msg(5, "bob", "e")), "alice");
    room.add(List.of(msg(3, "bob", "c"), msg(4, "carol", "d")), "alice");
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(room));
    assertEquals(5, room.contiguous());
  }

  @Test
  void dropsAnEntryItAlreadyHas() {
    RoomState room = loadedRoom(1, 2, 3);
    List<Message> added = room.add(List.of(msg(2, "bob", "m2"), msg(3, "bob", "m3"), msg(4, "bob", "m4")), "alice");
    assertEquals(List.of(4L), added.stream().map(Message::seq).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L), seqs(room));
  }

  @Test
  void aGapIsReportedUntilFilledThenTheRunIsGapFree() {
    RoomState room = loadedRoom(1, 2);
    room.add(List.of(msg(6, "bob", "f")), "alice");
    assertEquals(OptionalLong.of(2), room.gap());
    assertEquals(2, room.contiguous());
    room.add(List.of(msg(3, "bob", "c"), msg(4, "bob", "d")), "alice");
    assertEquals(OptionalLong.of(4), room.gap());
    room.add(List.of(msg(5, "bob", "e")), "alice");
    assertEquals(OptionalLong.empty(), room.gap());
    assertEquals(6, room.contiguous());
  }

  @Test
  void aTrimBelowWhatIsMissingEndsTheGapAtTheFloorAndThereIsNothingOlderToLoad() {
    RoomState room = loadedRoom(1, 2, 3);
    room.known(40);
    assertEquals(OptionalLong.of(3), room.gap());
    room.trimmed(30, Instant.EPOCH);
    assertEquals(OptionalLong.of(29), room.gap(), "4..29 were removed by the room's retention: not missed");
    room.add(List.of(msg(30, "bob", "first kept")), "alice");
    assertEquals(30, room.contiguous());
    assertTrue(room.hasOlder() == false);
    assertEquals(30, room.trimmedFloor());
    assertEquals(1, room.notices().size(), "where the missing entries would have been, once");
    assertTrue(room.notices().get(0).text().contains("#4 to #29"), room.notices().toString());
    room.trimmed(30, Instant.EPOCH);
    room.trimmed(12, Instant.EPOCH);
    assertEquals(1, room.notices().size(), "a floor it knows already is not said again");
  }

  @Test
  void theServerSayingItHasMoreIsAGapToo() {
    RoomState room = loadedRoom(1, 2, 3);
    room.known(7);
    assertEquals(OptionalLong.of(3), room.gap());
  }

  @Test
  void liveEntriesBeforeTheFirstPageJoinItsRun() {
    RoomState room = new RoomState("r", "general", RoomState.KIND_ROOM);
    room.add(List.of(msg(11, "bob", "live")), "alice");
    assertFalse(room.loaded());
    assertEquals(OptionalLong.empty(), room.gap(), "no gap is chased before a baseline");
    room.baseline(new MessagePage(List.of(msg(9, "bob", "a"), msg(10, "bob", "b")), true), "alice");
    assertEquals(11, room.contiguous());
    assertEquals(9, room.floor());
    assertTrue(room.hasOlder());
  }

  @Test
  void olderPagesExtendTheRunDownwards() {
    RoomState room = loadedRoom(4, 5);
    assertTrue(room.hasOlder());
    room.older(new MessagePage(List.of(msg(2, "bob", "b"), msg(3, "bob", "c")), true), "alice");
    assertEquals(2, room.floor());
    assertTrue(room.hasOlder());
    room.older(new MessagePage(List.of(msg(1, "bob", "a")), false), "alice");
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(room));
    assertFalse(room.hasOlder());
  }

  @Test
  void aPendingLineTurnsSentAtItsAckedSeq() {
    RoomState room = loadedRoom(1, 2);
    room.addPending("c-1", "hello", T);
    assertEquals(1, room.pending().size());
    room.acked("c-1", 4, T.plusSeconds(9), "alice");
    assertTrue(room.pending().isEmpty());
    assertEquals(List.of(1L, 2L, 4L), seqs(room));
    assertEquals("hello", room.entry(4).orElseThrow().text());
    assertEquals(OptionalLong.of(2), room.gap(), "seq 3 is still owed");
    room.add(List.of(msg(3, "bob", "c"), new Message("r", 4, "message", "alice", "hello", T, "c-1")), "alice");
    assertEquals(List.of(1L, 2L, 3L, 4L), seqs(room));
  }

  @Test
  void aPendingLineSeenStoredStopsPendingEvenWithoutItsAck() {
    RoomState room = loadedRoom(1);
    room.addPending("c-1", "hello", T);
    room.add(List.of(new Message("r", 2, "message", "alice", "hello", T, "c-1")), "alice");
    assertTrue(room.pending().isEmpty());
    room.acked("c-1", 2, T, "alice");
    assertEquals(List.of(1L, 2L), seqs(room));
  }

  @Test
  void anotherUsersClientMsgIdDoesNotSettleMine() {
    RoomState room = loadedRoom(1);
    room.addPending("c-1", "mine", T);
    room.add(List.of(new Message("r", 2, "message", "bob", "his", T, "c-1")), "alice");
    assertEquals(1, room.pending().size());
  }

  @Test
  void unreadIsLastSeqMinusTheReadMarkerWhichNeverMovesBack() {
    RoomState room = loadedRoom(1, 2, 3);
    room.markRead(1);
    assertEquals(2, room.unread());
    room.add(List.of(msg(4, "bob", "d")), "alice");
    assertEquals(3, room.unread());
    room.markRead(4);
    room.markRead(2);
    assertEquals(0, room.unread());
    assertEquals(4, room.readSeq());
  }

  @Test
  void joinsLeavesAndOnesOwnMessagesAreNotUnread() {
    RoomState room = loadedRoom(1, 2);
    room.markRead(2);
    room.add(List.of(
        new Message("r", 3, Message.KIND_JOINED, "carol", null, T, null),
        msg(4, "carol", "hi all"),
        new Message("r", 5, Message.KIND_LEFT, "dave", null, T, null),
        msg(6, "alice", "from my other device")), "alice");
    assertEquals(1, room.unread(), "one message of someone else: carol's hi");
  }

  @Test
  void beforeTheRoomIsLoadedTheServersCountStandsAndNewMessagesAddToIt() {
    RoomState room = new RoomState("r", "general", RoomState.KIND_ROOM);
    room.known(40);
    room.markRead(30);
    room.counted(40, 30, 3); // of the 10 entries after the marker, 3 are messages of others
    assertEquals(3, room.unread());
    room.add(List.of(new Message("r", 41, Message.KIND_JOINED, "erin", null, T, null), msg(42, "erin", "hello")), "alice");
    assertEquals(4, room.unread());
  }

  @Test
  void sendingMovesTheReadMarkerToTheSentMessage() {
    RoomState room = loadedRoom(1, 2, 3);
    room.addPending("c-1", "hi", T);
    room.acked("c-1", 4, T, "alice");
    assertEquals(0, room.unread());
  }

  @Test
  void openingTheRoomPutsTheNewMessagesLineAtTheReadMarker() {
    RoomState room = loadedRoom(1, 2, 3);
    room.markRead(2);
    room.raise(Activity.MESSAGE);
    room.open();
    assertEquals(2, room.markerSeq());
    assertEquals(Activity.NONE, room.activity());
  }

  @Test
  void membershipFollowsJoinAndLeaveEntriesAfterTheListItCameWith() {
    RoomState room = loadedRoom(1, 2);
    room.members(List.of("alice", "bob"), 2);
    room.add(List.of(new Message("r", 1, "joined", "old", null, T, null)), "alice");
    room.add(List.of(new Message("r", 3, "joined", "carol", null, T, null),
        new Message("r", 4, "left", "bob", null, T, null)), "alice");
    assertEquals(Set.of("alice", "carol"), room.members());
  }

  @Test
  void aMemberListOlderThanTheJoinsAlreadyHereKeepsThem() {
    RoomState room = loadedRoom(1, 2);
    room.members(List.of("alice", "bob"), 2);
    room.add(List.of(new Message("r", 3, "joined", "carol", null, T, null),
        new Message("r", 4, "left", "bob", null, T, null)), "alice");
    // A read of the members answered as of seq 3, after the client already had seq 4.
    room.members(List.of("alice", "bob", "carol"), 3);
    assertEquals(Set.of("alice", "carol"), room.members());
  }

  @Test
  void aDmIsNamedForTheOtherParty() {
    RoomState dm = new RoomState("dm:alice:bob", "alice, bob", RoomState.KIND_DM);
    assertEquals("@bob", dm.displayName("alice"));
    assertEquals("@alice", dm.displayName("bob"));
    assertEquals("#general", loadedRoom(1).displayName("alice"));
  }

  @Test
  void aGroupDmIsTitledWithWhoIsInIt() {
    RoomState group = new RoomState("g1", "alice, bob, carol, dave", RoomState.KIND_GROUP);
    assertEquals("&bob, carol, dave", group.displayName("alice"), "its name's list until its members are read");
    // carol declined, dave blocked the one who opened it.
    group.members(List.of("bob", "alice"), 3);
    assertEquals("&bob", group.displayName("alice"));
  }
}
