package parley.bench;

import java.util.List;

/**
 * A workload: who is in which room, who sends, the steps of the open workload (messages per second over all
 * senders, each step held for {@code stepSeconds}), and what else the scenario does (hold idle, drop everything).
 */
record Scenario(
    String name,
    String what,
    Layout layout,
    boolean everyoneSends,
    double warmupRate,
    int warmupSeconds,
    List<Double> rates,
    int stepSeconds,
    int holdSeconds,
    boolean storm,
    List<String> defaultTargets) {

  static final List<String> ALL = List.of("parley", "limit", "socketio");
  /** One process holds at most ~19,900 sockets here; 19,000 sessions leave room for the node's own files. */
  static final int MAX_SESSIONS = 19_000;
  static final double LEAD_IN_ABOVE = 2.5;

  static Scenario of(String name, boolean quick) {
    return switch (name) {
      case "smoke" -> new Scenario("smoke",
          "40 users in 8 rooms of 10 (2 rooms each), everyone sends; then drop all and reconnect (Parley: and resume)",
          new Layout(40, 10, 2), true, 0, 0, List.of(40.0), 3, 1, true, ALL);
      case "idle" -> new Scenario("idle",
          "hold the most sessions a node can (rooms of 100, no traffic) and weigh them",
          new Layout(quick ? 2_000 : MAX_SESSIONS, 100, 1), false, 0, 0, List.of(), 0, quick ? 5 : 20, false, ALL);
      case "fanout" -> new Scenario("fanout",
          "rooms of 100 members, every member sends; steps of deliveries/s (= sends/s x 100)",
          new Layout(quick ? 2_000 : 10_000, 100, 1), true, 100, quick ? 4 : 10,
          perRoom(100, quick
              ? List.of(10_000, 25_000, 50_000, 100_000)
              : List.of(10_000, 25_000, 50_000, 60_000, 75_000, 100_000, 150_000, 175_000, 200_000, 250_000,
                  300_000, 400_000, 500_000, 750_000, 1_000_000)),
          quick ? 6 : 20, 2, false, ALL);
      case "ingest" -> new Scenario("ingest",
          "many small rooms (4 members), every member sends; steps of acknowledged sends/s",
          new Layout(quick ? 1_000 : 4_000, 4, 1), true, 500, quick ? 4 : 10,
          quick ? List.of(1_000.0, 2_500.0, 5_000.0, 7_500.0)
              : List.of(1_000.0, 2_500.0, 5_000.0, 6_000.0, 7_500.0, 10_000.0, 15_000.0, 20_000.0, 30_000.0, 40_000.0),
          quick ? 6 : 20, 2, false, ALL);
      case "hot-room" -> new Scenario("hot-room",
          "one room of 10 members, all sending; steps of sends/s into that one room",
          new Layout(10, 10, 1), true, 200, quick ? 4 : 10,
          quick ? List.of(500.0, 1_000.0, 2_000.0, 4_000.0)
              : List.of(500.0, 1_000.0, 2_000.0, 3_000.0, 4_000.0, 6_000.0, 8_000.0, 12_000.0, 16_000.0, 24_000.0),
          quick ? 6 : 20, 2, false, ALL);
      case "abuse" -> new Scenario("abuse",
          "2,000 users in rooms of 100 chat at half of what one node takes at p99 <= 100 ms (50,000 deliveries/s); "
              + "in every other step one more user floods its own room as fast as its socket takes frames",
          new Layout(2_000, 100, 1), true, 100, quick ? 4 : 10,
          perRoom(100, quick ? List.of(50_000, 50_000, 50_000) : List.of(50_000, 50_000, 50_000, 50_000, 50_000)),
          quick ? 10 : 30, 2, false, List.of("parley"));
      case "storm" -> new Scenario("storm",
          "sessions in rooms of 100, idle; drop every connection at once, post to every room while they are away "
              + "(where the server keeps history), time until all are back and caught up",
          new Layout(quick ? 2_000 : MAX_SESSIONS, 100, 1), false, 0, 0, List.of(), 0, quick ? 3 : 10, true, ALL);
      default -> throw new IllegalArgumentException("unknown scenario " + name);
    };
  }

  /**
   * The rate the warm-up ends at before the first step, when that step is more than {@link #LEAD_IN_ABOVE} times the
   * warm-up rate (runs with {@code --rates}); 0 otherwise. The default steps climb from the warm-up rate by at most
   * that much a step, so each step runs on code the one before compiled.
   */
  double leadInRate() {
    return warmupSeconds > 0 && !rates.isEmpty() && rates.get(0) > LEAD_IN_ABOVE * warmupRate ? rates.get(0) : 0;
  }

  /** The same workload with other steps (offered msgs/s over all senders), e.g. to repeat one step. */
  Scenario withRates(List<Double> steps) {
    return new Scenario(name, what, layout, everyoneSends, warmupRate, warmupSeconds, List.copyOf(steps), stepSeconds,
        holdSeconds, storm, defaultTargets);
  }

  Scenario withStepSeconds(int seconds) {
    return new Scenario(name, what, layout, everyoneSends, warmupRate, warmupSeconds, rates, seconds, holdSeconds, storm,
        defaultTargets);
  }

  private static List<Double> perRoom(int roomSize, List<Integer> deliveriesPerSecond) {
    return deliveriesPerSecond.stream().map(d -> d / (double) roomSize).toList();
  }

  /** The abuse scenario: a flooder in the middle step. */
  boolean floods() {
    return name.equals("abuse");
  }

  /** Deliveries per send: every member of the room gets it, the sender included. */
  int fanout() {
    return layout.roomSize();
  }
}
