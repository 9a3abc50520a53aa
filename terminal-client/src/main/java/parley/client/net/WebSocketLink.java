package parley.client.net;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import parley.protocol.ClientFrame;
import parley.protocol.Json;
import parley.protocol.ServerFrame;

/**
 * A {@link Link} on the JDK's WebSocket client. Each connection gets a generation number, and anything a stale
 * connection reports is ignored, so a late close from an old socket cannot disturb the new one. A connection
 * counts as up once the server's {@code hello} arrives; then the backoff starts over. Pings measure lag, and a
 * ping left unanswered past {@code pongTimeout} drops the connection (a dead peer that TCP has not noticed).
 *
 * <p>All fields are touched only on the client's thread ({@link Scheduler}); the JDK's callbacks hop onto it.
 */
public final class WebSocketLink implements Link {

  /** Ping cadence, how long a ping may go unanswered, and how long an opening handshake may take. */
  public record Settings(Duration pingEvery, Duration pongTimeout, Duration connectTimeout) {
    public static Settings standard() {
      return new Settings(Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofSeconds(10));
    }
  }

  private static final int LOGGED_OUT_CLOSE = 4001;

  private final HttpClient http;
  private final URI endpoint;
  private final String token;
  private final Scheduler scheduler;
  private final Backoff backoff;
  private final Settings settings;
  private final Clock clock;

  private LinkListener listener;
  private Connection current;
  private int generation;
  private boolean closed;
  private boolean everOnline;
  private Duration lag;
  private Instant pingSentAt;
  private Scheduler.Cancellable pingTimer;
  private Scheduler.Cancellable retryTimer;

  public WebSocketLink(
      HttpClient http, URI server, String token, Scheduler scheduler, Backoff backoff, Settings settings, Clock clock) {
    this.http = http;
    this.endpoint = webSocketUri(server);
    this.token = token;
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.settings = settings;
    this.clock = clock;
  }

  /** {@code http://host:port} becomes {@code ws://host:port/api/v1/ws} (and https, wss). */
  static URI webSocketUri(URI server) {
    String scheme = "https".equalsIgnoreCase(server.getScheme()) ? "wss" : "ws";
    return URI.create(scheme + "://" + server.getRawAuthority() + "/api/v1/ws");
  }

  /** The handshake's {@code ?after=<room>:<seq>,...} (protocol.md, Resuming). */
  static URI withResumePoints(URI endpoint, Map<String, Long> points) {
    if (points.isEmpty()) {
      return endpoint;
    }
    StringBuilder after = new StringBuilder();
    new TreeMap<>(points).forEach((room, seq) ->
        after.append(after.length() == 0 ? "" : ",").append(room).append(':').append(seq));
    return URI.create(endpoint + "?after="
        + URLEncoder.encode(after.toString(), StandardCharsets.UTF_8));
  }

  @Override
  public void open(LinkListener listener) {
    this.listener = listener;
    publish(LinkStatus.connecting());
    connect();
  }

  @Override
  public boolean send(ClientFrame frame) {
    if (current == null || closed) {
      return false;
    }
    current.send(encode(frame));
    return true;
  }

