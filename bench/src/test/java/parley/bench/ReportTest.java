package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  @Test
  void capacityColumnsNameTheirBoundInMilliseconds() {
    // The key "p99Under50ms" once rendered as "p99 ≤ 9950 ms": every digit of the key, the 99 of p99 included.
    assertEquals(List.of("p99 ≤ 50 ms", "p99 ≤ 100 ms", "p99 ≤ 200 ms", "p99 ≤ 500 ms", "sustained"),
        Report.bounds(true).stream().map(Report::boundLabel).toList());
    assertEquals(List.of("sustained"), Report.bounds(false).stream().map(Report::boundLabel).toList());
  }

  @Test
  void aStepThatKeptUpIsCountedOverItsSendingWindow() {
    long t0 = 1_000_000_000L;
    // 50,000 deliveries/s offered for 20 s, all delivered, the last one 12 ms after the window: 50,000/s, not
    // 49,970/s (the window plus the last message's latency).
    assertEquals(50_000, Bench.TargetRun.perSecond(1_000_000, 20, t0, t0 + 20_012_000, true));
    // A step that fell behind is counted up to its last delivery: 1,000,000 in 25 s.
    assertEquals(40_000, Bench.TargetRun.perSecond(1_000_000, 20, t0, t0 + 25_000_000, false));
    // Never over less than the window, even if the last one came early.
    assertEquals(50_000, Bench.TargetRun.perSecond(1_000_000, 20, t0, t0 + 5_000_000, false));
  }

  @Test
  void aStormIsJudgedBesideTheBareServersReconnect() throws Exception {
    // Parley's storm posts while everyone is away and waits for the catch-up; the limit keeps no history, so its
    // storm is the reconnect alone, and Parley's verdict names it: that is what says how far 15 s is out of reach.
    ObjectNode result = (ObjectNode) Bench.JSON.readTree("""
        {"scenario": "storm", "nodes": 1, "targets": [
          {"target": "parley", "ok": true, "storm": {"connections": 19000, "dropMs": 300, "postedRooms": 190,
            "postSeconds": 5.0, "allBackSeconds": 40.1, "caughtUpSeconds": 40.15, "caughtUpOk": true,
            "presenceFrames": 29000, "reconnect": {"perSecond": 474}}},
          {"target": "limit", "ok": true, "storm": {"connections": 19000, "dropMs": 200, "postedRooms": 0,
            "postSeconds": 0.0, "allBackSeconds": 21.5, "caughtUpSeconds": 21.52, "caughtUpOk": true,
            "reconnect": {"perSecond": 884}}}]}
        """);
    Scenario storm = Scenario.of("storm", false);
    result.set("summary", Report.summary(storm, result, Path.of(".")));

    String verdict = result.path("summary").path("targets").toString();
    assertTrue(verdict.contains("19000 sessions caught up after 40.15 s, contract held; limit: all back after 21.5 s"
        + " (884/s)"), verdict);
    assertTrue(verdict.contains("not met"), verdict);
    String md = Report.markdown(storm, result);
    assertTrue(md.contains("Storm (limit): 19000 connections dropped at once (200 ms); all back (hello) after "
        + "**21.5 s** (884/s); nothing to catch up, it keeps no history."), md);
    assertTrue(md.contains("Storm (parley): 19000 connections dropped at once (300 ms); one message posted to each of"
        + " 190 rooms"), md);
    // The storm's own presence frames, not the run's (whose count includes the setup's).
    assertTrue(md.contains("all caught up after **40.15 s**; 29000 presence frames read meanwhile."), md);
    assertFalse(md.contains("Storm (limit): 19000 connections dropped at once (200 ms); one message"), md);
  }

  @Test
  void aClusterRunComparesEachTargetWithItselfOnOneNode(@TempDir Path root) throws Exception {
    // The single-node run the cluster run is read against: Parley kept up 200,000 deliveries/s, the limit 400,000.
    Files.createDirectories(root.resolve("bench/results"));
    Files.writeString(root.resolve("bench/results/fanout-latest.json"), """
        {"startedAt": "2026-11-23T22:50:00Z", "summary": {"capacity": {
          "parley": {"sustained": {"deliveriesPerSec": 200000}},
          "limit": {"sustained": {"deliveriesPerSec": 400000}}}}}
        """);
    ObjectNode result = (ObjectNode) Bench.JSON.readTree("""
        {"scenario": "fanout", "nodes": 3, "targets": [
          {"target": "parley", "ok": true, "steps": [
            {"offeredSendsPerSec": 1500, "deliveriesPerSec": 150000, "saturated": false,
             "delivery": {"p50_ms": 40, "p99_ms": 600}, "ack": {"p99_ms": 700}}]},
          {"target": "limit", "ok": true, "steps": [
            {"offeredSendsPerSec": 2500, "deliveriesPerSec": 250000, "saturated": false,
             "delivery": {"p50_ms": 30, "p99_ms": 400}, "ack": {"p99_ms": 450}}]}]}
        """);
    Scenario fanout = Scenario.of("fanout", false);
    ObjectNode summary = Report.summary(fanout, result, root);
    result.set("summary", summary);

    assertEquals(0.75, summary.path("clusterToSingleNode").path("sustained").asDouble());
    assertEquals(0.63, summary.path("limitClusterToSingleNode").path("sustained").asDouble());
    assertEquals(0.6, summary.path("ratios").path("sustained").path("parleyToLimit").asDouble());
    String md = Report.markdown(fanout, result);
    assertTrue(md.contains("cluster / single node (sustained) = **0.75**"), md);
    assertTrue(md.contains("limit cluster / single node (sustained) = **0.63**"), md);
    // The target is Parley's cluster against Parley's node, whatever the limit did.
    assertTrue(summary.path("targets").toString().contains("sustained: 0.75x"), summary.toString());
  }

  @Test
  void theEdgeBetweenKeptUpAndFellBehindIsHalvedUntilWithinATenth() throws Exception {
    // The ladder kept up 1,000 msgs/s (100,000 deliveries/s) and fell behind at 1,500: try 1,250.
    ArrayNode steps = (ArrayNode) Bench.JSON.readTree("""
        [{"offeredSendsPerSec": 500, "saturated": false, "ack": {"p99_ms": 20}},
         {"offeredSendsPerSec": 1000, "saturated": false, "ack": {"p99_ms": 140}},
         {"offeredSendsPerSec": 1500, "saturated": true, "ack": {"p99_ms": 1400}}]
        """);
    assertEquals(1250, Report.refinement(steps));
    // 1,250 kept up: between it and 1,500.
    steps.add(step(1250, false, 300));
    assertEquals(1375, Report.refinement(steps));
    // 1,375 fell behind: 1,250 and 1,375 are within a tenth of each other, the edge is found.
    steps.add(step(1375, true, 1200));
    assertTrue(Double.isNaN(Report.refinement(steps)));

    // A step that was not saturated but took over 1 s at p99 to acknowledge did not keep up either.
    ArrayNode slowAcks = Bench.JSON.createArrayNode().add(step(1000, false, 140)).add(step(1500, false, 1600));
    assertEquals(1250, Report.refinement(slowAcks));
    // A rate that fell behind once and kept up when held again, below the highest kept up, is not the edge.
    ArrayNode fluke = Bench.JSON.createArrayNode().add(step(1000, false, 140)).add(step(1500, true, 1800))
        .add(step(1500, false, 600)).add(step(1750, false, 500)).add(step(2000, true, 1300))
        .add(step(2000, true, 1400));
    assertEquals(1875, Report.refinement(fluke));
    // Nothing kept up, or nothing fell behind: no edge to narrow.
    assertTrue(Double.isNaN(Report.refinement(Bench.JSON.createArrayNode().add(step(100, true, 1500)))));
    assertTrue(Double.isNaN(Report.refinement(Bench.JSON.createArrayNode().add(step(100, false, 10)))));
  }

  @Test
  void aRefiningStepAfterTheLadderCountsTowardTheCapacity() throws Exception {
    ObjectNode result = (ObjectNode) Bench.JSON.readTree("""
        {"scenario": "fanout", "nodes": 1, "targets": [
          {"target": "parley", "ok": true, "steps": [
            {"offeredSendsPerSec": 1000, "deliveriesPerSec": 100000, "saturated": false,
             "delivery": {"p50_ms": 10, "p99_ms": 140}, "ack": {"p99_ms": 135}},
            {"offeredSendsPerSec": 1500, "deliveriesPerSec": 138000, "saturated": true, "why": "p99 delivery over 1 s",
             "delivery": {"p50_ms": 50, "p99_ms": 1800}, "ack": {"p99_ms": 1400}},
            {"offeredSendsPerSec": 1500, "deliveriesPerSec": 141000, "saturated": true, "why": "p99 delivery over 1 s",
             "heldAgain": true, "delivery": {"p50_ms": 60, "p99_ms": 1900}, "ack": {"p99_ms": 1500}},
            {"offeredSendsPerSec": 1250, "deliveriesPerSec": 125000, "saturated": false, "refines": true,
             "delivery": {"p50_ms": 20, "p99_ms": 450}, "ack": {"p99_ms": 430}}]}]}
        """);
    Scenario fanout = Scenario.of("fanout", false);
    ObjectNode summary = Report.summary(fanout, result, Path.of("."));
    result.set("summary", summary);

    assertEquals(125_000, summary.path("capacity").path("parley").path("sustained").path("deliveriesPerSec").asLong());
    // Within p99 200 ms only the ladder's 1,000 counts.
    assertEquals(100_000,
        summary.path("capacity").path("parley").path("p99Under200ms").path("deliveriesPerSec").asLong());
    String md = Report.markdown(fanout, result);
    assertTrue(md.contains("| 1250 |") && md.contains("| refining step |"), md);
    assertTrue(md.contains("| saturated: p99 delivery over 1 s |"), md);
    assertTrue(md.contains("| saturated: p99 delivery over 1 s; held again |"), md);
  }

  private static ObjectNode step(double offered, boolean saturated, double ackP99Ms) {
    ObjectNode s = Bench.JSON.createObjectNode().put("offeredSendsPerSec", offered).put("saturated", saturated);
    s.putObject("ack").put("p99_ms", ackP99Ms);
    return s;
  }
}
