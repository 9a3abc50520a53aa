package parley.client.line;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.client.ClientArgs;
import parley.client.ClientConfig;

/**
 * A server saved by an earlier run that is not there any more: line mode says which file the address came from and
 * how to change it (issue 65), and says nothing of the kind for a server given on the command line.
 */
class LineModeServerSourceTest {
  private static final Map<String, String> ENV = Map.of("PARLEY_USERNAME", "alice", "PARLEY_PASSWORD", "correct horse");

  /** An address nothing listens on: a port the system handed out, then closed again. */
  private static URI nobodyThere() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  private static String send(URI server, ClientConfig config) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = LineMode.fromEnvironment(server, ENV, config, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(ClientArgs.parse("--send", "general", "hi"));
    assertEquals(1, exit);
    assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing on stdout");
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aSavedServerThatIsGoneIsTracedToItsFile(@TempDir Path dir) throws Exception {
    URI gone = nobodyThere();
    Path file = dir.resolve("parley/client.properties");
    ClientConfig.load(file).server(gone).save();
    ClientConfig config = ClientConfig.load(file);

    String err = send(config.server().orElseThrow(), config);
    assertTrue(err.contains("cannot reach " + gone), err);
    assertTrue(err.contains(file.toString()), "names the file the address came from: " + err);
    assertTrue(err.contains("--server URL") && err.contains("edit or delete that file"), "says how to change it: " + err);
  }

  @Test
  void aServerGivenOnTheCommandLineIsNotBlamedOnTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    ClientConfig.load(file).server(URI.create("http://127.0.0.1:18680")).save();
    URI given = nobodyThere();

    String err = send(given, ClientConfig.load(file));
    assertTrue(err.contains("cannot reach " + given), err);
    assertFalse(err.contains(file.toString()), err);
  }

  @Test
  void theDefaultServerIsCalledTheDefault(@TempDir Path dir) {
    ClientConfig none = ClientConfig.load(dir.resolve("client.properties"));
    assertTrue(LineMode.serverSource(ClientArgs.DEFAULT_SERVER, none).contains("the default server"));
    assertEquals("", LineMode.serverSource(URI.create("http://127.0.0.1:9"), none));
  }
}
