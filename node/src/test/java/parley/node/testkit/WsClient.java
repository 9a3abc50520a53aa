package parley.node.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import parley.protocol.Json;

/** A plain WebSocket client (java.net.http) that records every frame it gets and how the socket closed. */
public final class WsClient implements AutoCloseable {
  /** How long an await waits for a frame (15 s, dilated by the suite's time factor), and a count for many. */
  private static final Duration WAIT = Eventually.dilated(Duration.ofSeconds(15));
  private static final Duration LONG_WAIT = Eventually.dilated(Duration.ofSeconds(30));

  public record Closed(int code, String reason) {}

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final List<JsonNode> seen = new ArrayList<>();
  private final BitSet taken = new BitSet();
  public final CompletableFuture<Closed> closed = new CompletableFuture<>();
  public final WebSocket socket;

  private WsClient(WebSocket.Builder builder, URI uri) {
    this.socket = builder.buildAsync(uri, new Listener()).join();
  }

  public static WsClient connect(String httpBase, String token) {
    return new WsClient(HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token), wsUri(httpBase, ""));
  }

  /** With the handshake's {@code after} (where to resume each room), as given. */
  public static WsClient connectAfter(String httpBase, String token, String after) {
    return new WsClient(HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token),
        wsUri(httpBase, "?after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)));
  }

  public static WsClient connectWithTicket(String httpBase, String ticket) {
    return new WsClient(HTTP.newWebSocketBuilder(), wsUri(httpBase, "?ticket=" + ticket));
  }

  /** The handshake's HTTP status when it is refused. */
  public static int refusedStatus(String httpBase, String token) {
    return refusedStatus(httpBase, token, "");
  }

  /** The same, with a query on the handshake ({@code ?ticket=...}, {@code ?after=...}). */
  public static int refusedStatus(String httpBase, String token, String query) {
    try {
      WebSocket.Builder b = HTTP.newWebSocketBuilder();
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      b.buildAsync(wsUri(httpBase, query), new WebSocket.Listener() {}).join();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw e;
    }
  }

  private static URI wsUri(String httpBase, String query) {
    return URI.create(httpBase.replaceFirst("^http", "ws") + "/api/v1/ws" + query);
  }

  public void send(String json) {
    socket.sendText(json, true).join();
  }

  /** The first frame matching {@code p} not yet taken by an earlier await, waiting up to {@link #WAIT} for it. */
  public JsonNode await(Predicate<JsonNode> p) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (seen) {
      while (true) {
        for (int i = 0; i < seen.size(); i++) {
          if (!taken.get(i) && p.test(seen.get(i))) {
            taken.set(i);
            return seen.get(i);
          }
        }
        if (closed.isDone()) {
          // Nothing arrives after the close: waiting out the rest would only hide why.
          throw new AssertionError("no matching frame before the socket closed (" + closedHow() + "); "
              + seen.size() + " frames seen, the last: " + seen.subList(Math.max(0, seen.size() - 3), seen.size()));
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError("no matching frame within " + WAIT.toSeconds() + " s; " + seen.size() + " frames seen, the last: "
              + seen.subList(Math.max(0, seen.size() - 3), seen.size()));
        }
        try {
          seen.wait(left);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /**
   * Waits until at least {@code n} frames match {@code p}; returns how many do. Fails if the socket closes first, or
   * after {@link #LONG_WAIT}: a caller that expects the close uses {@link #awaitCountOrClose}.
   */
  public long awaitCount(Predicate<JsonNode> p, long n) {
    long count = awaitCountOrClose(p, n);
    if (count < n) {
      throw new AssertionError("only " + count + " of " + n + " matching frames before the socket closed: "
          + closedHow());
    }
    return count;
  }

  /**
   * Waits until at least {@code n} frames match {@code p} or the socket closes; returns how many match (fewer than
   * {@code n} only if it closed). Fails after {@link #LONG_WAIT}.
   */
  public long awaitCountOrClose(Predicate<JsonNode> p, long n) {
    long deadline = System.nanoTime() + LONG_WAIT.toNanos();
    synchronized (seen) {
      while (true) {
        long count = seen.stream().filter(p).count();
        if (count >= n || closed.isDone()) {
          return count;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError("only " + count + " of " + n + " matching frames within " + LONG_WAIT.toSeconds() + " s");
        }
        try {
          seen.wait(left);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private String closedHow() {
    return closed.handle((c, e) -> c != null ? c.toString() : String.valueOf(e)).getNow("open");
  }

  /** All frames so far, in arrival order. */
  public List<JsonNode> frames() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  /** The member a presence frame names as {@code username}; null if it names no such member or is no presence. */
  public static JsonNode presenceOf(JsonNode frame, String username) {
    if (!"presence".equals(frame.path("type").asText())) {
      return null;
    }
    for (JsonNode member : frame.path("members")) {
      if (username.equals(member.path("username").asText())) {
        return member;
      }
    }
    return null;
  }

  /** Waits for a presence frame that has {@code username} online (or offline); returns that member. */
  public JsonNode awaitPresence(String username, boolean online) {
    JsonNode frame = await(n -> {
      JsonNode member = presenceOf(n, username);
      return member != null && member.path("online").asBoolean() == online;
    });
    return presenceOf(frame, username);
  }

  public JsonNode awaitType(String type) {
    return await(n -> type.equals(n.path("type").asText()));
  }

  public Closed awaitClose() {
    try {
      return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + WAIT.toSeconds() + " s; seen: " + seen, e);
    }
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode n = Json.mapper().readTree(partial.toString());
          synchronized (seen) {
            seen.add(n);
            seen.notifyAll();
          }
        } catch (Exception e) {
          closed.completeExceptionally(e);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(new Closed(statusCode, reason));
      wake();
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      // The JDK's client reports a protocol violation as a bare ProtocolException whose cause says which one.
      closed.complete(new Closed(-1, error + (error.getCause() == null ? "" : " caused by " + error.getCause())));
      wake();
    }

    private void wake() {
      synchronized (seen) {
        seen.notifyAll();
      }
    }
  }
}
