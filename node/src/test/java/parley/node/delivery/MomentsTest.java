package parley.node.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import parley.node.room.RoomNews;
import parley.node.testkit.InMemory;

/** A room's frames of the moment as each reader is written them: theirs left out, the entry last. */
@InMemory
class MomentsTest {
  private static final String ALICE_TYPES = "{\"type\":\"typing\",\"username\":\"alice\"}";
  private static final String RECEIPT = "{\"type\":\"receipt\"}";

  private static List<String> texts(List<PreparedText> frames) {
    return frames.stream().map(PreparedText::text).toList();
  }

  @Test
  void everyReaderButTheTypistGetsTheMomentsAheadOfTheEntryInOneSharedList() {
    Moments moments = new Moments(List.of(new RoomNews.Moment("alice", ALICE_TYPES), new RoomNews.Moment(null, RECEIPT)));
    PreparedText entry = PreparedText.of("{\"type\":\"message\",\"seq\":7}");

    List<PreparedText> bob = moments.forReader("bob", entry);
    assertEquals(List.of(ALICE_TYPES, RECEIPT, entry.text()), texts(bob));
    assertSame(bob, moments.forReader("carol", entry), "built once for every reader who typed none of them");
    // alice is not shown her own typing; the receipt is everyone's.
    assertEquals(List.of(RECEIPT, entry.text()), texts(moments.forReader("alice", entry)));
  }

  @Test
  void momentsAloneAndAnEntryAlone() {
    Moments typing = new Moments(List.of(new RoomNews.Moment("alice", ALICE_TYPES)));
    assertEquals(List.of(ALICE_TYPES), texts(typing.forReader("bob", null)));
    assertTrue(typing.forReader("alice", null).isEmpty(), "nothing to write to the typist");
    PreparedText entry = PreparedText.of("{\"seq\":1}");
    assertEquals(List.of(entry.text()), texts(Moments.NONE.forReader("bob", entry)));
  }

  @Test
  void aReceiptForSomeReadersOnlyGoesToThemAndTheOthersShareOneListWithoutIt() {
    Moments moments = new Moments(List.of(new RoomNews.Moment("alice", ALICE_TYPES),
        new RoomNews.Moment(null, RECEIPT, Set.of("bob", "alice"))));
    PreparedText entry = PreparedText.of("{\"type\":\"message\",\"seq\":8}");

    assertEquals(List.of(ALICE_TYPES, RECEIPT, entry.text()), texts(moments.forReader("bob", entry)));
    assertEquals(List.of(RECEIPT, entry.text()), texts(moments.forReader("alice", entry)), "not her own typing");
    List<PreparedText> carol = moments.forReader("carol", entry);
    assertEquals(List.of(ALICE_TYPES, entry.text()), texts(carol));
    assertSame(carol, moments.forReader("dave", entry), "built once for the readers the receipt is not for");
    assertTrue(new Moments(List.of(new RoomNews.Moment(null, RECEIPT, Set.of("bob"))))
        .forReader("carol", null).isEmpty(), "nothing to write");
  }
}
