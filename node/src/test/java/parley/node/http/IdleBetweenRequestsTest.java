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
import java.net.SocketTimeoutException;
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
import parley.node.testkit.ManualScheduler;

/**
 * The HTTP idle timeout on a real server with Pekko's own idle-timeout off, as a Parley node runs it. Time is the
 * test's (ManualScheduler): the stage's clock and timers move only when the test moves them, so "closed once idle"
 * and "not closed while in use" hold however slow the host is.
 */
@InMemory
class IdleBetweenRequestsTest {
  private static final Duration IDLE = Duration.ofMillis(500);
  /** Scheduler time moved at once while waiting for a close: a close may be seen up to a step late, never early. */
  private static final Duration STEP = Duration.ofMillis(50);
  private static final long TIMEOUT_S = 30;
  private static ActorSystem system;
  private static ManualScheduler time;
  private static ServerBinding binding;

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create("idle-test", ManualScheduler.CONFIG.withFallback(ConfigFactory.parseString(
            "pekko.actor.provider = local\n"
                + "pekko.coordinated-shutdown.exit-jvm = off\n"
                + "pekko.http.server.idle-timeout = infinite\n"
                + "pekko.http.server.websocket.periodic-keep-alive-max-idle = 200ms\n"))
        .withFallback(ConfigFactory.load()));
    time = new ManualScheduler(system);
    Route route = concat(
        path("hello", () -> complete("hi")),
        path("ws", () -> handleWebSocketMessages(Flow.<Message>create())));
    Flow<HttpRequest, HttpResponse, NotUsed> perConnection = Flow.of(HttpRequest.class)
        .via(new IdleBetweenRequests(IDLE, time.clock()))
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
  void aConnectionThatNeverSendsARequestIsClosedOnceIdle() throws Exception {
    try (Socket socket = connect()) {
      ManualScheduler.Waited<Boolean> closed = time.stepUntil("the server to close a silent connection", STEP,
          IDLE.multipliedBy(20), () -> eof(socket));
      assertIdleAtLeast(closed);
    }
  }

  @Test
  void aConnectionSilentForAlmostTheTimeoutIsStillServed() throws Exception {
    try (Socket socket = connect()) {
      time.timePasses(IDLE.minusMillis(1));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      hello(socket.getOutputStream(), in);
      ManualScheduler.Waited<Boolean> closed = time.stepUntil("the server to close the connection once idle", STEP,
          IDLE.multipliedBy(20), () -> eof(socket));
      assertIdleAtLeast(closed);
    }
  }

  @Test
  void aRequestHeadThatNeverFinishesIsClosedToo() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write("GET /hel".getBytes(StandardCharsets.US_ASCII));
      ManualScheduler.Waited<Boolean> closed = time.stepUntil("the server to close a connection with half a head",
          STEP, IDLE.multipliedBy(20), () -> eof(socket));
      assertIdleAtLeast(closed);
    }
  }

  @Test
  void aKeepAliveConnectionInUseStaysOpenAndClosesOnceIdle() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      // A request every half idle timeout, for three of them: each answer comes on the same connection.
      for (int i = 0; i < 6; i++) {
        if (i > 0) {
          time.timePasses(IDLE.dividedBy(2));
        }
        hello(out, in);
      }
      ManualScheduler.Waited<Boolean> closed = time.stepUntil("the server to close the connection once idle", STEP,
          IDLE.multipliedBy(20), () -> eof(socket));
      assertIdleAtLeast(closed);
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
    ManualScheduler.Waited<Boolean> pinged = time.stepUntil("five keep-alive pings", STEP, IDLE.multipliedBy(20),
        () -> pings.await(20, TimeUnit.MILLISECONDS) ? true : null);
    assertTrue(pinged.passed().compareTo(IDLE.multipliedBy(2)) >= 0, "pinged 5 times in " + pinged.passed());
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

  private static void hello(OutputStream out, BufferedReader in) throws IOException {
    out.write(("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    assertEquals("HTTP/1.1 200 OK", in.readLine());
    for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
      // headers
    }
    assertEquals('h', in.read());
    assertEquals('i', in.read());
  }

  /** True once the server has closed the connection; null while it is open (after a short wait for its bytes). */
  private static Boolean eof(Socket socket) throws IOException {
    socket.setSoTimeout(20);
    try {
      int b = socket.getInputStream().read();
      assertEquals(-1, b, "the server wrote where it should close without a word");
      return true;
    } catch (SocketTimeoutException open) {
      return null;
    } finally {
      socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
    }
  }

  private static void assertIdleAtLeast(ManualScheduler.Waited<?> closed) {
    assertTrue(closed.passed().compareTo(IDLE) >= 0, "closed after " + closed.passed().toMillis()
        + " ms of scheduler time without a request, before the idle timeout of " + IDLE.toMillis() + " ms");
  }
}
