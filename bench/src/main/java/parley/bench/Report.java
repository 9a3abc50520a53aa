package parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** The figures a run is judged by (capacities, ratios, the targets) and its Markdown table. */
final class Report {
  /** Sustained capacity: the most of a step that kept up (see Bench.step) with p99 ack under this. */
  static final double SUSTAINED_P99_MS = 1000;

  private Report() {}

  static ObjectNode summary(Scenario scenario, ObjectNode result, Path root) {
    ObjectNode s = Bench.JSON.createObjectNode();
    boolean fanout = scenario.name().equals("fanout");
    String metric = fanout ? "deliveriesPerSec" : "acksPerSec";
    ObjectNode capacity = s.putObject("capacity");
    for (JsonNode t : result.path("targets")) {
      ObjectNode c = Bench.JSON.createObjectNode();
      JsonNode sustained = best(t, metric, Report::keptUp);
      if (sustained != null) {
        c.set("sustained", figure(sustained, metric));
      }
      if (fanout) {
        for (int bound : FANOUT_BOUNDS_MS) {
          JsonNode within = best(t, metric, step -> step.path("delivery").path("p99_ms").asDouble() <= bound);
          if (within != null) {
            c.set(boundKey(bound), figure(within, metric));
          }
        }
      }
      if (c.size() > 0) {
        capacity.set(t.path("target").asText(), c);
      }
    }
    for (String bound : bounds(fanout)) {
      long parley = capacity.path("parley").path(bound).path(metric).asLong();
      ObjectNode ratios = Bench.JSON.createObjectNode();
      for (String other : List.of("limit", "socketio")) {
        long o = capacity.path(other).path(bound).path(metric).asLong();
        if (parley > 0 && o > 0) {
          ratios.put("parleyTo" + Character.toUpperCase(other.charAt(0)) + other.substring(1),
              Bench.round2(parley / (double) o));
        }
      }
      if (ratios.size() > 0) {
        s.putObject("ratios").set(bound, ratios);
      }
    }
    if (result.path("nodes").asInt() > 1) {
      // Each target's cluster against the same target on one node, in the latest single-node run of the scenario.
      Path single = root.resolve("bench/results/" + scenario.name() + "-latest.json");
      JsonNode one = null;
      try {
        one = Bench.JSON.readTree(Files.readString(single));
      } catch (Exception e) {
        // said per target below
      }
      for (String target : List.of("parley", "limit")) {
        if (capacity.path(target).isMissingNode()) {
          continue;
        }
        String key = clusterToSingleNodeKey(target);
        JsonNode base = one == null ? null : one.path("summary").path("capacity").path(target);
        if (base == null || base.isMissingNode()) {
          s.put(key, "no single-node result of " + target + " in " + root.relativize(single));
          continue;
        }
        ObjectNode vs = s.putObject(key);
        vs.put("singleNodeRun", one.path("startedAt").asText());
        for (String bound : bounds(fanout)) {
          double was = base.path(bound).path(metric).asDouble();
          double mine = capacity.path(target).path(bound).path(metric).asDouble();
          if (was > 0) {
            vs.put(bound, Bench.round2(mine / was));
          }
        }
      }
    }
    s.set("targets", targets(scenario, result, s));
    return s;
  }

  /** Where the summary holds a target's cluster against the same target on one node. */
  static String clusterToSingleNodeKey(String target) {
    return target.equals("parley") ? "clusterToSingleNode" : target + "ClusterToSingleNode";
  }

