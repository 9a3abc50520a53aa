package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;

/** A room's recent entries in columns and a byte ring, against the plainest model of them: a queue of entries. */
@InMemory
class RecentEntriesTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  @Test
  void aRoomKeepsItsLastEntriesAndReadsThemBackAsTheyWere() {
    RecentEntries recent = new RecentEntries();
    recent.add(new TimelineEntry.Joined(1, "alice", T0), 3);
    recent.add(new TimelineEntry.Message(2, "alice", "héllo 👋", T0.plusNanos(123_456_789), "c1"), 3);
    recent.add(new TimelineEntry.Left(3, "bob", T0.plusSeconds(1)), 3);
    recent.add(new TimelineEntry.Message(4, "alice", "", T0.plusSeconds(2), "c2"), 3);
    assertEquals(3, recent.size());
    assertEquals(2, recent.oldestSeq());
    assertEquals(
        List.of(
            new TimelineEntry.Message(2, "alice", "héllo 👋", T0.plusNanos(123_456_789), "c1"),
            new TimelineEntry.Left(3, "bob", T0.plusSeconds(1)),
            new TimelineEntry.Message(4, "alice", "", T0.plusSeconds(2), "c2")),
        recent.all());
    assertEquals(List.of(recent.all().get(1)), recent.range(3, 3));
    assertEquals(List.of(), recent.range(5, 9));
  }

  @Test
  void entriesOfOtherKindsAndRepliesAndMentionsReadBackAsTheyWere() {
    RecentEntries recent = new RecentEntries();
    List<TimelineEntry> entries = List.of(
        new TimelineEntry.Topic(7, "alice", T0, "new topic"),
        new TimelineEntry.Message(8, "alice", "re", T0, "c8", List.of(), 7L),
        new TimelineEntry.Message(9, "alice", "hi @bob @carol", T0.plusNanos(5), "c9", List.of("bob", "carol"), null),
        new TimelineEntry.Reaction(10, "bob", T0, "c10", 9, "🎉", true),
        new TimelineEntry.Retention(11, "alice", T0, new RetentionRule(100, null)),
        new TimelineEntry.File(12, "bob", "a.png", T0, "c12", new SharedFile("f1", "a.png", 3, "image/png", "ab")),
        new TimelineEntry.Kicked(13, "alice", T0, "eve", null),
        new TimelineEntry.Message(14, "bob", "plain", T0, "c14"));
    for (TimelineEntry e : entries) {
      recent.add(e, 10);
    }
    assertEquals(entries, recent.all());
    assertEquals(entries.subList(2, 5), recent.range(9, 11));
    recent.add(new TimelineEntry.Left(15, "bob", T0), 3);
    assertEquals(List.of(entries.get(6), entries.get(7), new TimelineEntry.Left(15, "bob", T0)), recent.all());
  }

  @Test
  void entriesOfEverySizeMatchTheModelThroughGrowthWrappingAndEviction() {
    Random random = new Random(7);
    for (int limit : new int[] {1, 2, 15, 16, 17, 100, 1000}) {
      RecentEntries recent = new RecentEntries();
      Deque<TimelineEntry> model = new ArrayDeque<>();
      for (long seq = 1; seq <= 6_000; seq++) {
        TimelineEntry entry = randomEntry(random, seq);
        recent.add(entry, limit);
        model.addLast(entry);
        while (model.size() > limit) {
          model.removeFirst();
        }
        String where = "limit " + limit + ", seq " + seq;
        assertEquals(model.size(), recent.size(), where);
        assertEquals(model.peekFirst().seq(), recent.oldestSeq(), where);
        if (seq % 89 == 0 || seq > 5_990) {
          assertEquals(new ArrayList<>(model), recent.all(), where);
          long from = model.peekFirst().seq() + random.nextInt(model.size());
          long to = from + random.nextInt(50);
          List<TimelineEntry> expected = model.stream().filter(e -> e.seq() >= from && e.seq() <= to).toList();
          assertEquals(expected, recent.range(from, to), where + ", range " + from + ".." + to);
        }
      }
    }
  }

  @Test
  void entriesRestoredBeyondTheLimitAreTrimmedAtTheNextOne() {
    RecentEntries recent = new RecentEntries();
    for (long seq = 1; seq <= 50; seq++) {
      recent.add(new TimelineEntry.Message(seq, "alice", "m" + seq, T0, "c" + seq), Integer.MAX_VALUE);
    }
    assertEquals(50, recent.size());
    recent.add(new TimelineEntry.Message(51, "bob", "b", T0, "b1"), 10);
    assertEquals(10, recent.size());
    assertEquals(42, recent.oldestSeq());
    assertEquals("m42", ((TimelineEntry.Message) recent.all().get(0)).text());
  }

  /** Texts from empty to the 4,000-character cap, in one, two, three and four UTF-8 bytes a character. */
  private static TimelineEntry randomEntry(Random random, long seq) {
    int shape = random.nextInt(10);
    if (shape == 0) {
      return new TimelineEntry.Joined(seq, "u" + random.nextInt(40), T0.plusMillis(seq));
    }
    if (shape == 1) {
      return new TimelineEntry.Left(seq, "u" + random.nextInt(40), T0.plusMillis(seq));
    }
    int length = random.nextInt(20) == 0 ? random.nextInt(4_001) : random.nextInt(200);
    StringBuilder text = new StringBuilder();
    String[] alphabet = {"a", "é", "中", "👋", " "};
    for (int i = 0; i < length; i++) {
      text.append(alphabet[random.nextInt(alphabet.length)]);
    }
    String sender = random.nextInt(50) == 0 ? "ü".repeat(200) : "u" + random.nextInt(40);
    Instant at = T0.plusSeconds(seq).plusNanos(random.nextInt(1_000_000_000));
    return new TimelineEntry.Message(seq, sender, text.toString(), at, "c-" + seq);
  }
}
