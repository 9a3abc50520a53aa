package parley.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The limit baseline ({@link LimitServer}) in its own JVM, with the same JVM options as a Parley node; with
 * {@code --nodes N}, N of them sharing the rooms over {@link LimitRelay}, with the options of Parley's cluster nodes.
 */
final class LimitTarget implements Target {
  static final int PORT = 19090;

  private final Path root;
  private final int nodes;
  private final List<String> javaOpts;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> gcLogs = new ArrayList<>();

  LimitTarget(Path root, int nodes, List<String> javaOpts) {
    this.root = root;
    this.nodes = nodes;
    this.javaOpts = javaOpts;
  }

  @Override
  public String name() {
    return "limit";
  }

  @Override
  public String describe() {
    return "limit baseline: Pekko HTTP WebSocket broadcast, no actors, no storage"
        + (nodes == 1 ? "" : ", " + nodes + " nodes relaying over plain TCP") + ", JVM " + String.join(" ", javaOpts);
  }

  @Override
  public Proto proto() {
    return Proto.LIMIT;
  }

  @Override
  public boolean usesDatabase() {
    return false;
  }

  @Override
  public boolean jvm() {
    return true;
  }

  @Override
  public void start(Path logDir) throws Exception {
    String classpath = Procs.classpath(root, "bench");
    gcLogs.clear();
    for (int i = 0; i < nodes; i++) {
      String suffix = nodes == 1 ? "" : "-" + (i + 1);
      List<String> cmd = new ArrayList<>();
      cmd.add(Procs.java());
      cmd.addAll(javaOpts);
      Path gcLog = logDir.resolve("limit" + suffix + "-gc.log");
      gcLogs.add(gcLog);
      cmd.add(GcLog.option(gcLog));
      cmd.addAll(List.of("-cp", classpath, "parley.bench.LimitServer", String.valueOf(PORT + i)));
      if (nodes > 1) {
        cmd.addAll(List.of(String.valueOf(i), String.valueOf(nodes)));
      }
      processes.add(Procs.start(new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(logDir.resolve("limit" + suffix + ".log").toFile())));
    }
    for (int i = 0; i < nodes; i++) {
      Target.awaitPort(PORT + i, processes.get(i), "limit server " + (i + 1));
    }
  }

  @Override
  public List<Conn.Spec> setup(Layout layout, IntPredicate sender) {
    List<List<Integer>> roomsOf = layout.roomsOfUsers();
    List<Conn.Spec> specs = new ArrayList<>();
    for (int i = 0; i < layout.users(); i++) {
      List<String> rooms = roomsOf.get(i).stream().map(r -> "room" + r).toList();
      // As with Parley's nodes: user i on node i mod N.
      specs.add(new Conn.Spec(i, "user" + i, null,
          "ws://127.0.0.1:" + (PORT + i % nodes) + "/ws?user=user" + i + "&rooms=" + String.join(",", rooms), null,
          rooms, sender.test(i)));
    }
    return specs;
  }

  @Override
  public List<Path> gcLogs() {
    return List.copyOf(gcLogs);
  }

  @Override
  public List<Long> serverPids() {
    return processes.stream().map(Process::pid).toList();
  }

  @Override
  public void stop() {
    for (Process p : processes) {
      Procs.stop(p, 10);
    }
    processes.clear();
  }
}
