package parley.client.line;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import parley.client.ClientArgs;
import parley.client.ClientConfig;
import parley.client.core.ChatClient;
import parley.client.core.RoomState;
import parley.client.core.SafeText;
import parley.client.net.ApiException;
import parley.client.net.Backoff;
import parley.client.net.HttpParleyApi;
import parley.client.net.LinkStatus;
import parley.client.net.ParleyApi;
import parley.protocol.Credentials;
import parley.protocol.Limits;
import parley.protocol.LoginResponse;
import parley.protocol.Message;
import parley.protocol.RoomSummary;

/**
 * The client without a screen, for scripts and tests: {@code --send ROOM TEXT} exits 0 once the message is
 * acknowledged (printing its seq); {@code --tail ROOM} prints each new message as {@code seq sender: text}, in seq
 * order, across reconnects ({@code --history N} first prints the messages among the room's last N entries);
 * {@code --search QUERY} prints the messages of the user's rooms that match ({@link LineSearch}). All use
 * the login the full-screen client kept for the server, or log in with {@code PARLEY_USERNAME} /
 * {@code PARLEY_PASSWORD} and log out at the end, so no token of theirs outlives the run. Status goes to stderr,
 * messages to stdout, each message's text made harmless to the terminal ({@link SafeText}).
 */
public final class LineMode {
  private final URI server;
  private final String username;
  private final String password;
  private final ClientConfig.SavedLogin saved;
  private final PrintStream out;
  private final PrintStream err;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Backoff backoff;
  /** Where {@code server} came from and how to change it, for the messages that name it; empty if it was given. */
  private final String serverSource;

  public LineMode(URI server, String username, String password, ClientConfig.SavedLogin saved, PrintStream out,
      PrintStream err, Backoff backoff) {
    this(server, username, password, saved, out, err, backoff, "");
  }

  LineMode(URI server, String username, String password, ClientConfig.SavedLogin saved, PrintStream out,
      PrintStream err, Backoff backoff, String serverSource) {
    this.server = server;
    this.username = username;
    this.password = password;
    this.saved = saved;
    this.out = out;
    this.err = err;
    this.backoff = backoff;
    this.serverSource = serverSource;
  }

  /** Credentials from the environment if set, else the login the full-screen client kept for {@code server}. */
  public static LineMode fromEnvironment(
      URI server, Map<String, String> env, ClientConfig config, PrintStream out, PrintStream err) {
    return new LineMode(server, env.get("PARLEY_USERNAME"), env.get("PARLEY_PASSWORD"),
        config.savedLogin(server).orElse(null), out, err, Backoff.standard(), serverSource(server, config));
  }

  /**
   * Where the server a run uses came from, when it was not given with {@code --server} (the settings file, holding an
   * earlier run's {@code --server}, or the default) and how to change it; empty if it was given.
   */
  static String serverSource(URI server, ClientConfig config) {
    if (config.server().map(server::equals).orElse(false)) {
      return server + " is the server saved in " + config.file() + " by an earlier run: give another with --server URL,"
          + " or edit or delete that file";
    }
    if (config.server().isEmpty() && ClientArgs.DEFAULT_SERVER.equals(server)) {
      return server + " is the default server: start a node there with ./parley node, or give another with"
          + " --server URL";
    }
    return "";
  }

  /** The line that says where the server came from, after a message that names it; nothing if it was given. */
  private String sourceLine() {
    return serverSource.isEmpty() ? "" : System.lineSeparator() + "parley client: " + serverSource;
  }

