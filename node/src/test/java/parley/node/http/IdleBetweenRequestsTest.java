package parley.node.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.handleWebSocketMessages;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;

/** The HTTP idle timeout on a real server with Pekko's own idle-timeout off, as a Parley node runs it. */
@InMemory
class IdleBetweenRequestsTest {
  private static final Duration IDLE = Duration.ofMillis(500);
  private static final long TIMEOUT_S = 10;
  private static ActorSystem system;
  private static ServerBinding binding;

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create("idle-test", ConfigFactory.parseString(
            "pekko.actor.provider = local\n"
                + "pekko.coordinated-shutdown.exit-jvm = off\n"
                + "pekko.http.server.idle-timeout = infinite\n"
                + "pekko.http.server.websocket.periodic-keep-alive-max-idle = 200ms\n")
        .withFallback(ConfigFactory.load()));
    Route route = concat(
        path("hello", () -> complete("hi")),
        path("ws", () -> handleWebSocketMessages(Flow.<Message>create())));
    Flow<HttpRequest, HttpResponse, NotUsed> perConnection = Flow.of(HttpRequest.class)
        .via(new IdleBetweenRequests(IDLE))
        .via(route.flow(system));
    binding = Http.get(system).newServerAt("127.0.0.1", 0).bindFlow(perConnection)
        .toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (binding != null) {
      binding.unbind().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    }
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  @Test
  void aConnectionThatNeverSendsARequestIsClosed() throws Exception {
    try (Socket socket = connect()) {
      long openedAt = System.nanoTime();
      assertEquals(-1, socket.getInputStream().read(), "the server closes without a word");
      assertClosedAfterIdle(openedAt);
    }
  }

  @Test
  void aRequestHeadThatNeverFinishesIsClosedToo() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write("GET /hel".getBytes(StandardCharsets.US_ASCII));
      long sentAt = System.nanoTime();
      assertEquals(-1, socket.getInputStream().read());
      assertClosedAfterIdle(sentAt);
    }
  }

  @Test
  void aKeepAliveConnectionInUseStaysOpenAndClosesOnceIdle() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      long firstAt = System.nanoTime();
      long lastAt = firstAt;
      // Requests back to back for three idle timeouts: each answer comes on the same connection.
      int answered = 0;
      while (System.nanoTime() - firstAt < 3 * IDLE.toNanos()) {
        out.write(("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertEquals("HTTP/1.1 200 OK", in.readLine());
        skipToBody(in);
        assertEquals('h', in.read());
        assertEquals('i', in.read());
        lastAt = System.nanoTime();
        answered++;
      }
      assertTrue(answered > 3, "answered " + answered);
      assertEquals(-1, in.read(), "closed once idle");
      assertClosedAfterIdle(lastAt);
    }
  }

  @Test
  void aWebSocketOutlivesTheIdleTimeout() throws Exception {
    CountDownLatch pings = new CountDownLatch(5); // 5 keep-alive intervals of 200 ms: twice the idle timeout
    CompletableFuture<String> echo = new CompletableFuture<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    int port = binding.localAddress().getPort();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onPing(WebSocket w, ByteBuffer message) {
            pings.countDown();
            w.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            echo.complete(data.toString());
            w.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
          }
        })
        .get(TIMEOUT_S, TimeUnit.SECONDS);
    assertTrue(pings.await(TIMEOUT_S, TimeUnit.SECONDS), "keep-alive pings");
    assertFalse(closed.isDone(), "the server closed the WebSocket");
    ws.sendText("still here", true).get(TIMEOUT_S, TimeUnit.SECONDS);
    assertEquals("still here", echo.get(TIMEOUT_S, TimeUnit.SECONDS));
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", binding.localAddress().getPort());
    socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
    return socket;
  }

  private static void skipToBody(BufferedReader in) throws IOException {
    for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
      // headers
    }
  }

  private static void assertClosedAfterIdle(long sinceNanos) {
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    assertTrue(ms >= IDLE.toMillis() - 50 && ms < IDLE.toMillis() + 2000, "closed after " + ms + " ms");
  }
}
