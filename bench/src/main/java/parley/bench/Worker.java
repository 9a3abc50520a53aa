package parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One generator process: one ActorSystem, up to ~9,500 connections from one source address, one clock thread
 * (this process's main thread) that fires the open workload's sends at their scheduled times. It takes one JSON
 * command per line on stdin and answers each with one line on stdout prefixed {@code @@}; it exits when stdin
 * closes, so it never outlives the run that started it.
 */
public final class Worker {
  static final String REPLY = "@@";

  private final ObjectMapper json = new ObjectMapper();
  private final ActorSystem system;
  private Load load;
  private final List<Conn> conns = new ArrayList<>();

  private long stepSent;
  private long stepAcks;
  private long stepDeliveries;
  private long stepErrors;
  private long stepResent;
  private long stepOverflow;
  private long stepNotOpen;
  private long stepStarted;

  private Worker(ActorSystem system) {
    this.system = system;
  }

  public static void main(String[] args) throws Exception {
    Procs.useCommonPool();
    ActorSystem system = ActorSystem.create("bench-worker", ConfigFactory.load("worker"));
    Worker worker = new Worker(system);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode cmd = worker.json.readTree(line);
        ObjectNode reply;
        try {
          reply = worker.handle(cmd);
        } catch (Exception e) {
          reply = worker.json.createObjectNode().put("ev", "failed").put("error", String.valueOf(e));
        }
        System.out.println(REPLY + worker.json.writeValueAsString(reply));
        System.out.flush();
        if ("exit".equals(cmd.path("cmd").asText())) {
          break;
        }
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
      System.exit(0);
    }
  }

  private ObjectNode handle(JsonNode cmd) throws Exception {
    return switch (cmd.path("cmd").asText()) {
      case "init" -> init(cmd);
      case "connect" -> connect(cmd.path("parallelism").asInt(200), "connected");
      case "run" -> run(cmd);
      case "drain" -> drain(cmd);
      case "seqs" -> seqs();
      case "expect" -> expect(cmd);
      case "check" -> checkAll();
      case "drop" -> drop();
      case "reconnect" -> connect(cmd.path("parallelism").asInt(200), "reconnected");
      case "exit" -> reply("bye");
      default -> throw new IllegalArgumentException("unknown command " + cmd);
    };
  }

  private ObjectNode reply(String ev) {
    return json.createObjectNode().put("ev", ev);
  }

  private ObjectNode init(JsonNode cmd) throws IOException {
    load = new Load(system, Proto.valueOf(cmd.path("proto").asText()), cmd.path("text").asText(),
        cmd.path("outCapacity").asInt(4096), cmd.path("local").asText("127.0.0.1"), cmd.path("client").asText("nio"),
        cmd.path("typing").asBoolean(false), cmd.path("delivered").asBoolean(false));
    for (JsonNode c : cmd.path("conns")) {
      List<String> rooms = new ArrayList<>();
      c.path("rooms").forEach(r -> rooms.add(r.asText()));
      conns.add(new Conn(new Conn.Spec(c.path("id").asInt(), c.path("user").asText(),
          c.path("token").isNull() ? null : c.path("token").asText(null), c.path("url").asText(),
          c.path("http").asText(null), List.copyOf(rooms), c.path("sender").asBoolean()), load));
    }
    if (load.delivered) {
      // Each connection once a second, on a phase of its own as real clients' timers are: a tenth of them every
      // 100 ms, not all 2,000 in the same millisecond (which made a burst a second of every marker on the node).
      int[] tick = {0};
      system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofMillis(100), () -> {
        int slice = tick[0]++ % 10;
        for (int i = slice; i < conns.size(); i += 10) {
          conns.get(i).tellDelivered();
        }
      }, system.dispatcher());
    }
    return reply("ready").put("conns", conns.size());
  }

  /** Connects (or reconnects) every connection, at most {@code parallelism} handshakes at a time. */
  private ObjectNode connect(int parallelism, String ev) throws Exception {
    load.dropping = false;
    long started = Micros.now();
    Histogram setup = Load.empty();
    int[] counts = new int[2];
    Source.from(conns)
        .mapAsyncUnordered(parallelism, c -> c.connect().handle((micros, failure) -> {
          if (failure != null) {
            load.problem("connect failed: " + failure);
            return -1L;
          }
          return micros;
        }))
        .runWith(Sink.foreach(micros -> {
          if (micros < 0) {
            counts[1]++;
          } else {
            counts[0]++;
            setup.recordValue(Math.max(1, Math.min(Load.MAX_MICROS, micros)));
          }
        }), load.mat)
        .toCompletableFuture().get(30, TimeUnit.MINUTES);
    ObjectNode r = reply(ev).put("ok", counts[0]).put("failed", counts[1])
        .put("elapsedMs", (Micros.now() - started) / 1000.0)
        .put("hist", Hist.encode(setup));
    r.putPOJO("problems", new ArrayList<>(load.problems.keySet()));
    return r;
  }

  /**
   * One step of the open workload: resets the step's recorders, then sends {@code rate} messages per second,
   * round-robin over this process's senders, each stamped with its scheduled time, until {@code t0 + duration}.
   */
  private ObjectNode run(JsonNode cmd) {
    load.ackLatency.reset();
    load.deliveryLatency.reset();
    stepSent = load.sent.sum();
    stepAcks = load.acks.sum();
    stepDeliveries = load.deliveries.sum();
    stepErrors = load.errors.sum();
    stepResent = load.resent.sum();
    stepOverflow = load.overflow.sum();
    stepNotOpen = load.notOpen.sum();
    long t0 = cmd.path("t0").asLong();
    stepStarted = t0;
    long end = t0 + cmd.path("durationMs").asLong() * 1000;
    double rate = cmd.path("rate").asDouble();
    double phase = cmd.path("phase").asDouble();
    List<Conn> senders = conns.stream().filter(c -> c.spec.sender()).toList();
    long behindMax = 0;
    long fired = 0;
    if (rate > 0 && !senders.isEmpty()) {
      double interval = 1_000_000.0 / rate;
      int n = senders.size();
      for (long k = 0; ; ) {
        long scheduled = t0 + (long) (phase * interval + k * interval);
        if (scheduled >= end) {
          break;
        }
        long now = Micros.now();
        if (scheduled > now) {
          LockSupport.parkNanos((scheduled - now) * 1000);
          continue;
        }
        behindMax = Math.max(behindMax, now - scheduled);
        senders.get((int) (k % n)).send(scheduled);
        fired++;
        k++;
      }
    }
    for (long left = end - Micros.now(); left > 0; left = end - Micros.now()) {
      LockSupport.parkNanos(left * 1000);
    }
    return reply("ran").put("fired", fired).put("behindMaxMs", behindMax / 1000.0);
  }

  /**
   * Waits until every send of the step is acknowledged (or the timeout), and until deliveries stop arriving,
   * then reports the step: counts, the times of the last ack and delivery, and the latency histograms.
   */
  private ObjectNode drain(JsonNode cmd) {
    long timeoutMs = cmd.path("timeoutMs").asLong(30_000);
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    boolean acked = waitUntil(() -> load.acks.sum() >= load.sent.sum(), deadline);
    long[] last = {load.deliveries.sum(), System.nanoTime()};
    waitUntil(() -> {
      long d = load.deliveries.sum();
      if (d != last[0]) {
        last[0] = d;
        last[1] = System.nanoTime();
      }
      return System.nanoTime() - last[1] > 300_000_000L;
    }, deadline);
    ObjectNode r = reply("drained")
        .put("allAcked", acked)
        .put("started", stepStarted)
        .put("sent", load.sent.sum() - stepSent)
        .put("acks", load.acks.sum() - stepAcks)
        .put("deliveries", load.deliveries.sum() - stepDeliveries)
        .put("errors", load.errors.sum() - stepErrors)
        .put("resent", load.resent.sum() - stepResent)
        .put("overflow", load.overflow.sum() - stepOverflow)
        .put("notOpen", load.notOpen.sum() - stepNotOpen)
        .put("lastAck", load.lastAck.get())
        .put("lastDelivery", load.lastDelivery.get())
        .put("ack", Hist.encode(load.ackLatency.getIntervalHistogram()))
        .put("delivery", Hist.encode(load.deliveryLatency.getIntervalHistogram()));
    return r;
  }

  /** The highest seq per room this process has seen: delivered, on a socket, or acknowledged. */
  private ObjectNode seqs() {
    Map<String, Long> highest = new HashMap<>(load.ackedSeq);
    for (Conn c : conns) {
      c.check.highest().forEach((room, seq) -> highest.merge(room, seq, Math::max));
    }
    ObjectNode r = reply("seqs").put("presenceFrames", load.presenceFrames.sum());
    ObjectNode rooms = r.putObject("rooms");
    highest.forEach(rooms::put);
    return r;
  }

  /**
   * Waits until every connection has every room up to the expected seqs, or its socket was closed by the server
   * (nothing more can come on it); then the rest count as lost, or as cut off on a socket the server closed.
   */
  private ObjectNode expect(JsonNode cmd) {
    Map<String, Long> expected = new HashMap<>();
    cmd.path("rooms").properties().forEach(e -> expected.put(e.getKey(), e.getValue().asLong()));
    long started = System.nanoTime();
    long deadline = started + cmd.path("timeoutMs").asLong(30_000) * 1_000_000;
    boolean ok = waitUntil(() -> conns.stream().allMatch(c -> c.closedByServer() || c.check.reached(expected)),
        deadline);
    long reachedAt = Micros.now();
    int shortRooms = 0;
    int cutOffRooms = 0;
    for (Conn c : conns) {
      if (c.closedByServer()) {
        cutOffRooms += c.check.reportCutOff(expected);
      } else if (!ok) {
        shortRooms += c.check.reportShortfall(expected);
      }
    }
    return reply("reached").put("ok", ok && cutOffRooms == 0).put("reachedAt", reachedAt)
        .put("presenceFrames", load.presenceFrames.sum())
        .put("elapsedMs", (System.nanoTime() - started) / 1e6).put("shortRooms", shortRooms)
        .put("cutOffRooms", cutOffRooms);
  }

  private ObjectNode checkAll() {
    long violations = 0;
    List<String> described = new ArrayList<>();
    for (Conn c : conns) {
      violations += c.check.violations();
      if (described.size() < 10) {
        described.addAll(c.check.described());
      }
    }
    ObjectNode r = reply("checked").put("violations", violations)
        .put("unexpectedCloses", load.unexpectedCloses.sum())
        .put("errors", load.errors.sum())
        .put("resent", load.resent.sum())
        .put("overflow", load.overflow.sum())
        .put("notOpen", load.notOpen.sum())
        .put("fetches", load.fetches.sum())
        .put("presenceFrames", load.presenceFrames.sum())
        .put("typingFrames", load.typingFrames.sum())
        .put("receiptFrames", load.receiptFrames.sum())
        .put("receiptChars", load.receiptChars.sum())
        .put("fetchFailures", load.fetchFailures.sum())
        .put("open", conns.stream().filter(Conn::isOpen).count());
    r.putPOJO("described", described.subList(0, Math.min(10, described.size())));
    r.putPOJO("problems", new ArrayList<>(load.problems.keySet()));
    return r;
  }

  /** Drops every connection at once (the streams fail, the TCP connections are aborted). */
  private ObjectNode drop() throws Exception {
    load.dropping = true;
    long started = Micros.now();
    load.ws.abortAll();
    CompletableFuture.allOf(conns.stream().map(c -> c.closed().toCompletableFuture())
        .toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return reply("dropped").put("at", started).put("elapsedMs", (Micros.now() - started) / 1000.0);
  }

  /** Polls {@code condition} every 10 ms until it holds or {@code deadlineNanos} passes. */
  private static boolean waitUntil(BooleanSupplier condition, long deadlineNanos) {
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadlineNanos > 0) {
        return false;
      }
      LockSupport.parkNanos(10_000_000L);
    }
    return true;
  }
}
