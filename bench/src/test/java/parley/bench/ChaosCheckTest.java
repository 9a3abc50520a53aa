package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The chaos harness's checker finds each kind of violation it exists to find, and passes a clean history. */
class ChaosCheckTest {
  private final Map<String, Long> acked = new HashMap<>();
  private final List<JsonNode> history = new ArrayList<>();

  private void entry(long seq, String kind, String clientMsgId) {
    history.add(Bench.JSON.createObjectNode().put("seq", seq).put("kind", kind).put("clientMsgId", clientMsgId));
  }

  private ChaosCheck.Tally verify(Set<String> unresolved) {
    ChaosCheck.Tally tally = new ChaosCheck.Tally();
    ChaosCheck.verifyRoom("r", history, acked, unresolved, tally);
    return tally;
  }

  @Test
  void aCleanTimelinePasses() {
    entry(1, "created", "");
    entry(2, "message", "a");
    entry(3, "message", "b");
    acked.put("r|a", 2L);
    acked.put("r|b", 3L);
    ChaosCheck.Tally tally = verify(Set.of());
    assertEquals(List.of(), tally.violations);
    assertEquals(2, tally.stored);
  }

  @Test
  void anAcknowledgedMessageMissingIsLost() {
    entry(1, "message", "a");
    acked.put("r|a", 1L);
    acked.put("r|b", 2L);
    ChaosCheck.Tally tally = verify(Set.of());
    assertEquals(1, tally.lost);
    assertTrue(tally.violations.get(0).contains("acknowledged and lost: b"), tally.violations.toString());
  }

  @Test
  void anAcknowledgedMessageAtAnotherSeqCounts() {
    entry(1, "message", "b");
    entry(2, "message", "a");
    // Each was acknowledged at the other's seq: both are counted.
    acked.put("r|a", 1L);
    acked.put("r|b", 2L);
    ChaosCheck.Tally tally = verify(Set.of());
    assertEquals(2, tally.lost);
  }

  @Test
  void theSameClientMsgIdTwiceIsADuplicate() {
    entry(1, "message", "a");
    entry(2, "message", "a");
    acked.put("r|a", 1L);
    ChaosCheck.Tally tally = verify(Set.of());
    assertEquals(1, tally.duplicated);
  }

  @Test
  void aMissingSeqIsAGap() {
    entry(1, "message", "a");
    entry(3, "message", "b");
    acked.put("r|a", 1L);
    acked.put("r|b", 3L);
    ChaosCheck.Tally tally = verify(Set.of());
    assertEquals(1, tally.gaps);
  }

  @Test
  void somethingNobodySentIsAViolationButAnUnresolvedSendMayBeStored() {
    entry(1, "message", "x");
    assertTrue(verify(Set.of()).violations.get(0).contains("never sent"));
    assertEquals(List.of(), verify(Set.of("r|x")).violations);
  }

  @Test
  void aWriterThatComesBackAfterAnotherIsTwoWritersAtOnce() {
    ChaosCheck.Tally clean = new ChaosCheck.Tally();
    // A move (w1 to w2) and a restart (w2 to w3): one writer at a time.
    ChaosCheck.auditJournal(List.of("1|w1|Room|a", "2|w1|Room|a", "3|w2|Room|a", "4|w3|Room|a", "1|w9|Room|b"), clean);
    assertEquals(List.of(), clean.violations);

    ChaosCheck.Tally stale = new ChaosCheck.Tally();
    // The frozen node's incarnation w1 writes again after w2 took over.
    ChaosCheck.auditJournal(List.of("1|w1|Room|a", "2|w2|Room|a", "3|w1|Room|a", "4|w2|Room|a"), stale);
    assertEquals(1, stale.twoWriters);
  }

  @Test
  void aJournalThatSkipsASequenceNumberIsFound() {
    ChaosCheck.Tally tally = new ChaosCheck.Tally();
    ChaosCheck.auditJournal(List.of("1|w1|Room|a", "3|w1|Room|a"), tally);
    assertTrue(tally.violations.get(0).contains("sequence number 3 where 2 was next"), tally.violations.toString());
  }

  @Test
  void theQuickPlanIsThePartitionAndTheFreezeAndTheFullOneEveryFaultThenThreeMixed() {
    assertEquals(List.of("partition", "freeze"),
        Chaos.plan(true, null, new Random(1)).stream().map(Chaos.Fault::kind).toList());
    List<Chaos.Fault> full = Chaos.plan(false, null, new Random(1));
    assertEquals(Chaos.FAULTS.size() - 1 + 3, full.size());
    assertEquals(List.of("db"), Chaos.plan(false, "db", new Random(1)).stream().map(Chaos.Fault::kind).toList());
    assertEquals(3, Chaos.plan(false, "mixed", new Random(1)).size());
  }
}
