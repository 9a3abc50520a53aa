package parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;

/** A server the generator drives: Parley (one node or a cluster), the limit baseline, or the Socket.IO peer. */
interface Target {
  String name();

  /** One line: what runs, on what. */
  String describe();

  Proto proto();

  /** Starts the server processes and waits until they serve. */
  void start(Path logDir) throws Exception;

  /** Makes the users and rooms of the layout (where the server has any) and returns one connection per user. */
  List<Conn.Spec> setup(Layout layout, IntPredicate sender) throws Exception;

  /** The server processes, for CPU and memory. */
  List<Long> serverPids();

  /** Whether a database process works for this server (its CPU is then measured). */
  boolean usesDatabase();

  /** Whether the server processes are JVMs (heap after GC can be read with jcmd). */
  boolean jvm();

  /** Whether the generator adds v1.1's awareness traffic: typing before each send, delivered once a second per room. */
  default boolean receipts() {
    return typing() || delivered();
  }

  /** Whether the generator's senders send a typing frame before each send. */
  default boolean typing() {
    return false;
  }

  /** Whether the generator's connections send delivered once a second per room with new entries. */
  default boolean delivered() {
    return false;
  }

  /** Events in the server's journal so far (for writes per second), or -1 where it is not counted. */
  default long journalWrites() {
    return -1;
  }

  /** The server JVMs' GC logs (empty for a server that is not a JVM). */
  default List<Path> gcLogs() {
    return List.of();
  }

  /**
   * Whether a client that comes back can read what it missed. Only then does the storm post while everyone is away;
   * for the others it measures the reconnect alone.
   */
  default boolean keepsHistory() {
    return false;
  }

  /** Posts one message to each room over HTTP while clients are away; the stored seq per room. */
  default Map<String, Long> postWhileAway(List<String> rooms) {
    throw new UnsupportedOperationException(name() + " keeps no history to resume from");
  }

  /** Stops everything it started. Never throws. */
  void stop();

  static void awaitPort(int port, Process process, String what) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(what + " exited with " + process.exitValue() + " before it listened");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        LockSupport.parkNanos(200_000_000L);
      }
    }
    throw new IllegalStateException(what + " did not listen on port " + port + " within 120 s");
  }
}
