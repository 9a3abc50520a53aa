package parley.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/** The limit baseline ({@link LimitServer}) in its own JVM, with the same JVM options as a Parley node. */
final class LimitTarget implements Target {
  static final int PORT = 19090;

  private final Path root;
  private final List<String> javaOpts;
  private Process process;
  private Path gcLog;

  LimitTarget(Path root, List<String> javaOpts) {
    this.root = root;
    this.javaOpts = javaOpts;
  }

  @Override
  public String name() {
    return "limit";
  }

  @Override
  public String describe() {
    return "limit baseline: Pekko HTTP WebSocket broadcast, no actors, no storage, JVM " + String.join(" ", javaOpts);
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
    List<String> cmd = new ArrayList<>();
    cmd.add(Procs.java());
    cmd.addAll(javaOpts);
    gcLog = logDir.resolve("limit-gc.log");
    cmd.add(GcLog.option(gcLog));
    cmd.addAll(List.of("-cp", classpath, "parley.bench.LimitServer", String.valueOf(PORT)));
    process = Procs.start(new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(logDir.resolve("limit.log").toFile()));
    Target.awaitPort(PORT, process, "limit server");
  }

  @Override
  public List<Conn.Spec> setup(Layout layout, IntPredicate sender) {
    List<List<Integer>> roomsOf = layout.roomsOfUsers();
    List<Conn.Spec> specs = new ArrayList<>();
    for (int i = 0; i < layout.users(); i++) {
      List<String> rooms = roomsOf.get(i).stream().map(r -> "room" + r).toList();
      specs.add(new Conn.Spec(i, "user" + i, null,
          "ws://127.0.0.1:" + PORT + "/ws?user=user" + i + "&rooms=" + String.join(",", rooms), null, rooms,
          sender.test(i)));
    }
    return specs;
  }

  @Override
  public List<Path> gcLogs() {
    return gcLog == null ? List.of() : List.of(gcLog);
  }

  @Override
  public List<Long> serverPids() {
    return process == null ? List.of() : List.of(process.pid());
  }

  @Override
  public void stop() {
    Procs.stop(process, 10);
    process = null;
  }
}