  @Override
  public void drop() {
    if (current != null) {
      current.socket.abort();
      dropped(current.generation, "connection dropped");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    cancelTimers();
    if (current != null) {
      current.close();
      current = null;
    }
    publish(new LinkStatus(LinkStatus.State.CLOSED, null, null, 0, null));
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  private void connect() {
    if (closed) {
      return;
    }
    int gen = ++generation;
    http.newWebSocketBuilder()
        .connectTimeout(settings.connectTimeout())
        .header("Authorization", "Bearer " + token)
        .buildAsync(withResumePoints(endpoint, listener.resumePoints()), new Receiver(gen))
        .whenComplete((socket, failure) -> {
          if (failure != null) {
            scheduler.execute(() -> failedToConnect(gen, failure));
          }
        });
  }

  private void opened(int gen, WebSocket socket) {
    if (gen != generation || closed) {
      socket.abort();
      return;
    }
    current = new Connection(gen, socket);
  }

  private void failedToConnect(int gen, Throwable failure) {
    if (gen != generation || closed || current != null) {
      return;
    }
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof WebSocketHandshakeException handshake && handshake.getResponse().statusCode() == 401) {
      loggedOut("the server no longer accepts this login");
      return;
    }
    retry(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
  }

  private void received(int gen, ServerFrame frame) {
    if (closed || current == null || current.generation != gen) {
      return; // a frame from a connection already given up on
    }
    if (frame instanceof ServerFrame.Pong) {
      if (pingSentAt != null) {
        lag = Duration.between(pingSentAt, clock.instant());
        pingSentAt = null;
        publish(new LinkStatus(LinkStatus.State.ONLINE, lag, null, 0, null));
      }
      return;
    }
    if (frame instanceof ServerFrame.Hello) {
      backoff.reset();
      everOnline = true;
      publish(new LinkStatus(LinkStatus.State.ONLINE, lag, null, 0, null));
      ping(gen);
    }
    listener.onFrame(frame);
  }

  private void dropped(int gen, String reason) {
    if (closed || current == null || current.generation != gen) {
      return;
    }
    current = null;
    cancelTimers();
    retry(reason);
  }

  private void closedByServer(int gen, int code, String reason) {
    if (closed || current == null || current.generation != gen) {
      return;
    }
    if (code == LOGGED_OUT_CLOSE) {
      current = null;
      loggedOut(reason == null || reason.isBlank() ? "logged out" : reason);
      return;
    }
    dropped(gen, "closed by the server (" + code + (reason == null || reason.isBlank() ? "" : ": " + reason) + ")");
  }

  private void retry(String reason) {
    cancelTimers();
    lag = null;
    pingSentAt = null;
    Duration delay = backoff.next();
    publish(new LinkStatus(
        everOnline ? LinkStatus.State.RECONNECTING : LinkStatus.State.CONNECTING,
        null,
        clock.instant().plus(delay),
        backoff.attempts(),
        reason));
    retryTimer = scheduler.schedule(delay, this::connect);
  }

  private void loggedOut(String reason) {
    closed = true;
    cancelTimers();
    publish(new LinkStatus(LinkStatus.State.LOGGED_OUT, null, null, 0, reason));
  }

  // ---------------------------------------------------------------------------------------------- pings

  private void ping(int gen) {
    if (gen != generation || current == null || closed) {
      return;
    }
    Instant now = clock.instant();
    if (pingSentAt != null) {
      if (Duration.between(pingSentAt, now).compareTo(settings.pongTimeout()) >= 0) {
        current.socket.abort();
        dropped(gen, "no answer to ping for " + settings.pongTimeout().toSeconds() + " s");
        return;
      }
    } else {
      pingSentAt = now;
      current.send(encode(new ClientFrame.Ping()));
    }
    if (pingTimer != null) {
      pingTimer.cancel();
    }
    pingTimer = scheduler.schedule(settings.pingEvery(), () -> ping(gen));
  }

  private void cancelTimers() {
    if (pingTimer != null) {
      pingTimer.cancel();
      pingTimer = null;
    }
    if (retryTimer != null) {
      retryTimer.cancel();
      retryTimer = null;
    }
  }

  private void publish(LinkStatus status) {
    if (listener != null) {
      listener.onStatus(status);
    }
  }

  private static String encode(ClientFrame frame) {
    try {
      return Json.mapper().writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------- one socket

  /** One open socket. The JDK allows one outstanding send per socket, so sends are chained. */
  private final class Connection {
    final int generation;
    final WebSocket socket;
    CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    Connection(int generation, WebSocket socket) {
      this.generation = generation;
      this.socket = socket;
    }

    void send(String text) {
      sending = sending.thenCompose(ignored -> socket.sendText(text, true)).whenComplete((ok, failure) -> {
        if (failure != null) {
          socket.abort();
          scheduler.execute(() -> dropped(generation, "send failed"));
        }
      });
    }

    void close() {
      sending.thenCompose(ignored -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye"))
          .orTimeout(2, TimeUnit.SECONDS)
          .whenComplete((ok, failure) -> socket.abort());
    }
  }

  /** The JDK's callbacks for one connection: whole text messages are decoded and handed to the client thread. */
  private final class Receiver implements WebSocket.Listener {
    private final int generation;
    private final StringBuilder partial = new StringBuilder();

    Receiver(int generation) {
      this.generation = generation;
    }

    @Override
    public void onOpen(WebSocket socket) {
      scheduler.execute(() -> opened(generation, socket));
      socket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        ServerFrame frame = decode(text);
        if (frame != null) {
          scheduler.execute(() -> received(generation, frame));
        }
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
      scheduler.execute(() -> closedByServer(generation, code, reason));
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      scheduler.execute(() -> dropped(generation, error.getMessage() == null ? "connection lost" : error.getMessage()));
    }

    private ServerFrame decode(String text) {
      try {
        return Json.mapper().readValue(text, ServerFrame.class);
      } catch (JsonProcessingException e) {
        return null; // a frame type from a newer server, or garbage: neither changes what we know
      }
    }
  }
}
