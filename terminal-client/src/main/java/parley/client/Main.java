package parley.client;

import java.io.IOException;
import java.net.URI;
import parley.client.line.LineMode;
import parley.client.tui.TerminalApp;

/** {@code ./parley client}: the full-screen client, or the line mode with --send / --tail. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws IOException {
    ClientArgs parsed;
    try {
      parsed = ClientArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("parley client: " + e.getMessage());
      System.err.println(ClientArgs.USAGE);
      System.exit(2);
      return;
    }
    if (parsed.help()) {
      System.out.println(ClientArgs.USAGE);
      return;
    }
    ClientConfig config = ClientConfig.load(ClientConfig.defaultPath());
    URI server = parsed.server() != null ? parsed.server() : config.server().orElse(ClientArgs.DEFAULT_SERVER);
    if (parsed.lineMode()) {
      System.exit(LineMode.fromEnvironment(server, System.getenv(), config, System.out, System.err).run(parsed));
      return;
    }
    if (parsed.server() != null) {
      config.server(server);
      try {
        config.save();
      } catch (IOException e) {
        System.err.println("parley client: cannot remember the server (" + e.getMessage() + ")");
      }
    }
    System.exit(TerminalApp.run(server, config, parsed.invite()));
  }
}
