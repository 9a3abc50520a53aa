package parley.client;

import java.net.URI;
import java.time.Duration;

/**
 * The command line: {@code [--server URL] [--send ROOM TEXT | --upload ROOM PATH | --tail ROOM [--history N] |
 * --search QUERY [--limit N]] [--timeout SECONDS]}.
 *
 * @param server the server given, or null for the remembered (or default) one
 * @param sendRoom with {@code sendText}: line mode, send one message
 * @param tailRoom line mode, print new messages
 * @param timeout how long {@code --send} waits for its ack
 * @param history with {@code --tail}: how many of the room's latest entries to print first (their messages)
 * @param searchQuery line mode, print the messages that match it
 * @param searchLimit with {@code --search}: at most this many
 * @param invite an invitation to sign up with, for a server that signs up by invitation
 */
public record ClientArgs(
    URI server, String sendRoom, String sendText, String tailRoom, Duration timeout, int history, boolean help,
    String uploadRoom, String uploadPath, String searchQuery, int searchLimit, String invite) {

  public static final int SEARCH_LIMIT = 20;

  public static final URI DEFAULT_SERVER = URI.create("http://127.0.0.1:8080");

  public static final String USAGE = String.join("\n",
      "usage: parley client [--server URL]                 the full-screen client",
      "       parley client [--server URL] --send ROOM TEXT  send one message; exit 0 once acknowledged",
      "       parley client [--server URL] --upload ROOM PATH share a file; exit 0 once it is stored",
      "       parley client [--server URL] --tail ROOM [--history N]",
      "                                                    print new messages as 'seq sender: text'",
      "       parley client [--server URL] --search QUERY [--limit N]",
      "                                                    print the messages of your rooms that match, newest first,",
      "                                                    one a line: room, seq, sender, time, text (tab-separated)",
      "",
      "       parley client [--server URL] --invite CODE     sign up with an admin's invitation (its code, or its link)",
      "",
      "  --server URL      default: the server used last, else " + DEFAULT_SERVER + " (remembered when given)",
      "  --timeout SECONDS how long --send waits for the acknowledgement (default 30)",
      "  --history N       --tail prints the messages among the room's last N entries first (1-200; default 0)",
      "  --limit N         --search prints at most N hits (1-1000; default " + SEARCH_LIMIT + ")",
      "  QUERY             words (all must match), \"a phrase\", -word, from:user, in:room, in:@user,",
      "                    before:/after:YYYY-MM-DD (that day included), has:file, has:link, is:mention, prefix*",
      "  ROOM              a room id, a room name, or @user for a DM",
      "Line mode uses the login the full-screen client kept (\"stay logged in\") for that server, or logs in as",
      "PARLEY_USERNAME with PARLEY_PASSWORD from the environment (and logs out at the end).");

  public boolean lineMode() {
    return sendRoom != null || tailRoom != null || uploadRoom != null || searchQuery != null;
  }

  /** Parses the arguments; an IllegalArgumentException says what is wrong. */
  public static ClientArgs parse(String... args) {
    URI server = null;
    String sendRoom = null;
    String sendText = null;
    String tailRoom = null;
    String uploadRoom = null;
    String uploadPath = null;
    Duration timeout = Duration.ofSeconds(30);
    int history = 0;
    String searchQuery = null;
    int searchLimit = 0;
    String invite = null;
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
        case "--upload":
          uploadRoom = value(args, ++i, "--upload");
          uploadPath = value(args, ++i, "--upload");
          break;
        case "--search":
          searchQuery = value(args, ++i, "--search");
          if (searchQuery.isBlank()) {
            throw new IllegalArgumentException("--search needs something to look for");
          }
          break;
        case "--limit":
          try {
            searchLimit = Integer.parseInt(value(args, ++i, "--limit"));
          } catch (NumberFormatException e) {
            searchLimit = -1;
          }
          if (searchLimit < 1 || searchLimit > 1000) {
            throw new IllegalArgumentException("--limit takes a number of hits from 1 to 1000");
          }
          break;
        case "--invite":
          invite = value(args, ++i, "--invite").replaceFirst("^.*#signup=", "");
          break;
        case "--timeout":
          try {
            timeout = Duration.ofSeconds(Long.parseLong(value(args, ++i, "--timeout")));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--timeout takes a number of seconds");
          }
          break;
        case "--history":
          try {
            history = Integer.parseInt(value(args, ++i, "--history"));
          } catch (NumberFormatException e) {
            history = -1;
          }
          if (history < 1 || history > 200) {
            throw new IllegalArgumentException("--history takes a number of entries from 1 to 200");
          }
          break;
        case "-h":
        case "--help":
          return new ClientArgs(null, null, null, null, timeout, 0, true, null, null, null, 0, null);
        default:
          throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    if ((sendRoom != null ? 1 : 0) + (tailRoom != null ? 1 : 0) + (uploadRoom != null ? 1 : 0)
        + (searchQuery != null ? 1 : 0) > 1) {
      throw new IllegalArgumentException("--send, --upload, --tail and --search do not go together");
    }
    if (history > 0 && tailRoom == null) {
      throw new IllegalArgumentException("--history goes with --tail");
    }
    if (searchLimit > 0 && searchQuery == null) {
      throw new IllegalArgumentException("--limit goes with --search");
    }
    return new ClientArgs(server, sendRoom, sendText, tailRoom, timeout, history, false, uploadRoom, uploadPath,
        searchQuery, searchLimit > 0 ? searchLimit : SEARCH_LIMIT, invite);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs " + (option.equals("--send") ? "ROOM and TEXT"
          : option.equals("--upload") ? "ROOM and PATH" : "a value"));
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
