package parley.client;

import java.net.URI;
import java.time.Duration;

/**
 * The command line: {@code [--server URL] [--send ROOM TEXT | --tail ROOM] [--timeout SECONDS]}.
 *
 * @param server the server given, or null for the remembered (or default) one
 * @param sendRoom with {@code sendText}: line mode, send one message
 * @param tailRoom line mode, print new messages
 * @param timeout how long {@code --send} waits for its ack
 */
public record ClientArgs(URI server, String sendRoom, String sendText, String tailRoom, Duration timeout, boolean help) {

  public static final URI DEFAULT_SERVER = URI.create("http://127.0.0.1:8080");

  public static final String USAGE = String.join("\n",
      "usage: parley client [--server URL]                 the full-screen client",
      "       parley client [--server URL] --send ROOM TEXT  send one message; exit 0 once acknowledged",
      "       parley client [--server URL] --tail ROOM       print new messages as 'seq sender: text'",
      "",
      "  --server URL      default " + DEFAULT_SERVER + "; the full-screen client remembers the last one",
      "  --timeout SECONDS how long --send waits for the acknowledgement (default 30)",
      "  ROOM              a room id, a room name, or @user for a DM",
      "Line mode logs in as PARLEY_USERNAME with PARLEY_PASSWORD from the environment.");

  public boolean lineMode() {
    return sendRoom != null || tailRoom != null;
  }

  /** Parses the arguments; an IllegalArgumentException says what is wrong. */
  public static ClientArgs parse(String... args) {
    URI server = null;
    String sendRoom = null;
    String sendText = null;
    String tailRoom = null;
    Duration timeout = Duration.ofSeconds(30);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--server":
          server = serverUri(value(args, ++i, "--server"));
          break;
        case "--send":
          sendRoom = value(args, ++i, "--send");
          sendText = value(args, ++i, "--send");
          break;
        case "--tail":
          tailRoom = value(args, ++i, "--tail");
          break;
        case "--timeout":
          try {
            timeout = Duration.ofSeconds(Long.parseLong(value(args, ++i, "--timeout")));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--timeout takes a number of seconds");
          }
          break;
        case "-h":
        case "--help":
          return new ClientArgs(null, null, null, null, timeout, true);
        default:
          throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    if (sendRoom != null && tailRoom != null) {
      throw new IllegalArgumentException("--send and --tail do not go together");
    }
    return new ClientArgs(server, sendRoom, sendText, tailRoom, timeout, false);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs " + (option.equals("--send") ? "ROOM and TEXT" : "a value"));
    }
    return args[i];
  }

  static URI serverUri(String text) {
    URI uri;
    try {
      uri = URI.create(text.contains("://") ? text : "http://" + text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a server URL: " + text);
    }
    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new IllegalArgumentException("a server URL looks like http://host:port, not " + text);
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }
}
