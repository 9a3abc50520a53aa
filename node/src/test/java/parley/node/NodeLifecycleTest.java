package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import parley.node.testkit.ApiClient;
import parley.node.testkit.NodeProcess;
import parley.node.testkit.TestDatabase;
import parley.node.testkit.WsClient;

/** A node process as an operator runs it: what a start prints, how SIGTERM stops it, how a failed start ends. */
class NodeLifecycleTest {

  private static Map<String, String> env(Path dir) {
    return TestDatabase.postgres()
        ? Map.of("PARLEY_DB_URL", TestDatabase.url(),
            "PARLEY_DB_USER", System.getenv().getOrDefault("PARLEY_TEST_DB_USER", "postgres"))
        : Map.of("PARLEY_DATA_DIR", dir.resolve("data").toString());
  }

  @Test
  void aNormalStartSaysWhereItListensAndSigtermClosesSocketsWith1001First() throws Exception {
    Path dir = Files.createTempDirectory("parley-life");
    try (NodeProcess node = NodeProcess.start(env(dir), dir.resolve("node.log"))) {
      ApiClient alice = new ApiClient(node.http()).newUser("alice");
      try (WsClient socket = WsClient.connect(node.http(), alice.token)) {
        socket.awaitType("hello");
        long signalled = System.nanoTime();
        node.process.destroy(); // SIGTERM
        WsClient.Closed closed = socket.awaitClose();
        assertEquals(1001, closed.code(), "going away: clients reconnect to another node at once");
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
        assertTrue(node.process.waitFor(20, TimeUnit.SECONDS), "stopped within parley.shutdown.timeout");
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
        // 143 = 128 + SIGTERM: the JVM's status when a signal ends it after its shutdown hooks (Docker reads it as a
        // clean stop); a failed start exits 1.
        assertEquals(143, node.process.exitValue());
        System.out.printf("SIGTERM: sockets closed (1001) after %d ms, process gone after %d ms%n", closeMillis, stopMillis);
      }
      List<String> lines = Files.readAllLines(node.log);
      String start = String.join("\n", lines);
      assertTrue(lines.stream().anyMatch(l -> l.contains("Parley node listening on " + node.http())
          && l.contains("database ") && l.contains("Ctrl-C stops it")), start);
      for (String noise : List.of("SLF4J", "\u001b[", "No seed-nodes", " WARN ", " ERROR ")) {
        assertTrue(lines.stream().noneMatch(l -> l.contains(noise)), "a normal start and stop print no " + noise + ":\n" + start);
      }
    }
  }

  @Test
  void aNodeThatCannotReachItsClusterIsAliveButNotReady() throws Exception {
    Path dir = Files.createTempDirectory("parley-life-alone");
    // Its one seed is a port nobody listens on: the node serves HTTP but never becomes a member of a cluster.
    Map<String, String> env = new HashMap<>(env(dir));
    // Held for the whole test: a socket that accepts and never speaks the cluster's protocol, so no one can be there.
    try (ServerSocket mute = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      env.put("PARLEY_SEED_NODES", "127.0.0.1:" + mute.getLocalPort());
      assertAliveNotReady(env, dir);
    }
  }

  private static void assertAliveNotReady(Map<String, String> env, Path dir) throws Exception {
    try (NodeProcess node = NodeProcess.start(env, dir.resolve("node.log"))) {
      ApiClient anyone = new ApiClient(node.http());
      assertEquals(200, anyone.get("/alive").status());
      ApiClient.Reply ready = anyone.get("/ready");
      assertEquals(503, ready.status(), "a load balancer sends it nothing");
      assertEquals("not_ready", ready.code());
    }
  }

  @Test
  void aNodeWhosePortIsTakenSaysSoAndExitsWithAnError() throws Exception {
    Path dir = Files.createTempDirectory("parley-life-taken");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Path log = dir.resolve("node.log");
      IllegalStateException failed = Assertions.assertThrows(IllegalStateException.class,
          () -> NodeProcess.start(env(dir), port, log).close());
      String output = Files.readString(log);
      assertTrue(output.contains("could not start") && output.contains(String.valueOf(port)), output);
      assertTrue(failed.getCause().getMessage().contains("exited with status 1"), failed.getCause().getMessage());
    }
  }
}
