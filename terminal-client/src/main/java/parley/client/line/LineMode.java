package parley.client.line;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import parley.client.ClientArgs;
import parley.client.core.ChatClient;
import parley.client.core.RoomState;
import parley.client.net.ApiException;
import parley.client.net.Backoff;
import parley.client.net.HttpParleyApi;
import parley.client.net.LinkStatus;
import parley.client.net.ParleyApi;
import parley.protocol.Credentials;
import parley.protocol.LoginResponse;
import parley.protocol.Message;
import parley.protocol.RoomSummary;

/**
 * The client without a screen, for scripts and tests: {@code --send ROOM TEXT} exits 0 once the message is
 * acknowledged (printing its seq); {@code --tail ROOM} prints each new message as {@code seq sender: text}, in seq
 * order, across reconnects. Both log in with {@code PARLEY_USERNAME} / {@code PARLEY_PASSWORD} and log out at the
 * end, so no token outlives the run. Status goes to stderr, messages to stdout.
 */
public final class LineMode {
  private final URI server;
  private final String username;
  private final String password;
  private final PrintStream out;
  private final PrintStream err;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Backoff backoff;

  public LineMode(URI server, String username, String password, PrintStream out, PrintStream err, Backoff backoff) {
    this.server = server;
    this.username = username;
    this.password = password;
    this.out = out;
    this.err = err;
    this.backoff = backoff;
  }

  public static LineMode fromEnvironment(URI server, Map<String, String> env, PrintStream out, PrintStream err) {
    return new LineMode(server, env.get("PARLEY_USERNAME"), env.get("PARLEY_PASSWORD"), out, err, Backoff.standard());
  }

  public int run(ClientArgs args) {
    if (username == null || password == null) {
      err.println("parley client: line mode logs in as PARLEY_USERNAME with PARLEY_PASSWORD; set both");
      return 2;
    }
    if (args.sendRoom() != null) {
      return send(args.sendRoom(), args.sendText(), args.timeout());
    }
    CompletableFuture<Void> forever = new CompletableFuture<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> forever.complete(null), "parley-tail-stop"));
    return tail(args.tailRoom(), forever);
  }

  /** Send one message; 0 once it is acknowledged, 1 if it is refused or not acknowledged in time. */
  public int send(String room, String text, Duration timeout) {
    try (LineSession session = open(room)) {
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
      err.println("parley client: no acknowledgement within " + timeout.toSeconds() + " s; is the server up?");
      return 1;
    } catch (ExecutionException e) {
      err.println("parley client: not sent: " + ApiException.of(e.getCause()).getMessage());
      return 1;
    } catch (ApiException e) {
      err.println("parley client: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** Print new messages of a room until {@code until} completes or the login ends; the exit status. */
  public int tail(String room, CompletableFuture<?> until) {
    try (LineSession session = open(room)) {
      String id = session.room().id();
      CompletableFuture<Integer> ended = new CompletableFuture<>();
      until.whenComplete((x, e) -> ended.complete(0));
      session.onClientThread(client -> {
        client.state().upsert(session.room());
        client.addListener(new Printer(client, id, ended));
        client.start();
      });
      return ended.get();
    } catch (ApiException e) {
      err.println("parley client: " + e.getMessage());
      return 1;
    } catch (ExecutionException e) {
      err.println("parley client: " + e.getCause().getMessage());
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
    private long printed = -1;
    private LinkStatus.State shown;

    Printer(ChatClient client, String roomId, CompletableFuture<Integer> ended) {
      this.client = client;
      this.roomId = roomId;
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
        printed = room.contiguous();
      }
      for (Message m : List.copyOf(room.entriesAfter(printed))) {
        if (m.seq() > room.contiguous()) {
          break;
        }
        if (Message.KIND_MESSAGE.equals(m.kind())) {
          out.println(m.seq() + " " + m.sender() + ": " + oneLine(m.text()));
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

  static String oneLine(String text) {
    return text == null ? "" : text.replace("\r", "").replace("\n", "\\n");
  }

  private LineSession open(String room) {
    ParleyApi anonymous = new HttpParleyApi(http, server);
    LoginResponse login;
    try {
      login = anonymous.login(new Credentials(username.toLowerCase(Locale.ROOT), password)).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw ApiException.of(e);
    }
    ParleyApi api = anonymous.withToken(login.token());
    LineSession session = new LineSession(http, server, login, api, backoff);
    try {
      session.room(resolve(api, room));
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** A room id, a room name the user is in, or {@code @user} for the DM with them. */
  static RoomSummary resolve(ParleyApi api, String room) {
    try {
      if (room.startsWith("@")) {
        var dm = api.openDm(room.substring(1)).join();
        return new RoomSummary(dm.id(), dm.name(), dm.kind(), dm.lastSeq(), 0, 0);
      }
      List<RoomSummary> mine = api.me().join().rooms();
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
    } catch (java.util.concurrent.CompletionException e) {
      throw ApiException.of(e);
    }
  }
}
