package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class RepeatsTest {

  /** One run's fan-out steps: {offered sends/s, delivered/s, p99 ms, stolen cores, saturated}. */
  private static ObjectNode run(boolean contractHeld, double[]... steps) throws Exception {
    StringBuilder s = new StringBuilder();
    for (double[] st : steps) {
      s.append(s.length() == 0 ? "" : ",").append(String.format(Locale.ROOT,
          "{\"offeredSendsPerSec\": %.1f, \"deliveriesPerSec\": %d, \"acksPerSec\": %d, \"allAcked\": true,"
              + " \"delivery\": {\"p50_ms\": 5.0, \"p99_ms\": %.1f}, \"ack\": {\"p99_ms\": %.1f},"
              + " \"cpuCores\": {\"server\": 1.0, \"stolen\": %.2f}, \"saturated\": %b%s}",
          st[0], (long) st[1], (long) (st[1] / 100), st[2], st[2], st[3], st[4] > 0,
          st[4] > 0 ? ", \"why\": \"p99 delivery over 1 s\"" : ""));
    }
    return (ObjectNode) Bench.JSON.readTree("{\"target\": \"parley\", \"connect\": {\"ok\": 10000},"
        + " \"contract\": {\"ok\": " + contractHeld + ", \"violations\": " + (contractHeld ? 0 : 3) + "},"
        + " \"ok\": " + contractHeld + ", \"steps\": [" + s + "]}");
  }

  @Test
  void eachStepIsTheMedianOfItsRunsSoOneUnluckyRunDoesNotDecideTheCapacity() throws Exception {
    // The afternoon this was written: the same 50,000/s step read p99 35.5, 28.2 and 68.7 ms in three runs.
    ObjectNode merged = Repeats.merge(List.of(
        run(true, new double[] {250, 24997, 24.8, 0.05, 0}, new double[] {500, 49994, 35.5, 0.07, 0},
            new double[] {600, 59990, 48.0, 0.04, 0}),
        run(true, new double[] {250, 25000, 43.3, 0.02, 0}, new double[] {500, 49968, 28.2, 0.03, 0},
            new double[] {600, 59980, 150.0, 0.02, 0}),
        run(true, new double[] {250, 24980, 31.9, 0.10, 0}, new double[] {500, 49957, 68.7, 0.20, 0},
            new double[] {600, 59961, 122.0, 0.03, 0})));

    assertEquals(3, merged.path("repeats").asInt());
    assertEquals(3, merged.path("runs").size(), "every run is kept");
    assertEquals(3, merged.path("steps").size());
    var fifty = merged.path("steps").get(1);
    assertEquals(35.5, fifty.path("delivery").path("p99_ms").asDouble());
    assertEquals(49968, fifty.path("deliveriesPerSec").asLong(), "integers stay integers");
    assertEquals(0.07, fifty.path("cpuCores").path("stolen").asDouble());
    assertEquals("[35.5,28.2,68.7]", fifty.path("deliveryP99MsOfEachRun").toString());
    assertEquals(122.0, merged.path("steps").get(2).path("delivery").path("p99_ms").asDouble());
    assertTrue(merged.path("ok").asBoolean());

    // The capacity within 50 ms comes from the median step, not from the one run that read 68.7 ms.
    ObjectNode result = Bench.JSON.createObjectNode().put("scenario", "fanout").put("nodes", 1);
    result.putArray("targets").add(merged);
    ObjectNode summary = Report.summary(Scenario.of("fanout", false), result, Path.of("."));
    assertEquals(49968, summary.path("capacity").path("parley").path("p99Under50ms").path("deliveriesPerSec").asLong());
    assertTrue(Report.repeats(result).contains("| parley | 500 | 3 of 3 | 35.5 / 28.2 / 68.7 | 0.07 / 0.03 / 0.20 |"),
        Report.repeats(result));
  }

  @Test
  void aStepIsSaturatedWhenMostRunsCouldNotKeepUpThereOrBelow() throws Exception {
    ObjectNode merged = Repeats.merge(List.of(
        run(true, new double[] {1000, 99900, 80, 0, 0}, new double[] {1500, 120000, 2400, 0, 1}),
        run(true, new double[] {1000, 99800, 90, 0, 0}, new double[] {1500, 149800, 180, 0, 0},
            new double[] {2000, 199000, 400, 0, 0}, new double[] {3000, 260000, 3000, 0, 1}),
        run(true, new double[] {1000, 99850, 85, 0, 0}, new double[] {1500, 149700, 200, 0, 0},
            new double[] {2000, 150000, 2000, 0, 1})));

    var steps = merged.path("steps");
    assertFalse(steps.get(1).path("saturated").asBoolean(), "two of three kept up at 1500");
    assertTrue(steps.get(2).path("saturated").asBoolean(), "at 2000 one run saturated and one had already");
    assertEquals("p99 delivery over 1 s", steps.get(2).path("why").asText());
    assertEquals(2, steps.get(2).path("runs").asInt(), "two runs reached 2000");
    assertEquals(3, steps.size(), "nothing after the first step most runs could not keep up with");
  }

  @Test
  void oneRunThatBrokeTheContractFailsTheTarget() throws Exception {
    ObjectNode merged = Repeats.merge(List.of(
        run(true, new double[] {500, 49990, 30, 0, 0}),
        run(false, new double[] {500, 49990, 30, 0, 0}),
        run(true, new double[] {500, 49990, 30, 0, 0})));
    assertFalse(merged.path("ok").asBoolean());
    assertEquals(3, merged.path("contract").path("violations").asInt(), "the broken run's contract is the one shown");
  }
}