  /** With --repeat: what each run read at each step, beside the medians of the table above. */
  static String repeats(JsonNode r) {
    StringBuilder md = new StringBuilder();
    for (JsonNode t : r.path("targets")) {
      int n = t.path("repeats").asInt(1);
      if (n < 2) {
        continue;
      }
      if (md.length() == 0) {
        md.append("Each step above is the median of its runs; what each run read:\n\n"
            + "| target | offered msgs/s | runs | delivery p99 of each run, ms | stolen cores of each run |\n"
            + "|---|---:|---:|---:|---:|\n");
      }
      for (JsonNode s : t.path("steps")) {
        List<String> p99 = new ArrayList<>();
        s.path("deliveryP99MsOfEachRun").forEach(v -> p99.add(String.format(Locale.ROOT, "%.1f", v.asDouble())));
        List<String> stolen = new ArrayList<>();
        s.path("stolenCoresOfEachRun").forEach(v -> stolen.add(String.format(Locale.ROOT, "%.2f", v.asDouble())));
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %d of %d | %s | %s |%n", t.path("target").asText(),
            s.path("offeredSendsPerSec").asDouble(), s.path("runs").asInt(), n, String.join(" / ", p99),
            String.join(" / ", stolen)));
      }
    }
    return md.length() == 0 ? "" : md.append('\n').toString();
  }

  /** The p99 delivery bounds fan-out capacity is given at ("at equal p99"): the 50 ms and looser ones. */
  static final int[] FANOUT_BOUNDS_MS = {50, 100, 200, 500};

  static String boundKey(int ms) {
    return "p99Under" + ms + "ms";
  }

  static List<String> bounds(boolean fanout) {
    List<String> b = new ArrayList<>();
    if (fanout) {
      for (int ms : FANOUT_BOUNDS_MS) {
        b.add(boundKey(ms));
      }
    }
    b.add("sustained");
    return b;
  }

  /** A step's last column in the table: why it fell behind, whether it was held again, whether it narrowed the edge. */
  private static String note(JsonNode step) {
    List<String> n = new ArrayList<>();
    if (step.path("saturated").asBoolean()) {
      n.add("saturated: " + step.path("why").asText());
    }
    if (step.path("heldAgain").asBoolean()) {
      n.add("held again");
    }
    if (step.path("refines").asBoolean()) {
      n.add("refining step");
    }
    return String.join("; ", n);
  }

  static String boundLabel(String key) {
    if (key.equals("sustained")) {
      return key;
    }
    return "p99 ≤ " + key.substring("p99Under".length(), key.length() - "ms".length()) + " ms"; // see boundKey
  }

  private static ObjectNode figure(JsonNode step, String metric) {
    return Bench.JSON.createObjectNode().put(metric, step.path(metric).asLong())
        .put("offeredSendsPerSec", step.path("offeredSendsPerSec").asDouble())
        .put("deliveryP50Ms", step.path("delivery").path("p50_ms").asDouble())
        .put("deliveryP99Ms", step.path("delivery").path("p99_ms").asDouble())
        .put("ackP99Ms", step.path("ack").path("p99_ms").asDouble());
  }

  /** A step that kept up: not saturated (see Bench.step), its sends acknowledged within 1 s at p99. */
  static boolean keptUp(JsonNode step) {
    return !step.path("saturated").asBoolean() && step.path("ack").path("p99_ms").asDouble() <= SUSTAINED_P99_MS;
  }

  /** A refining step stops narrowing the edge once the rates it lies between are within this factor. */
  static final double REFINED_WITHIN = 1.1;

  /**
   * The rate of the next step that narrows a target's edge: halfway between the highest offered rate that kept up
   * and the lowest above it that did not; NaN when there is no such pair, or the two are within
   * {@link #REFINED_WITHIN} of each other. The default steps climb by up to half (100,000 to 150,000 deliveries/s),
   * so a capacity read off them alone could be a third short of the truth, and a ratio of two of them (a cluster
   * against one node) anywhere within that. A rate below the highest that kept up, which fell behind once, is not
   * the edge.
   */
  static double refinement(JsonNode steps) {
    double kept = 0;
    for (JsonNode step : steps) {
      if (keptUp(step)) {
        kept = Math.max(kept, step.path("offeredSendsPerSec").asDouble());
      }
    }
    double notKept = Double.POSITIVE_INFINITY;
    for (JsonNode step : steps) {
      double rate = step.path("offeredSendsPerSec").asDouble();
      if (!keptUp(step) && rate > kept) {
        notKept = Math.min(notKept, rate);
      }
    }
    if (kept == 0 || notKept == Double.POSITIVE_INFINITY || notKept <= kept * REFINED_WITHIN) {
      return Double.NaN;
    }
    return Math.round((kept + notKept) / 2);
  }

  /** The step with the most {@code metric} that kept up (not saturated) and meets {@code bound}, or null. */
  static JsonNode best(JsonNode target, String metric, Predicate<JsonNode> bound) {
    JsonNode best = null;
    for (JsonNode step : target.path("steps")) {
      if (!step.path("saturated").asBoolean() && bound.test(step)
          && (best == null || step.path(metric).asLong() > best.path(metric).asLong())) {
        best = step;
      }
    }
    return best;
  }

  /** Issue 5's targets that this run can judge, for Parley: each with what was measured and whether it is met. */
  private static ObjectNode targets(Scenario scenario, ObjectNode result, ObjectNode summary) {
    ObjectNode out = Bench.JSON.createObjectNode();
    JsonNode parley = null;
    for (JsonNode t : result.path("targets")) {
      if (t.path("target").asText().equals("parley")) {
        parley = t;
      }
    }
    if (parley == null || parley.has("error")) {
      return out;
    }
    boolean cluster = result.path("nodes").asInt() > 1;
    JsonNode cap = summary.path("capacity").path("parley");
    switch (scenario.name()) {
      case "idle" -> {
        JsonNode per = parley.path("memory").path("perConnectionKib");
        int sessions = parley.path("connect").path("ok").asInt();
        target(out, "19,000 concurrent authenticated sessions", sessions + " sessions held", sessions >= 19_000);
        target(out, "at most 20 KiB of node memory per idle session",
            "heap after GC +" + per.path("heapDelta").asDouble() + " KiB, RSS +" + per.path("rssDelta").asDouble()
                + " KiB per session", per.path("heapDelta").asDouble() <= 20 && per.path("rssDelta").asDouble() <= 20);
      }
      case "fanout" -> {
        long tight = cap.path("p99Under50ms").path("deliveriesPerSec").asLong();
        if (!cluster) {
          target(out, "at least 50,000 deliveries/s with p99 send-to-delivery under 50 ms",
              tight == 0 ? "no step with p99 under 50 ms" : String.format(Locale.ROOT, "%,d deliveries/s", tight),
              tight >= 50_000);
          for (JsonNode step : parley.path("steps")) {
            if (step.path("offeredDeliveriesPerSec").asDouble() == 25_000) {
              double p50 = step.path("delivery").path("p50_ms").asDouble();
              target(out, "at 25,000 deliveries/s (half the target), p50 under 5 ms",
                  "p50 " + p50 + " ms", p50 < 5);
            }
          }
          for (String[] peer : new String[][] {{"socketio", "Socketio", "1.5", "fan-out throughput at least 1.5x "
              + "Socket.IO's at equal p99"}, {"limit", "Limit", "0.5", "fan-out throughput at least 50% of the "
              + "limit baseline"}}) {
            List<String> metAt = new ArrayList<>();
            List<String> parts = new ArrayList<>();
            for (int ms : FANOUT_BOUNDS_MS) {
              String key = boundKey(ms);
              long mine = summary.path("capacity").path("parley").path(key).path("deliveriesPerSec").asLong();
              long theirs = summary.path("capacity").path(peer[0]).path(key).path("deliveriesPerSec").asLong();
              if (theirs == 0) {
                continue;
              }
              double r = mine / (double) theirs;
              parts.add(String.format(Locale.ROOT, "p99 ≤ %d ms: %.2fx (%,d vs %,d)", ms, r, mine, theirs));
              if (r >= Double.parseDouble(peer[2])) {
                metAt.add(ms + " ms");
              }
            }
            if (!parts.isEmpty()) {
              target(out, peer[3], String.join("; ", parts), metAt.size() == parts.size() ? "met"
                  : metAt.isEmpty() ? "not met" : "met at p99 ≤ " + String.join(", ", metAt) + " only");
            }
          }
        } else {
          JsonNode vs = summary.path("clusterToSingleNode");
          if (vs.isObject()) {
            List<String> parts = new ArrayList<>();
            List<String> metAt = new ArrayList<>();
            vs.properties().forEach(e -> {
              if (!e.getKey().equals("singleNodeRun")) {
                parts.add(boundLabel(e.getKey()) + ": " + e.getValue().asDouble() + "x");
                if (e.getValue().asDouble() >= 0.7) {
                  metAt.add(boundLabel(e.getKey()));
                }
              }
            });
            if (!parts.isEmpty()) {
              target(out, "3-node cluster: at least 70% of single-node fan-out", String.join("; ", parts),
                  metAt.size() == parts.size() ? "met" : metAt.isEmpty() ? "not met"
                      : "met at " + String.join(", ", metAt) + " only");
            }
          }
        }
      }
      case "ingest" -> {
        long acks = cap.path("sustained").path("acksPerSec").asLong();
        target(out, "at least 5,000 acknowledged msgs/s across rooms",
            String.format(Locale.ROOT, "%,d acked msgs/s sustained", acks), acks >= 5_000);
      }
      case "hot-room" -> {
        long acks = cap.path("sustained").path("acksPerSec").asLong();
        target(out, "one hot room at least 2,000 msgs/s",
            String.format(Locale.ROOT, "%,d acked msgs/s sustained", acks), acks >= 2_000);
      }
      case "storm" -> {
        JsonNode st = parley.path("storm");
        double t = st.path("caughtUpSeconds").asDouble();
        int n = st.path("connections").asInt();
        StringBuilder others = new StringBuilder();
        for (JsonNode other : result.path("targets")) {
          JsonNode ost = other.path("storm");
          if (other != parley && !ost.isMissingNode()) {
            others.append(String.format(Locale.ROOT, "; %s: all back after %.1f s (%d/s)", other.path("target").asText(),
                ost.path("allBackSeconds").asDouble(), ost.path("reconnect").path("perSecond").asInt()));
          }
        }
        target(out, "19,000 sessions back and caught up in under 15 s, nothing lost",
            n + " sessions caught up after " + t + " s, contract " + (parley.path("ok").asBoolean() ? "held" : "BROKEN")
                + others,
            n >= 19_000 && t < 15 && st.path("caughtUpOk").asBoolean() && parley.path("ok").asBoolean());
      }
      default -> {
        // smoke judges nothing but the contract
      }
    }
    if (cluster) {
      target(out, "3-node cluster: every acknowledged message delivered",
          "contract " + (parley.path("ok").asBoolean() ? "held" : "BROKEN"), parley.path("ok").asBoolean());
    }
    return out;
  }

  private static void target(ObjectNode out, String what, String measured, boolean met) {
    target(out, what, measured, met ? "met" : "not met");
  }

  private static void target(ObjectNode out, String what, String measured, String verdict) {
    out.putObject(what).put("measured", measured).put("verdict", verdict);
  }

  static String markdown(Scenario scenario, ObjectNode r) {
    StringBuilder md = new StringBuilder();
    JsonNode m = r.path("machine");
    JsonNode l = r.path("layout");
    md.append("### ").append(r.path("scenario").asText())
        .append(r.path("nodes").asInt() > 1 ? " (" + r.path("nodes").asInt() + "-node cluster)" : "")
        .append(r.path("quick").asBoolean() ? " (quick)" : "").append(" — ").append(r.path("startedAt").asText())
        .append("\n\n");
    md.append("`").append(r.path("command").asText()).append("` on ").append(m.path("cores").asInt())
        .append(" cores (").append(m.path("cpu").asText()).append("), ").append(m.path("memGiB").asDouble())
        .append(" GiB, ").append(m.path("java").asText(""))
        .append("; generator, database and server on the same machine. ")
        .append(l.path("users").asInt()).append(" users, ").append(l.path("rooms").asInt()).append(" rooms of ")
        .append(l.path("roomSize").asInt()).append(" (").append(l.path("roomsPerUser").asInt())
        .append(" per user). ").append(scenario.what())
        .append(scenario.rates().isEmpty() ? "" : ", " + scenario.stepSeconds() + " s each").append(". Code: ")
        .append(r.path("source").path("commit").asText()).append(r.path("source").path("uncommittedChanges")
            .asText("none").equals("none") ? "" : " + uncommitted changes in "
            + r.path("source").path("uncommittedChanges").asText()).append(".\n\n");
    for (JsonNode t : r.path("targets")) {
      md.append("- **").append(t.path("target").asText()).append("**: ").append(t.path("describe").asText());
      if (t.has("error")) {
        md.append(" — **failed**: ").append(t.path("error").asText());
      }
      md.append('\n');
    }
    md.append('\n');

    md.append("| target | sessions | setup (s) | connect /s | handshake→hello p50 / p99 ms | heap/session KiB (Δ) "
        + "| RSS/session KiB (Δ) | server cores while idle |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (JsonNode t : r.path("targets")) {
      JsonNode c = t.path("connect");
      JsonNode per = t.path("memory").path("perConnectionKib");
      JsonNode idle = t.path("holdCpuCores");
      md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %d | %.1f / %.1f | %s | %s | %s |%n",
          t.path("target").asText(), c.path("ok").asInt(), t.path("setupSeconds").asDouble(),
          c.path("perSecond").asLong(), c.path("handshakeToHello").path("p50_ms").asDouble(),
          c.path("handshakeToHello").path("p99_ms").asDouble(),
          per.has("heapDelta") ? String.valueOf(per.path("heapDelta").asDouble()) : "n/a",
          per.has("rssDelta") ? String.valueOf(per.path("rssDelta").asDouble()) : "n/a",
          idle.has("server") ? String.valueOf(idle.path("server").asDouble()) : "n/a"));
    }
    md.append('\n');

    boolean anySteps = false;
    for (JsonNode t : r.path("targets")) {
      anySteps |= t.path("steps").size() > 0;
    }
    if (anySteps) {
      md.append("| target | offered msgs/s | sent/s | acks/s | deliveries/s | delivery p50 / p99 / p99.9 / max ms "
          + "| ack p50 / p99 / p99.9 ms | CPU cores server / db / generator (JIT, stolen) | GC pauses server: n, max ms "
          + "(generator max) | |\n"
          + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (JsonNode t : r.path("targets")) {
        for (JsonNode s : t.path("steps")) {
          JsonNode d = s.path("delivery");
          JsonNode a = s.path("ack");
          JsonNode cpu = s.path("cpuCores");
          md.append(String.format(Locale.ROOT,
              "| %s | %.0f | %d | %d | %d | %s / %s / %s / %s | %s / %s / %s | %.2f / %s / %.2f%s | %s | %s |%n",
              t.path("target").asText(), s.path("offeredSendsPerSec").asDouble(), s.path("sendsPerSec").asLong(),
              s.path("acksPerSec").asLong(), s.path("deliveriesPerSec").asLong(),
              f(d, "p50_ms"), f(d, "p99_ms"), f(d, "p999_ms"), f(d, "max_ms"),
              f(a, "p50_ms"), f(a, "p99_ms"), f(a, "p999_ms"),
              cpu.path("server").asDouble(), cpu.has("database") ? String.format(Locale.ROOT, "%.2f",
                  cpu.path("database").asDouble()) : "-", cpu.path("generator").asDouble(),
              cpu.has("stolen") ? String.format(Locale.ROOT, " (%.2f, %.2f)", cpu.path("jit").asDouble(),
                  cpu.path("stolen").asDouble()) : "",
              gc(s.path("gcPauses")),
              note(s)));
        }
      }
      md.append('\n');
      md.append(repeats(r));
    }

    for (JsonNode t : r.path("targets")) {
      JsonNode st = t.path("storm");
      if (!st.isMissingNode() && st.path("postedRooms").asInt() == 0) {
        md.append(String.format(Locale.ROOT, "Storm (%s): %d connections dropped at once (%.0f ms); all back (hello) "
                + "after **%.1f s** (%d/s); nothing to catch up, it keeps no history.%n%n",
            t.path("target").asText(), st.path("connections").asInt(), st.path("dropMs").asDouble(),
            st.path("allBackSeconds").asDouble(), st.path("reconnect").path("perSecond").asInt()));
      } else if (!st.isMissingNode()) {
        md.append(String.format(Locale.ROOT, "Storm (%s): %d connections dropped at once (%.0f ms); one message "
                + "posted to each of %d rooms while they were away (%.1f s); all back (hello) after %.1f s, all caught "
                + "up after **%.2f s**%s%s.%n%n",
            t.path("target").asText(), st.path("connections").asInt(), st.path("dropMs").asDouble(),
            st.path("postedRooms").asInt(), st.path("postSeconds").asDouble(), st.path("allBackSeconds").asDouble(),
            st.path("caughtUpSeconds").asDouble(), st.path("caughtUpOk").asBoolean() ? "" : " (NOT ALL CAUGHT UP)",
            st.has("presenceFrames")
                ? String.format(Locale.ROOT, "; %d presence frames read meanwhile", st.path("presenceFrames").asLong())
                : ""));
      }
    }

    JsonNode sum = r.path("summary");
    boolean stepped = List.of("fanout", "ingest", "hot-room").contains(scenario.name());
    if (stepped && sum.path("capacity").size() > 0) {
      boolean fanout = scenario.name().equals("fanout");
      String metric = fanout ? "deliveriesPerSec" : "acksPerSec";
      List<String> bounds = bounds(fanout);
      md.append("| capacity |");
      bounds.forEach(b -> md.append(' ').append(b.equals("sustained") ? "sustained (kept up, p99 ack ≤ 1 s)"
          : boundLabel(b) + " (delivery)").append(" |"));
      md.append("\n|---|").append("---:|".repeat(bounds.size())).append('\n');
      sum.path("capacity").properties().forEach(e -> {
        md.append("| ").append(e.getKey()).append(" |");
        bounds.forEach(b -> md.append(' ').append(cap(e.getValue().path(b), metric,
            fanout ? "deliveries/s" : "acked msgs/s")).append(" |"));
        md.append('\n');
      });
      md.append('\n');
      List<String> ratios = new ArrayList<>();
      sum.path("ratios").properties().forEach(b -> b.getValue().properties().forEach(x -> ratios.add(
          x.getKey().replace("parleyTo", "Parley / ").replace("Socketio", "Socket.IO").replace("Limit", "limit")
              + " (" + boundLabel(b.getKey()) + ") = **" + x.getValue().asDouble() + "**")));
      for (String target : List.of("parley", "limit")) {
        JsonNode vs = sum.path(clusterToSingleNodeKey(target));
        String what = (target.equals("parley") ? "" : target + " ") + "cluster / single node";
        if (vs.isObject()) {
          vs.properties().forEach(x -> {
            if (!x.getKey().equals("singleNodeRun")) {
              ratios.add(what + " (" + boundLabel(x.getKey()) + ") = **" + x.getValue().asDouble() + "**");
            }
          });
        } else if (!vs.isMissingNode()) {
          ratios.add(what + ": " + vs.asText());
        }
      }
      if (!ratios.isEmpty()) {
        md.append("Ratios: ").append(String.join("; ", ratios)).append(".\n\n");
      }
    }
    if (sum.path("targets").size() > 0) {
      md.append("Issue 5 targets (Parley):\n");
      sum.path("targets").properties().forEach(e -> md.append("- **").append(e.getValue().path("verdict").asText())
          .append("**: ").append(e.getKey()).append(" — ")
          .append(e.getValue().path("measured").asText()).append('\n'));
      md.append('\n');
    }
    for (JsonNode t : r.path("targets")) {
      JsonNode c = t.path("contract");
      if (c.isMissingNode()) {
        continue;
      }
      md.append(String.format(Locale.ROOT, "Delivery contract (%s): %s — %d rooms, %d seqs checked per receiver "
              + "set, %d violations, %d unexpected closes (%d receiver rooms cut off by them), %d error frames, "
              + "%d sends resent after 'unavailable', %d history fetches, %d presence frames%s.%n",
          t.path("target").asText(), c.path("ok").asBoolean() ? "held" : "**BROKEN**", c.path("rooms").asInt(),
          c.path("seqsPerReceiverChecked").asLong(), c.path("violations").asLong(),
          c.path("unexpectedCloses").asLong(), c.path("roomsCutOff").asLong(), c.path("errorFrames").asLong(),
          c.path("resentAfterUnavailable").asLong(), c.path("historyFetches").asLong(),
          c.path("presenceFrames").asLong(),
          c.path("receiptFrames").asLong() + c.path("typingFrames").asLong() == 0 ? ""
              : String.format(Locale.ROOT, ", %d typing frames, %d receipt frames (%.1f MB)",
                  c.path("typingFrames").asLong(), c.path("receiptFrames").asLong(),
                  c.path("receiptChars").asLong() / 1e6)));
      c.path("described").forEach(d -> md.append("  - ").append(d.asText()).append('\n'));
    }
    return md.toString();
  }

  private static String cap(JsonNode c, String metric, String unit) {
    if (c.isMissingNode()) {
      return "none";
    }
    if (metric.equals("acksPerSec")) {
      return String.format(Locale.ROOT, "%,d %s (ack p99 %.1f ms, delivery p99 %.1f ms)", c.path(metric).asLong(),
          unit, c.path("ackP99Ms").asDouble(), c.path("deliveryP99Ms").asDouble());
    }
    return String.format(Locale.ROOT, "%,d %s (delivery p50 %.1f / p99 %.1f ms)", c.path(metric).asLong(), unit,
        c.path("deliveryP50Ms").asDouble(), c.path("deliveryP99Ms").asDouble());
  }

  /** Re-renders a result file (summary and Markdown) with this code: {@code Report <result.json> [root]}. */
  public static void main(String[] args) throws Exception {
    ObjectNode result = (ObjectNode) Bench.JSON.readTree(Files.readString(Path.of(args[0])));
    Path root = Path.of(args.length > 1 ? args[1] : ".").toAbsolutePath().normalize();
    Scenario scenario = Scenario.of(result.path("scenario").asText(), result.path("quick").asBoolean());
    result.set("summary", summary(scenario, result, root));
    System.out.println(markdown(scenario, result));
  }

  private static String gc(JsonNode g) {
    JsonNode server = g.path("server");
    String mine = server.isMissingNode() ? "n/a" : String.format(Locale.ROOT, "%d, %.0f", server.path("count").asInt(),
        server.path("maxMs").asDouble());
    return mine + String.format(Locale.ROOT, " (%.0f)", g.path("generator").path("maxMs").asDouble());
  }

  private static String f(JsonNode h, String key) {
    double v = h.path(key).asDouble();
    return h.path("count").asLong() == 0 ? "-" : v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
  }
}
