package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioTest {
  private static final List<String> STEPPED = List.of("fanout", "ingest", "hot-room");

  @Test
  void theDefaultStepsClimbFromTheWarmUpWithoutALeadIn() {
    for (String name : STEPPED) {
      for (boolean quick : new boolean[] {false, true}) {
        Scenario s = Scenario.of(name, quick);
        assertEquals(0, s.leadInRate(), name + (quick ? " --quick" : ""));
        double before = s.warmupRate();
        for (double rate : s.rates()) {
          assertTrue(rate <= Scenario.LEAD_IN_ABOVE * before,
              name + ": a step from " + before + " to " + rate + " msgs/s would start on uncompiled code");
          before = rate;
        }
      }
    }
  }

  @Test
  void ratesThatStartHighAreLedInAtTheFirstStep() {
    Scenario fanout = Scenario.of("fanout", false);
    assertEquals(1000, fanout.withRates(List.of(1000.0, 1500.0)).leadInRate());
    assertEquals(0, fanout.withRates(List.of(200.0, 1500.0)).leadInRate());
    assertEquals(0, Scenario.of("smoke", true).leadInRate(), "no warm-up, no lead-in");
  }
}
