package parley.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.pekko.actor.ActorSystem;

/**
 * {@code ./parley bench recovery [--quick] [--events 1,2500,4999,5000,9999]}: what a node crash costs a room. One
 * Parley node on PostgreSQL; rooms are filled over REST to the given timeline lengths (every send acknowledged,
 * so stored), the node is killed with SIGKILL and started again, and each room is then asked for its view, one at
 * a time: the first ask after the restart starts the room, which reads its last snapshot and the events after it.
 * Reports, per timeline length, the events read after the snapshot, the snapshot's size and the time from the ask
 * to the answer; and the node's time from process start to ready. Checks that every acknowledged message came
 * back (a room's last seq after the restart equals what was acknowledged before it) and exits 1 if not.
 *
 * <p>Only Parley: the limit and Socket.IO keep nothing to recover.
 */
final class Recovery {
  private static final String TEXT =
      "A chat message of about a hundred characters, the size most messages in a busy room turn out to have.";

  /** A room of the run: which of {@code --events} it was filled to, and whether it is its length's warm-up room. */
  record Room(String id, int level, long lastSeq, boolean warmUp) {}

  private Recovery() {}

  static void main(String[] args) throws Exception {
    boolean quick = false;
    List<Long> levels = List.of(1L, 2_500L, 4_999L, 5_000L, 9_999L);
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--events" -> {
          if (i + 1 >= args.length) {
            usage("--events needs a value");
          }
          try {
            levels = Arrays.stream(args[++i].split(",")).map(Long::valueOf).toList();
          } catch (NumberFormatException e) {
            usage("--events takes timeline lengths, e.g. 1,5000,9999");
          }
          if (levels.isEmpty() || levels.stream().anyMatch(l -> l < 1 || l > 100_000)) {
            usage("--events takes timeline lengths of 1-100000");
          }
        }
        default -> usage("unknown option " + args[i]);
      }
    }
    int roomsPerLevel = quick ? 2 : 5;
    Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
    String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    String label = "recovery" + (quick ? "-quick" : "");
    Path runDir = root.resolve("bench/target/runs/" + label + "-" + stamp);
    Files.createDirectories(runDir);
    Procs.pidFile(root.resolve("bench/target/bench.pids"));
    ActorSystem system = ActorSystem.create("bench", ConfigFactory.load("coordinator"));
    Api api = new Api(system);
    List<String> javaOpts = Arrays.asList(System.getenv()
        .getOrDefault("PARLEY_JAVA_OPTS", Bench.serverJavaOpts(1)).trim().split("\\s+"));
    ParleyTarget target = new ParleyTarget(root, 1, true, javaOpts, api, false);

    ObjectNode result = Bench.JSON.createObjectNode();
    result.put("scenario", "recovery").put("quick", quick).put("startedAt", stamp + "Z")
        .put("command", "./parley bench " + String.join(" ", args))
        .put("what", "rooms filled to each timeline length over REST, the node killed (SIGKILL) and started again,"
            + " then each room asked for its view, one at a time (the first ask recovers the room)");
    result.set("machine", Bench.machine());
    result.set("source", Bench.source(root));
    result.put("roomsPerLevel", roomsPerLevel);
    boolean ok = false;
    try {
      ok = run(target, api, levels, roomsPerLevel, runDir, result);
    } catch (Exception e) {
      result.put("error", String.valueOf(e));
      Bench.failed("recovery", String.valueOf(e));
      e.printStackTrace();
    } finally {
      result.put("describe", target.describe());
      target.stop();
    }
    result.put("ok", ok);
    Bench.finish(root, label, stamp, runDir, result, markdown(result), ok, system);
  }

  private static void usage(String why) {
    System.err.println("bench: " + why);
    System.err.println("usage: ./parley bench recovery [--quick] [--events 1,2500,4999,5000,9999]");
    System.exit(2);
  }

  private static boolean run(ParleyTarget target, Api api, List<Long> levels, int roomsPerLevel, Path runDir,
      ObjectNode result) throws Exception {
    target.start(runDir);
    String node = target.base(0);
    String credentials = "{\"username\":\"filler\",\"password\":\"" + ParleyTarget.PASSWORD + "\"}";
    Api.expect(api.callNow("POST", node + "/api/v1/auth/signup", null, credentials), 201, "signup");
    String token = Frames.str(
        Api.expect(api.callNow("POST", node + "/api/v1/auth/login", null, credentials), 200, "login").body(), "token");

    // One warm-up room per level, recovered first and reported apart: the first rooms after a restart also pay for
    // a cold JVM. Then the measured rooms, levels taken in turn.
    int count = (roomsPerLevel + 1) * levels.size();
    List<Integer> indexes = IntStream.range(0, count).boxed().toList();
    List<String> ids = api.parallel(indexes, 16, i -> api.call("POST", node + "/api/v1/rooms", token,
            "{\"name\":\"recovery " + i + "\",\"capacity\":2}")
        .thenApply(r -> Frames.str(Api.expect(r, 201, "create room " + i).body(), "id")));
    List<Room> rooms = new ArrayList<>();
    List<String[]> posts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int level = i % levels.size();
      Room room = new Room(ids.get(i), level, levels.get(level), i < levels.size());
      rooms.add(room);
      // The room's creation is seq 1; every message after it is one more.
      for (long m = 1; m < room.lastSeq(); m++) {
        posts.add(new String[] {room.id(), UUID.randomUUID().toString()});
      }
    }
    Bench.log("recovery: filling " + rooms.size() + " rooms with " + posts.size() + " messages");
    long fillStart = System.nanoTime();
    api.parallel(posts, 64, p -> api.call("POST", node + "/api/v1/rooms/" + p[0] + "/messages", token,
            "{\"clientMsgId\":\"" + p[1] + "\",\"text\":\"" + TEXT + "\"}")
        .thenApply(r -> Api.expect(r, 201, "post to " + p[0])));
    double fillSeconds = Bench.secondsSince(fillStart);
    result.put("filled", posts.size()).put("fillSeconds", Bench.round1(fillSeconds))
        .put("fillAckedPerSec", Math.round(posts.size() / fillSeconds));

    // What each room will read when it starts: its newest snapshot, then the events after it.
    Map<String, long[]> snapshots = new LinkedHashMap<>();
    // The persistence id ("Room|<id>") goes last: psql separates fields with the same '|'.
    for (String row : target.query("SELECT sequence_number, length(snapshot_payload), persistence_id FROM snapshot s"
        + " WHERE persistence_id LIKE 'Room|%' AND sequence_number ="
        + " (SELECT max(sequence_number) FROM snapshot t WHERE t.persistence_id = s.persistence_id)")) {
      String[] f = row.split("\\|", 3);
      snapshots.put(f[2].substring("Room|".length()), new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
    }

    Bench.log("recovery: killing the node (SIGKILL) and starting it again");
    target.crash();
    long startedAt = System.nanoTime();
    target.restart(runDir, "-restarted");
    result.put("restartToReadySeconds", Bench.round2(Bench.secondsSince(startedAt)));

    boolean ok = true;
    ArrayNode measured = result.putArray("rooms");
    for (Room room : rooms) {
      long t0 = System.nanoTime();
      Api.Reply reply = api.callNow("GET", node + "/api/v1/rooms/" + room.id(), token, null);
      double ms = (System.nanoTime() - t0) / 1e6;
      long again0 = System.nanoTime();
      api.callNow("GET", node + "/api/v1/rooms/" + room.id(), token, null);
      double againMs = (System.nanoTime() - again0) / 1e6;
      long[] snap = snapshots.getOrDefault(room.id(), new long[] {0, 0});
      ObjectNode r = measured.addObject();
      r.put("room", room.id()).put("timeline", room.lastSeq()).put("warmUp", room.warmUp())
          .put("snapshotSeq", snap[0]).put("snapshotBytes", snap[1]).put("eventsAfterSnapshot", room.lastSeq() - snap[0])
          .put("firstAskMs", Bench.round2(ms)).put("secondAskMs", Bench.round2(againMs)).put("status", reply.status());
      if (reply.status() != 200) {
        Bench.failed("recovery", "room " + room.id() + " answered HTTP " + reply.status() + " after the restart: "
            + reply.body());
        ok = false;
        continue;
      }
      long lastSeq = Frames.num(reply.body(), "lastSeq");
      r.put("lastSeqAfterRestart", lastSeq);
      if (lastSeq != room.lastSeq()) {
        Bench.failed("recovery", "room " + room.id() + ": last seq " + lastSeq + " after the restart, "
            + room.lastSeq() + " acknowledged before it");
        ok = false;
      }
    }

    ArrayNode summary = result.putArray("levels");
    for (int l = 0; l < levels.size(); l++) {
      int level = l;
      List<ObjectNode> of = IntStream.range(0, rooms.size()).filter(i -> rooms.get(i).level() == level)
          .mapToObj(i -> (ObjectNode) measured.get(i)).toList();
      List<ObjectNode> timed = of.stream().filter(n -> !n.get("warmUp").asBoolean()).toList();
      double[] times = timed.stream().mapToDouble(n -> n.get("firstAskMs").asDouble()).sorted().toArray();
      ObjectNode s = summary.addObject();
      s.put("timeline", levels.get(l))
          .put("eventsAfterSnapshot", timed.isEmpty() ? 0 : timed.get(0).get("eventsAfterSnapshot").asLong())
          .put("snapshotBytes", timed.isEmpty() ? 0 : timed.get(0).get("snapshotBytes").asLong())
          .put("rooms", times.length)
          .put("medianMs", Bench.round1(times.length == 0 ? 0 : times[times.length / 2]))
          .put("maxMs", Bench.round1(times.length == 0 ? 0 : times[times.length - 1]))
          .put("coldMs", Bench.round1(of.stream().filter(n -> n.get("warmUp").asBoolean())
              .mapToDouble(n -> n.get("firstAskMs").asDouble()).findFirst().orElse(0)))
          .put("liveMedianMs", Bench.round1(timed.stream().mapToDouble(n -> n.get("secondAskMs").asDouble())
              .sorted().skip(timed.size() / 2).findFirst().orElse(0)));
    }
    Bench.log("recovery: every acknowledged message " + (ok ? "came back" : "did NOT come back: see above"));
    return ok;
  }

  static String markdown(ObjectNode result) {
    StringBuilder md = new StringBuilder();
    md.append("### recovery — ").append(result.path("startedAt").asText()).append("\n");
    md.append("`").append(result.path("command").asText()).append("` on ")
        .append(result.path("machine").path("cores").asInt()).append(" cores (")
        .append(result.path("machine").path("cpu").asText()).append("), ")
        .append(result.path("machine").path("java").asText()).append(". Code: ")
        .append(result.path("source").path("commit").asText()).append(". ")
        .append(result.path("describe").asText()).append(".\n\n");
    if (result.has("error")) {
      md.append("FAILED: ").append(result.get("error").asText()).append("\n");
      return md.toString();
    }
    md.append(String.format(Locale.ROOT, "Filled %,d messages in %.1f s (%,d acknowledged/s); node from start to"
            + " ready after the kill: %.2f s. Every acknowledged message came back: %s.%n%n",
        result.path("filled").asLong(), result.path("fillSeconds").asDouble(), result.path("fillAckedPerSec").asLong(),
        result.path("restartToReadySeconds").asDouble(), result.path("ok").asBoolean() ? "yes" : "NO"));
    md.append("| timeline (events) | read after the snapshot | snapshot bytes | first ask, median ms | max ms |"
        + " first room of its length (cold JVM) ms | a live room, median ms |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (var l : result.path("levels")) {
      md.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %.1f | %.1f | %.1f | %.1f |%n",
          l.get("timeline").asLong(), l.get("eventsAfterSnapshot").asLong(), l.get("snapshotBytes").asLong(),
          l.get("medianMs").asDouble(), l.get("maxMs").asDouble(), l.get("coldMs").asDouble(),
          l.get("liveMedianMs").asDouble()));
    }
    return md.toString();
  }
}
