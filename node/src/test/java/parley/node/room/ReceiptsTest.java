package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import parley.protocol.Json;
import parley.protocol.RoomReceipts;
import parley.protocol.ServerFrame;
import parley.node.testkit.InMemory;

/** A room's receipts: markers only move forward, are clamped to the room's end, and go out once a second in one frame. */
@InMemory
class ReceiptsTest {

  private static JsonNode parse(String json) throws Exception {
    return Json.mapper().readTree(json);
  }

  @Test
  void oneMemberMovedIsOneFlatFrameClampedToTheRoomsEnd() throws Exception {
    Receipts receipts = new Receipts();
    assertTrue(receipts.moved("bob", 12, 9, true, true));
    assertFalse(receipts.moved("bob", 10, 8, true, true), "markers never move back");
    JsonNode frame = parse(receipts.takeChanged("r1", 11));
    assertEquals("receipt", frame.get("type").asText());
    assertEquals("bob", frame.get("username").asText());
    assertEquals(11, frame.get("deliveredSeq").asLong(), "never past the room's last seq");
    assertEquals(9, frame.get("readSeq").asLong());
    assertEquals(1, frame.get("members").size());
    assertNull(receipts.takeChanged("r1", 11), "told once");
    ServerFrame.Receipt read = (ServerFrame.Receipt) Json.mapper().readValue(frame.toString(), ServerFrame.class);
    assertEquals(List.of(new RoomReceipts.Member("bob", 11, 9L)), read.all());
  }

  @Test
  void aDeliveredMarkerMovesOnlyForwardKeepsTheReadMarkerAndIsToldOnlyWhenAsked() throws Exception {
    Receipts receipts = new Receipts();
    assertTrue(receipts.delivered("bob", 5, true), "a first marker moves and is told");
    assertFalse(receipts.delivered("bob", 5, true), "the same marker again: no move");
    assertFalse(receipts.delivered("bob", 4, true), "never back");
    assertEquals(5, parse(receipts.takeChanged("r1", 10)).get("deliveredSeq").asLong());

    receipts.moved("bob", 6, 6, true, true);
    receipts.takeChanged("r1", 10);
    assertTrue(receipts.delivered("bob", 8, true));
    JsonNode frame = parse(receipts.takeChanged("r1", 10));
    assertEquals(8, frame.get("deliveredSeq").asLong());
    assertEquals(6, frame.get("readSeq").asLong(), "a delivered marker keeps the read marker it had");

    assertFalse(receipts.delivered("carol", 3, false), "kept, not to be told (what a restart asked again)");
    assertNull(receipts.takeChanged("r1", 10), "nothing to tell");
    assertEquals(new RoomReceipts.Member("carol", 3, 0L), receipts.all(List.of("carol"), 10).get(0));
  }

  @Test
  void severalMembersMovedInASecondAreOneFrameEachOnceAndAHiddenReadIsNull() throws Exception {
    Receipts receipts = new Receipts();
    receipts.moved("bob", 3, 2, true, true);
    receipts.moved("carol", 4, 4, false, true);
    receipts.moved("bob", 5, 2, true, true);
    receipts.moved("dave", 5, 5, true, false); // what a restart asked again: kept, not told
    JsonNode frame = parse(receipts.takeChanged("r1", 10));
    assertFalse(frame.has("username"), frame.toString());
    assertEquals(2, frame.get("members").size());
    assertEquals("bob", frame.get("members").get(0).get("username").asText());
    assertEquals(5, frame.get("members").get(0).get("deliveredSeq").asLong());
    assertTrue(frame.get("members").get(1).get("readSeq").isNull(), "carol hides her read marker");
    assertEquals(new RoomReceipts.Member("dave", 5, 5L), receipts.all(List.of("dave"), 10).get(0));
  }

  @Test
  void withAuthorsTheFrameIsForTheAuthorsOfTheMessagesTheMovesPassedOrForEveryoneWhenThatIsNotKnown() throws Exception {
    // seq -> author: 11 alice, 12 a join, 13 dave, 14 alice; 15 trimmed (not known); 16 a join.
    LongFunction<String> authorOf = seq -> switch ((int) seq) {
      case 11, 14 -> "alice";
      case 13 -> "dave";
      case 15 -> null;
      default -> "";
    };
    Receipts receipts = new Receipts();
    receipts.moved("bob", 10, 10, true, false); // known to everyone already (asked after a restart)
    receipts.moved("carol", 10, 10, true, false);
    assertNull(receipts.takeChanged("r1", 16, authorOf), "nothing moved");

    receipts.delivered("bob", 12, true);
    Receipts.Told told = receipts.takeChanged("r1", 16, authorOf);
    assertEquals(Set.of("alice"), told.to(), "bob passed alice's 11 and a join");
    assertEquals("bob", parse(told.frame()).get("username").asText());

    receipts.delivered("carol", 14, true);
    receipts.moved("bob", 12, 13, true, true);
    told = receipts.takeChanged("r1", 16, authorOf);
    assertEquals(Set.of("alice", "dave"), told.to(), "carol passed 11 to 14, bob read 11 to 13");
    assertEquals(2, parse(told.frame()).get("members").size());

    receipts.delivered("bob", 16, true);
    assertNull(receipts.takeChanged("r1", 16, authorOf).to(), "a seq whose author is not known: everyone");
    receipts.moved("carol", 14, 10, false, true);
    assertNull(receipts.takeChanged("r1", 16, authorOf).to(), "a read marker hidden: everyone's view changes");
    receipts.delivered("carol", 16, true); // passes 15, whose author is not known
    assertNull(receipts.takeChanged("r1", 16, authorOf).to());

    receipts.moved("dave", 16, 16, true, false);
    receipts.moved("erin", 12, 12, true, false);
    receipts.delivered("erin", 12, true); // no move
    assertNull(receipts.takeChanged("r1", 16, authorOf), "nothing moved");
    receipts.moved("erin", 12, 12, true, false);
    receipts.delivered("erin", 13, true);
    assertEquals(Set.of("dave"), receipts.takeChanged("r1", 16, authorOf).to());
    assertNull(receipts.takeChanged("r1", 16, null), "told once");
  }
}
