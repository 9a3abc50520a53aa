package parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One target's result from several runs of the same scenario ({@code --repeat N}): each step's figures are the
 * median over the runs, so where one run's young pause fell or what the host did during one step no longer decides
 * a capacity. The runs themselves are kept under {@code runs}, and each step lists every run's p99. What is not a
 * step (connect rate, memory per session, idle CPU) is the first run's.
 */
final class Repeats {
  private Repeats() {}

  static ObjectNode merge(List<ObjectNode> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs");
    }
    ObjectNode merged = runs.get(0).deepCopy();
    merged.put("repeats", runs.size());
    ArrayNode kept = merged.putArray("runs");
    runs.forEach(kept::add);

    ArrayNode steps = merged.putArray("steps");
    for (int i = 0; ; i++) {
      List<JsonNode> reached = new ArrayList<>();
      int saturated = 0;
      for (ObjectNode run : runs) {
        JsonNode runSteps = run.path("steps");
        if (i < runSteps.size()) {
          reached.add(runSteps.get(i));
          saturated += runSteps.get(i).path("saturated").asBoolean() ? 1 : 0;
        } else if (runSteps.size() > 0 && runSteps.get(runSteps.size() - 1).path("saturated").asBoolean()) {
          saturated++; // it could not keep up at a lower rate, so not at this one
        }
      }
      if (reached.isEmpty()) {
        break;
      }
      ObjectNode step = median(reached);
      boolean mostSaturated = saturated * 2 > runs.size();
      step.put("saturated", mostSaturated);
      step.put("allAcked", reached.stream().allMatch(s -> s.path("allAcked").asBoolean()));
      step.remove("why");
      if (mostSaturated) {
        reached.stream().filter(s -> s.path("saturated").asBoolean()).findFirst()
            .ifPresent(s -> step.put("why", s.path("why").asText()));
      }
      step.put("runs", reached.size());
      ArrayNode p99 = step.putArray("deliveryP99MsOfEachRun");
      reached.forEach(s -> p99.add(s.path("delivery").path("p99_ms").asDouble()));
      ArrayNode stolen = step.putArray("stolenCoresOfEachRun");
      reached.forEach(s -> stolen.add(s.path("cpuCores").path("stolen").asDouble()));
      steps.add(step);
      if (mostSaturated) {
        break;
      }
    }

    boolean ok = true;
    JsonNode contract = null;
    for (ObjectNode run : runs) {
      if (run.has("error") && !merged.has("error")) {
        merged.set("error", run.get("error"));
      }
      boolean held = run.path("contract").path("ok").asBoolean(false);
      if (!held && contract == null) {
        contract = run.path("contract");
      }
      ok &= run.path("ok").asBoolean(false);
    }
    if (contract != null && !contract.isMissingNode()) {
      merged.set("contract", contract.deepCopy());
    }
    merged.put("ok", ok);
    return merged;
  }

  /** A copy of the first step with every number replaced by the median of that number over all the steps. */
  static ObjectNode median(List<JsonNode> steps) {
    ObjectNode out = ((ObjectNode) steps.get(0)).deepCopy();
    medianInto(out, steps);
    return out;
  }

  private static void medianInto(ObjectNode out, List<JsonNode> same) {
    List<String> names = new ArrayList<>();
    out.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode v = out.get(name);
      List<JsonNode> others = same.stream().map(s -> s.path(name)).toList();
      if (v.isObject()) {
        medianInto((ObjectNode) v, others);
      } else if (v.isNumber()) {
        double[] xs = others.stream().filter(JsonNode::isNumber).mapToDouble(JsonNode::asDouble).sorted().toArray();
        double m = xs.length % 2 == 1 ? xs[xs.length / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
        if (v.isIntegralNumber()) {
          out.put(name, Math.round(m));
        } else {
          out.put(name, m);
        }
      }
    }
  }
}
