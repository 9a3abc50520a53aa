package parley.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {
  private static final URI SERVER = URI.create("http://127.0.0.1:18080");

  @Test
  void remembersTheServerAndNoTokenUnlessAsked(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("parley/client.properties");
    ClientConfig.load(file).server(SERVER).save();
    ClientConfig loaded = ClientConfig.load(file);
    assertEquals(SERVER, loaded.server().orElseThrow());
    assertTrue(loaded.savedLogin(SERVER).isEmpty());
    assertFalse(Files.readString(file).contains("token"));
  }

  @Test
  void aKeptLoginIsOwnerOnlyAndForServerItCameFrom(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    ClientConfig config = ClientConfig.load(file);
    config.rememberLogin(SERVER, "alice", "t0k3n");
    config.save();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("t0k3n", ClientConfig.load(file).savedLogin(SERVER).orElseThrow().token());
    assertTrue(ClientConfig.load(file).savedLogin(URI.create("http://elsewhere:1")).isEmpty());
    config.forgetLogin();
    config.save();
    assertFalse(Files.readString(file).contains("t0k3n"));
  }
}