  public int run(ClientArgs args) {
    if ((username == null || password == null) && saved == null) {
      err.println("parley client: no login for " + server + ": log in with ./parley client (choose to stay logged in),"
          + " or set PARLEY_USERNAME and PARLEY_PASSWORD" + sourceLine());
      return 2;
    }
    if (args.sendRoom() != null) {
      return send(args.sendRoom(), args.sendText(), args.timeout());
    }
    if (args.uploadRoom() != null) {
      return upload(args.uploadRoom(), Path.of(args.uploadPath()));
    }
    if (args.searchQuery() != null) {
      return search(args.searchQuery(), args.searchLimit());
    }
    CompletableFuture<Void> forever = new CompletableFuture<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> forever.complete(null), "parley-tail-stop"));
    return tail(args.tailRoom(), args.history(), forever);
  }

  /** What went wrong, naming the server, and where its address came from, when it could not be reached. */
  private String why(ApiException e) {
    return ApiException.UNREACHABLE.equals(e.code())
        ? "cannot reach " + server + ": " + e.getMessage() + sourceLine() : e.getMessage();
  }

  /** Send one message; 0 once it is acknowledged, 1 if it is refused or not acknowledged in time. */
  public int send(String room, String text, Duration timeout) {
    return reported("not sent: ", () -> {
      try (LineSession session = open(room, 0)) {
        CompletableFuture<Message> acked = new CompletableFuture<>();
        session.onClientThread(client -> {
          client.state().upsert(session.room());
          client.send(session.room().id(), text).whenComplete((m, e) -> {
            if (e != null) {
              acked.completeExceptionally(e);
            } else {
              acked.complete(m);
            }
          });
          client.start();
        });
        Message stored = acked.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        out.println(stored == null ? "sent" : String.valueOf(stored.seq()));
        return 0;
      } catch (TimeoutException e) {
        err.println("parley client: no acknowledgement from " + server + " within " + timeout.toSeconds()
            + " s; is it up?" + sourceLine());
        return 1;
      }
    });
  }

  /** Share one file; 0 once it is stored (prints its seq and file id), 1 if it is refused. */
  public int upload(String room, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      err.println("parley client: cannot read " + file);
      return 1;
    }
    return reported("not shared: ", () -> {
      try (LineSession session = open(room, 0)) {
        Message stored = session.api().upload(session.room().id(), file, UUID.randomUUID().toString(),
            sent -> { }).get();
        out.println(stored.seq() + " " + stored.file().id());
        return 0;
      }
    });
  }

  /**
   * Print the messages of the user's rooms that match {@code query}, newest first, at most {@code limit}: 0 once
   * printed (none found is an answer too), 1 with the server's reason if it refuses the query.
   */
  public int search(String query, int limit) {
    return reported("not searched: ", () -> {
      Login login = login();
      try {
        return new LineSearch(login.api(), login.user(), out, err).print(query, limit);
      } finally {
        login.end();
      }
    });
  }

  /** Print new messages of a room until {@code until} completes or the login ends; the exit status. */
  public int tail(String room, int history, CompletableFuture<?> until) {
    return reported("", () -> {
      try (LineSession session = open(room, history)) {
        String id = session.room().id();
        CompletableFuture<Integer> ended = new CompletableFuture<>();
        until.whenComplete((x, e) -> ended.complete(0));
        session.onClientThread(client -> {
          client.state().upsert(session.room());
          client.addListener(new Printer(client, id, history > 0, ended));
          client.start();
        });
        return ended.get();
      }
    });
  }

  /** A run's work, up to its exit status; what can go wrong while it waits on the server is thrown. */
  private interface Run {
    int call() throws ExecutionException, InterruptedException;
  }

  /**
   * The exit status of {@code run}, or 1 with the reason on stderr if it failed: a refusal or an unreachable server
   * (an {@link ExecutionException}'s reason after {@code failed}, e.g. "not sent: "), or an interrupt.
   */
  private int reported(String failed, Run run) {
    try {
      return run.call();
    } catch (ExecutionException e) {
      err.println("parley client: " + failed + why(ApiException.of(e.getCause())));
      return 1;
    } catch (ApiException e) {
      err.println("parley client: " + why(e));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** Prints a room's entries as they become gap-free, and the link's state changes on stderr. */
  private final class Printer implements ChatClient.Listener {
    private final ChatClient client;
    private final String roomId;
    private final CompletableFuture<Integer> ended;
    private final boolean withHistory;
    private long printed = -1;
    private LinkStatus.State shown;

    Printer(ChatClient client, String roomId, boolean withHistory, CompletableFuture<Integer> ended) {
      this.client = client;
      this.roomId = roomId;
      this.withHistory = withHistory;
      this.ended = ended;
    }

    @Override
    public void onChange() {
      LinkStatus link = client.state().link();
      if (link.state() != shown) {
        shown = link.state();
        report(link);
      }
      RoomState room = client.state().room(roomId).orElse(null);
      if (room == null || !room.loaded()) {
        return;
      }
      if (printed < 0) {
        printed = withHistory ? room.floor() - 1 : room.contiguous();
      }
      for (Message m : List.copyOf(room.entriesAfter(printed))) {
        if (m.seq() > room.contiguous()) {
          break;
        }
        if (Message.KIND_MESSAGE.equals(m.kind())) {
          out.println(m.seq() + " " + m.sender() + ": " + oneLine(m.text()));
        } else if (Message.KIND_FILE.equals(m.kind()) && m.file() != null) {
          out.println(m.seq() + " " + m.sender() + ": [file] " + oneLine(m.file().name()) + " ("
              + m.file().size() + " bytes, " + oneLine(m.file().contentType()) + ", id " + m.file().id() + ")");
        }
        printed = m.seq();
      }
      out.flush();
    }

    private void report(LinkStatus link) {
      switch (link.state()) {
        case ONLINE:
          err.println("parley: following " + roomId + " on " + server);
          break;
        case RECONNECTING:
          err.println("parley: connection lost (" + link.detail() + "); reconnecting");
          break;
        case LOGGED_OUT:
          err.println("parley: logged out (" + link.detail() + ")");
          ended.complete(1);
          break;
        default:
          break;
      }
    }
  }

  /** Another user's text, on one line and unable to drive the terminal it is printed on. */
  static String oneLine(String text) {
    return SafeText.oneLine(text);
  }

  /** The run's login: {@code own} if made for the run (then {@link #end} logs it out), else the kept one. */
  private record Login(ParleyApi api, String user, String token, boolean own) {
    void end() {
      if (own) {
        try {
          api.logout().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
          // the token expires on its own; nothing else to do
        }
      }
    }
  }

  private Login login() {
    ParleyApi anonymous = new HttpParleyApi(http, server);
    if (username != null && password != null) {
      LoginResponse login = joined(anonymous.login(new Credentials(username.toLowerCase(Locale.ROOT), password)));
      return new Login(anonymous.withToken(login.token()), login.username(), login.token(), true);
    }
    return new Login(anonymous.withToken(saved.token()), saved.username(), saved.token(), false);
  }

  private LineSession open(String room, int history) {
    Login login = login();
    ChatClient.Options options = history > 0
        ? new ChatClient.Options(history, Limits.PAGE_MAX, Duration.ofSeconds(2))
        : ChatClient.Options.lineMode();
    LineSession session = new LineSession(http, server, login.user(), login.token(), login.own(), login.api(), backoff,
        options);
    try {
      session.room(resolve(login.api(), room));
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** A room id, a room name the user is in, or {@code @user} for the DM with them. */
  static RoomSummary resolve(ParleyApi api, String room) {
    if (room.startsWith("@")) {
      var dm = joined(api.openDm(room.substring(1)));
      return new RoomSummary(dm.id(), dm.name(), dm.kind(), dm.lastSeq(), 0, 0);
    }
    List<RoomSummary> mine = joined(api.me()).rooms();
    List<RoomSummary> matches = mine.stream().filter(r -> r.id().equals(room)).toList();
    if (matches.isEmpty()) {
      matches = mine.stream().filter(r -> r.name().equalsIgnoreCase(room)).toList();
    }
    if (matches.size() != 1) {
      throw new ApiException(404, "no_such_room", matches.isEmpty()
          ? "you are in no room with the id or name " + room
          : matches.size() + " of your rooms are called " + room + "; give its id");
    }
    return matches.get(0);
  }

  /** A call's answer, waited for; its failure as the {@link ApiException} that {@link #reported} tells. */
  private static <T> T joined(CompletableFuture<T> call) {
    try {
      return call.join();
    } catch (CompletionException e) {
      throw ApiException.of(e);
    }
  }
}
