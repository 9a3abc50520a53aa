package parley.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/** The Socket.IO peer: {@code node bench/socketio/server.js}, socket.io as installed by {@code npm ci}. */
final class SocketIoTarget implements Target {
  static final int PORT = 19091;

  private final Path dir;
  private Process process;
  private String version = "?";

  SocketIoTarget(Path root) {
    this.dir = root.resolve("bench/socketio");
  }

  @Override
  public String name() {
    return "socketio";
  }

  @Override
  public String describe() {
    return "Socket.IO " + version + " (unmodified, from the npm registry) on " + nodeVersion()
        + ", its in-memory room broadcast, WebSocket transport only";
  }

  private static String nodeVersion() {
    try {
      return "Node.js " + Procs.run(List.of("node", "--version")).trim();
    } catch (Exception e) {
      return "Node.js";
    }
  }

  @Override
  public Proto proto() {
    return Proto.SOCKETIO;
  }

  @Override
  public boolean usesDatabase() {
    return false;
  }

  @Override
  public boolean jvm() {
    return false;
  }

  @Override
  public void start(Path logDir) throws Exception {
    Path pkg = dir.resolve("node_modules/socket.io/package.json");
    if (!Files.exists(pkg)) {
      throw new IllegalStateException("socket.io is not installed: run npm ci in " + dir);
    }
    version = Frames.str(Files.readString(pkg).replace(": \"", ":\""), "version");
    ProcessBuilder pb = new ProcessBuilder("node", "server.js").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(logDir.resolve("socketio.log").toFile());
    pb.environment().put("PORT", String.valueOf(PORT));
    process = Procs.start(pb);
    Target.awaitPort(PORT, process, "socket.io server");
  }

  @Override
  public List<Conn.Spec> setup(Layout layout, IntPredicate sender) {
    List<List<Integer>> roomsOf = layout.roomsOfUsers();
    List<Conn.Spec> specs = new ArrayList<>();
    for (int i = 0; i < layout.users(); i++) {
      specs.add(new Conn.Spec(i, "user" + i, null,
          "ws://127.0.0.1:" + PORT + "/socket.io/?EIO=4&transport=websocket", null,
          roomsOf.get(i).stream().map(r -> "room" + r).toList(), sender.test(i)));
    }
    return specs;
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
