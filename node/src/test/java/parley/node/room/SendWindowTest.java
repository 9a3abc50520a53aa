package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;

/** The room's dedupe window in columns, against the plainest model of it: an insertion-ordered map. */
@InMemory
class SendWindowTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  @Test
  void aWindowKeepsTheLastSendsFindsThemAndForgetsTheOldest() {
    SendWindow window = new SendWindow();
    for (int i = 1; i <= 40; i++) {
      window.add("alice", "m" + i, i, T0.plusMillis(i), 25);
    }
    assertEquals(25, window.size());
    assertNull(window.find("alice", "m15"), "fell out of the window");
    assertEquals(new RoomState.Sent("alice", "m16", 16, T0.plusMillis(16)), window.find("alice", "m16"));
    assertEquals(new RoomState.Sent("alice", "m40", 40, T0.plusMillis(40)), window.find("alice", "m40"));
    assertNull(window.find("bob", "m40"), "the same id from another sender is another send");
    assertEquals(16, window.sends().get(0).seq(), "oldest first");
  }

  @Test
  void manySendsFromManySendersMatchTheModelThroughGrowthAndEviction() {
    Random random = new Random(42);
    for (int windowSize : new int[] {1, 2, 7, 16, 17, 100, 1000}) {
      SendWindow window = new SendWindow();
      Map<String, RoomState.Sent> model = new LinkedHashMap<>();
      List<String[]> everSent = new ArrayList<>();
      long seq = 0;
      for (int i = 0; i < 20_000; i++) {
        String sender = "u" + random.nextInt(13);
        // Ids repeat across senders and, once out of the window, for the same sender too.
        String id = "c" + random.nextInt(windowSize * 3 + 5);
        String key = sender + '\u0000' + id;
        RoomState.Sent expected = model.get(key);
        assertEquals(expected, window.find(sender, id), "window " + windowSize + ", send " + i);
        if (expected == null) {
          seq += 1 + random.nextInt(3);
          Instant at = T0.plusMillis(seq * 7 - random.nextInt(50));
          window.add(sender, id, seq, at, windowSize);
          model.put(key, new RoomState.Sent(sender, id, seq, at));
          while (model.size() > windowSize) {
            model.remove(model.keySet().iterator().next());
          }
          everSent.add(new String[] {sender, id});
        }
        if (i % 997 == 0) {
          assertEquals(new ArrayList<>(model.values()), window.sends(), "window " + windowSize + ", send " + i);
        }
      }
      assertEquals(model.size(), window.size());
      for (String[] s : everSent) {
        assertEquals(model.get(s[0] + '\u0000' + s[1]), window.find(s[0], s[1]));
      }
    }
  }

  @Test
  void sendsWhoseHashesCollideOrWhoseStringsRunTogetherStayApart() {
    SendWindow window = new SendWindow();
    // "Aa" and "BB" have the same String hash, so the same window hash: only the bytes tell them apart.
    window.add("alice", "Aa", 1, T0, 100);
    assertNull(window.find("alice", "BB"));
    window.add("alice", "BB", 2, T0, 100);
    window.add("ab", "c", 3, T0, 100);
    window.add("a", "bc", 4, T0, 100);
    window.add("é", "ü👋", 5, T0, 100);
    assertEquals(1, window.find("alice", "Aa").seq());
    assertEquals(2, window.find("alice", "BB").seq());
    assertEquals(3, window.find("ab", "c").seq());
    assertEquals(4, window.find("a", "bc").seq());
    assertEquals(new RoomState.Sent("é", "ü👋", 5, T0), window.find("é", "ü👋"));
    assertNull(window.find("abc", ""));
  }

  @Test
  void aSmallerWindowThanTheOneRestoredTrimsItAtTheNextSend() {
    SendWindow window = new SendWindow();
    for (int i = 1; i <= 50; i++) {
      window.add("alice", "m" + i, i, T0, Integer.MAX_VALUE);
    }
    assertEquals(50, window.size());
    window.add("bob", "b1", 51, T0, 10);
    assertEquals(10, window.size());
    assertNull(window.find("alice", "m41"));
    assertEquals(42, window.find("alice", "m42").seq());
    assertEquals(51, window.find("bob", "b1").seq());
  }
}
