package parley.client;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;

/**
 * The client's settings file, {@code $HOME/.config/parley/client.properties} (or under {@code $XDG_CONFIG_HOME}): the
 * server used last, and a login token only when the user asked to stay logged in. The file is written owner-only
 * (0600), atomically.
 */
public final class ClientConfig {
  private static final String SERVER = "server";
  private static final String LOGIN_SERVER = "login.server";
  private static final String LOGIN_USERNAME = "login.username";
  private static final String LOGIN_TOKEN = "login.token";

  /** A login kept between runs. */
  public record SavedLogin(String username, String token) {}

  private final Path file;
  private final Properties values = new Properties();

  private ClientConfig(Path file) {
    this.file = file;
  }

  public static Path defaultPath() {
    String xdg = System.getenv("XDG_CONFIG_HOME");
    String home = System.getenv("HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".config");
    return base.resolve("parley").resolve("client.properties");
  }

  /** The settings in {@code file}; none if it does not exist or cannot be read. */
  public static ClientConfig load(Path file) {
    ClientConfig config = new ClientConfig(file);
    if (Files.isRegularFile(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        config.values.load(in);
      } catch (IOException | IllegalArgumentException e) {
        config.values.clear();
      }
    }
    return config;
  }

  /** The file these settings are read from and saved to. */
  public Path file() {
    return file;
  }

  public Optional<URI> server() {
    return Optional.ofNullable(values.getProperty(SERVER)).map(URI::create);
  }

  public ClientConfig server(URI server) {
    values.setProperty(SERVER, server.toString());
    return this;
  }

  /** The login kept for {@code server}, if the user asked to stay logged in there. */
  public Optional<SavedLogin> savedLogin(URI server) {
    String token = values.getProperty(LOGIN_TOKEN);
    String username = values.getProperty(LOGIN_USERNAME);
    if (token == null || username == null || !server.toString().equals(values.getProperty(LOGIN_SERVER))) {
      return Optional.empty();
    }
    return Optional.of(new SavedLogin(username, token));
  }

  public void rememberLogin(URI server, String username, String token) {
    values.setProperty(LOGIN_SERVER, server.toString());
    values.setProperty(LOGIN_USERNAME, username);
    values.setProperty(LOGIN_TOKEN, token);
  }

  public void forgetLogin() {
    values.remove(LOGIN_SERVER);
    values.remove(LOGIN_USERNAME);
    values.remove(LOGIN_TOKEN);
  }

  public void save() throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = Files.createTempFile(file.getParent(), "client", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the platform's defaults apply
      }
      try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        values.store(out, "Parley terminal client");
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
