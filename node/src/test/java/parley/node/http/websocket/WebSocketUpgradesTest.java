package parley.node.http.websocket;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractWebSocketUpgrade;
import static org.apache.pekko.http.javadsl.server.Directives.parameter;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import parley.node.delivery.PreparedText;
import parley.node.testkit.RawFrame;
import parley.node.testkit.InMemory;
import parley.node.testkit.ManualScheduler;

@InMemory
class WebSocketUpgradesTest {

    private static final long TIMEOUT_S = 30;
    /**
     * Time is the test's (ManualScheduler): keep-alive pings, the silence timeout and the close handshake's ticks
     * happen when it moves time, STEP at a time while it waits for one, never because the host was slow.
     */
    private static ManualScheduler time;
    private static final Duration STEP = Duration.ofMillis(50);
    private static final int MAX = 64 * 1024;

    private static ActorSystem system;
    private static ServerBinding binding;
    /** Second server whose WebSocket settings come only from withSettings (not config). */
    private static ServerBinding customBinding;
    /** Third server: silence timeout SILENCE, keep-alive pings every PING. */
    private static ServerBinding silentBinding;
    private static final Duration SILENCE = Duration.ofMillis(500);
    private static final Duration PING = Duration.ofMillis(200);
    /** Per connection id (query parameter) on silentBinding: how the handler's inbound stream ended. */
    private static final Map<String, CompletableFuture<String>> inboundEnds = new ConcurrentHashMap<>();
    private static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        system = ActorSystem.create("ws-test", ManualScheduler.CONFIG.withFallback(ConfigFactory.parseString(
            "pekko.loglevel = INFO\n"
                + "pekko.actor.provider = local\n"
                + "pekko.coordinated-shutdown.exit-jvm = off\n"
                + "pekko.http.server.websocket.periodic-keep-alive-max-idle = 300ms\n"))
            .withFallback(ConfigFactory.load()));
        time = new ManualScheduler(system);

        // Echo handler: "bye" -> Close(4001), "end" -> complete (1000), "boom" -> fail (1011); "burst:N" -> N
        // elements, prepared and plain text and binary in turn, then Close(4002); "streamed" -> a streamed message.
        Flow<Message, Object, NotUsed> handler = Flow.<Message>create()
            .flatMapConcat(m -> m.asTextMessage().getStreamedText().fold("", String::concat))
            .takeWhile(t -> !"end".equals(t))
            .mapConcat(t -> {
                if ("bye".equals(t)) {
                    return List.of(new WebSocketUpgrades.Close(4001, "logged out"));
                }
                if ("boom".equals(t)) {
                    throw new IllegalStateException("boom");
                }
                if (t.startsWith("burst:")) {
                    List<Object> out = new ArrayList<>();
                    for (int i = 0, n = Integer.parseInt(t.substring(6)); i < n; i++) {
                        out.add(switch (i % 3) {
                            case 0 -> PreparedText.of("prepared " + i + " é");
                            case 1 -> TextMessage.create("plain " + i);
                            default -> BinaryMessage.create(ByteString.fromString("binary " + i));
                        });
                    }
                    out.add(new WebSocketUpgrades.Close(4002, "burst done"));
                    return out;
                }
                if ("streamed".equals(t)) {
                    return List.of(TextMessage.create(Source.single("a streamed message")));
                }
                return List.of(TextMessage.create(t.length() > 100 ? "echo-len:" + t.length() : "echo:" + t));
            });
        Route route = path("ws", () ->
            extractWebSocketUpgrade(up -> complete(WebSocketUpgrades.handle(up, handler, MAX, null, time.clock()))));
        binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(route)
            .toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);

        ServerSettings base = ServerSettings.create(system);
        ServerSettings custom = base.withWebsocketSettings(base.getWebsocketSettings()
            .withPeriodicKeepAliveData(() -> ByteString.fromString("custom-ping")));
        customBinding = Http.get(system).newServerAt("127.0.0.1", 0).withSettings(custom).bind(route)
            .toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);

        Route silentRoute = path("ws", () -> parameter("id", id -> extractWebSocketUpgrade(up -> {
            CompletableFuture<String> inboundEnd = inboundEnd(id);
            Flow<Message, Message, NotUsed> watched = Flow.<Message>create().watchTermination((mat, done) -> {
                done.whenComplete((d, e) -> inboundEnd.complete(e == null ? "completed" : "failed: " + e));
                return mat;
            });
            return complete(WebSocketUpgrades.handle(up, watched.via(handler), MAX, SILENCE, time.clock()));
        })));
        ServerSettings silent =
            base.withWebsocketSettings(base.getWebsocketSettings().withPeriodicKeepAliveMaxIdle(PING));
        silentBinding = Http.get(system).newServerAt("127.0.0.1", 0).withSettings(silent).bind(silentRoute)
            .toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private static CompletableFuture<String> inboundEnd(String id) {
        return inboundEnds.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServerBinding b : new ServerBinding[] {binding, customBinding, silentBinding}) {
            if (b != null) {
                b.unbind().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    record Closed(int code, String reason) {}

    static final class Recorder implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Closed> closed = new CompletableFuture<>();
        final CompletableFuture<String> pinged = new CompletableFuture<>();
        final AtomicInteger pings = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            return collect(ws, data, last);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            return collect(ws, "[binary] " + StandardCharsets.UTF_8.decode(data), last);
        }

        private CompletionStage<?> collect(WebSocket ws, CharSequence part, boolean last) {
            partial.append(part);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            pinged.complete(StandardCharsets.UTF_8.decode(message).toString());
            pings.incrementAndGet();
            ws.request(1);
            return null; // the JDK client answers with a pong automatically
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null; // JDK client then replies with its close frame
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
            pinged.completeExceptionally(error);
        }

        String nextText() throws InterruptedException {
            String t = texts.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertNotNull(t, "no text message within timeout");
            return t;
        }

        Closed awaitClose() throws Exception {
            return closed.get(TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    private static WebSocket connect(Recorder rec) throws Exception {
        return connect(binding, rec);
    }

    private static WebSocket connect(ServerBinding b, Recorder rec) throws Exception {
        return connect(b, "/ws", rec);
    }

    private static WebSocket connect(ServerBinding b, String pathAndQuery, Recorder rec) throws Exception {
        int port = b.localAddress().getPort();
        return client.newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), rec)
            .get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private static void send(WebSocket ws, String text) throws Exception {
        ws.sendText(text, true).get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    @Test
    void echoThenServerClosesWithCustomCodeAndReason() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(rec);
        send(ws, "hello");
        assertEquals("echo:hello", rec.nextText());
        // back-to-back: the echo of "a" must still go out before the close frame
        send(ws, "a");
        send(ws, "bye");
        assertEquals("echo:a", rec.nextText());
        assertEquals(new Closed(4001, "logged out"), rec.awaitClose());
        assertEquals(0, rec.texts.size());
    }

    @Test
    void preparedAndPlainMessagesGoOutInTheHandlersOrderAndAllBeforeItsClose() throws Exception {
        // Prepared texts and strict messages are rendered above messageAPI and the close comes through it: the close
        // must still wait for every frame the handler emitted before it.
        Recorder rec = new Recorder();
        WebSocket ws = connect(rec);
        send(ws, "burst:300");
        for (int i = 0; i < 300; i++) {
            String expected = switch (i % 3) {
                case 0 -> "prepared " + i + " é";
                case 1 -> "plain " + i;
                default -> "[binary] binary " + i;
            };
            assertEquals(expected, rec.nextText());
        }
        assertEquals(new Closed(4002, "burst done"), rec.awaitClose());
        assertEquals(0, rec.texts.size());
    }

    @Test
    void aStreamedOutboundMessageFailsTheHandlerWith1011AfterWhatCameBefore() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(rec);
        send(ws, "first");
        send(ws, "streamed");
        assertEquals("echo:first", rec.nextText());
        assertEquals(1011, rec.awaitClose().code());
        assertEquals(0, rec.texts.size());
    }

    @Test
    void clientInitiatedCloseStillWorks() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(rec);
        send(ws, "hi");
        assertEquals("echo:hi", rec.nextText());
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "client done").get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(new Closed(1000, "client done"), rec.awaitClose()); // pekko echoes the peer's close
    }

    @Test
    void serverPingsWithKeepAliveAndCloseStillWorksAfterwards() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(rec);
        assertEquals("", stepUntilPinged(rec)); // pekko's default empty keep-alive ping
        send(ws, "x");
        assertEquals("echo:x", rec.nextText());
        send(ws, "bye");
        assertEquals(new Closed(4001, "logged out"), rec.awaitClose());
    }

    @Test
    void aPeerThatKeepsTalkingIsNotPingedAndOneThatStopsIs() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(silentBinding, "/ws?id=keeps-talking", rec);
        // Five keep-alive periods of round trips, one every half period: the peer is never idle for one, so no ping.
        // An echo comes back only after its message passed the keep-alive on the way up, so each round trip is done
        // with before time moves again.
        for (int n = 0; n < 10; n++) {
            time.timePasses(PING.dividedBy(2));
            send(ws, "m" + n);
            assertEquals("echo:m" + n, rec.nextText());
        }
        assertEquals(0, rec.pings.get(), "pinged a peer that sent a message every half keep-alive period");
        long quietFrom = time.nowMillis();
        assertEquals("", stepUntilPinged(rec)); // quiet now: pinged
        assertTrue(time.nowMillis() - quietFrom >= PING.toMillis(), "pinged after "
            + (time.nowMillis() - quietFrom) + " ms of quiet, less than the keep-alive period");
        send(ws, "bye");
        assertEquals(new Closed(4001, "logged out"), rec.awaitClose());
    }

    @Test
    void usesTheBindingsOwnWebSocketSettings() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(customBinding, rec);
        assertEquals("custom-ping", stepUntilPinged(rec));
        send(ws, "bye");
        assertEquals(new Closed(4001, "logged out"), rec.awaitClose());
    }

    @Test
    void tooBigTextMessageClosesWith1009() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(rec);
        send(ws, "é".repeat(MAX / 2)); // exactly 64 KiB of UTF-8: allowed
        assertEquals("echo-len:" + (MAX / 2), rec.nextText());
        send(ws, "é".repeat(MAX / 2) + "x"); // 64 KiB + 1 byte: rejected
        assertEquals(new Closed(1009, "frame too big"), rec.awaitClose());
        assertEquals(0, rec.texts.size());
    }

    @Test
    void wholeAndFragmentedMessagesReachTheHandlerInTheOrderSent() throws Exception {
        // Whole messages skip messageAPI, fragmented ones go through it: the handler must still see the order sent.
        Recorder rec = new Recorder();
        WebSocket ws = connect(rec);
        send(ws, "a");
        ws.sendText("fr", false).get(TIMEOUT_S, TimeUnit.SECONDS);
        ws.sendText("ag", true).get(TIMEOUT_S, TimeUnit.SECONDS);
        send(ws, "b");
        send(ws, "c");
        for (String part : List.of("x", "y", "z")) {
            ws.sendText(part, "z".equals(part)).get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        send(ws, "d");
        for (String expected : List.of("a", "frag", "b", "c", "xyz", "d")) {
            assertEquals("echo:" + expected, rec.nextText());
        }
        send(ws, "bye");
        assertEquals(new Closed(4001, "logged out"), rec.awaitClose());
    }

    @Test
    void aFrameReadInTwoPiecesBetweenWholeOnesKeepsItsPlace() throws Exception {
        // A frame whose bytes arrive in two TCP reads reaches the server as parts (the messageAPI path); the whole
        // frames around it, written with it in one go, must not overtake it.
        try (Socket socket = RawPeer.upgrade(binding, "/ws")) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            byte[] first = RawPeer.maskedText("one");
            byte[] split = RawPeer.maskedText("two-split-in-two");
            out.write(RawPeer.concat(first, Arrays.copyOf(split, 9)));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals("echo:one", new String(RawFrame.read(in).payload(), StandardCharsets.UTF_8));
            out.write(RawPeer.concat(Arrays.copyOfRange(split, 9, split.length), RawPeer.maskedText("three")));
            out.flush();
            assertEquals("echo:two-split-in-two", new String(RawFrame.read(in).payload(), StandardCharsets.UTF_8));
            assertEquals("echo:three", new String(RawFrame.read(in).payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void fragmentedTooBigMessageClosesWith1009() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(rec);
        String chunk = "y".repeat(20_000);
        for (int i = 0; i < 4; i++) { // 80 000 bytes in 4 fragments, last fragment never marked final
            ws.sendText(chunk, false).get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        assertEquals(new Closed(1009, "frame too big"), rec.awaitClose());
    }

    @Test
    void connectionsSharingOneBlueprintEachCloseWithTheirOwnCode() throws Exception {
        // The layers above frame handling are built once and materialized per connection: a close one handler asked
        // for must not become another connection's close.
        Recorder closed = new Recorder();
        Recorder completed = new Recorder();
        Recorder burst = new Recorder();
        WebSocket a = connect(closed);
        WebSocket b = connect(completed);
        WebSocket c = connect(burst);
        send(a, "bye");
        assertEquals(new Closed(4001, "logged out"), closed.awaitClose());
        send(b, "end");
        assertEquals(1000, completed.awaitClose().code());
        send(c, "burst:3");
        for (int i = 0; i < 3; i++) {
            burst.nextText();
        }
        assertEquals(new Closed(4002, "burst done"), burst.awaitClose());
    }

    @Test
    void defaultBehaviourPreserved_completionIs1000_failureIs1011() throws Exception {
        Recorder rec1 = new Recorder();
        send(connect(rec1), "end");
        assertEquals(1000, rec1.awaitClose().code());

        Recorder rec2 = new Recorder();
        send(connect(rec2), "boom");
        assertEquals(1011, rec2.awaitClose().code());
    }

    @Test
    void silenceTimeout_aPeerThatSpeaksWithinEachSilenceStaysConnected() throws Exception {
        // That a pong counts as the peer speaking is SilenceWatchTest's: a pong has no answer that would tell this
        // test the server read it before time moved on.
        Recorder rec = new Recorder();
        WebSocket ws = connect(silentBinding, "/ws?id=speaks", rec);
        for (int n = 0; n < 6; n++) { // three silence timeouts
            time.timePasses(SILENCE.dividedBy(2));
            send(ws, "still here " + n);
            assertEquals("echo:still here " + n, rec.nextText());
        }
        assertFalse(rec.closed.isDone(), "closed a peer that spoke every half silence timeout");
        assertFalse(inboundEnd("speaks").isDone());
        send(ws, "bye");
        assertEquals(new Closed(4001, "logged out"), rec.awaitClose());
    }

    @Test
    void silenceTimeout_silentPeerIsClosedWith1001AndTcpEndsAfterCloseTimeout() throws Exception {
        try (Socket socket = RawPeer.upgrade(silentBinding, "/ws?id=silent")) {
            long upgradedAt = time.nowMillis();
            RawPeer.Steps steps = RawPeer.stepUntilEof(time, STEP, socket, upgradedAt + SILENCE.toMillis());

            RawFrame close = steps.frames().stream().filter(f -> f.opcode() == RawFrame.CLOSE).findFirst().orElseThrow(
                () -> new AssertionError("no close frame, got " + steps.frames()));
            assertEquals(new Closed(1001, "no traffic for 500 ms"), new Closed(close.closeCode(), close.closeReason()));
            assertTrue(steps.frames().stream().anyMatch(f -> f.opcode() == RawFrame.PING), "expected unanswered pings first");
            assertEquals(close, steps.frames().get(steps.frames().size() - 1), "nothing after the close frame");
            assertTrue(steps.closeSeenAtMillis() - upgradedAt >= SILENCE.toMillis(), "closed after "
                + (steps.closeSeenAtMillis() - upgradedAt) + " ms of scheduler time, less than the silence");
            // The peer never answers the close frame: the server waits Pekko's close timeout (3 s, on the real
            // clock: FrameOutHandler's deadline), then closes TCP. The deadline was set after the step that made the
            // silence due, so no sooner than that.
            assertCloseTimeoutPassed(steps.eofAt() - steps.realBeforeDue());
        }
        String end = inboundEnd("silent").get(TIMEOUT_S, TimeUnit.SECONDS);
        assertTrue(end.startsWith("completed") || end.startsWith("failed"), end);
    }

    @ParameterizedTest
    @CsvSource({"bye, 4001", "end, 1000", "boom, 1011"})
    void aPeerThatNeverAnswersTheServersCloseIsDroppedAfterTheCloseTimeout(String text, int code) throws Exception {
        // The close deadline is enforced by ticks that only CloseDriver sends (messageAPI gets a one-day interval):
        // without them this connection would stay open for good.
        try (Socket socket = RawPeer.upgrade(binding, "/ws")) {
            long beforeAsked = System.nanoTime();
            RawPeer.writeMaskedText(socket, text);
            RawPeer.Steps steps = RawPeer.stepUntilEof(time, STEP, socket, time.nowMillis());
            RawFrame close = steps.frames().stream().filter(f -> f.opcode() == RawFrame.CLOSE).findFirst().orElseThrow(
                () -> new AssertionError("no close frame, got " + steps.frames()));
            assertEquals(code, close.closeCode());
            assertCloseTimeoutPassed(steps.eofAt() - beforeAsked);
        }
    }

    @Test
    void withoutSilenceTimeoutASilentPeerIsNotClosed() throws Exception {
        try (Socket socket = RawPeer.upgrade(binding, "/ws")) {
            // Five keep-alive intervals of this server, none answered: only pings arrive, no close.
            RawPeer.FrameReader reader = new RawPeer.FrameReader(socket);
            int pings = time.stepUntil("five unanswered keep-alive pings", STEP, Duration.ofSeconds(30), () -> {
                reader.drain();
                assertTrue(reader.frames.stream().allMatch(f -> f.opcode() == RawFrame.PING), "not only pings: "
                    + reader.frames);
                assertFalse(reader.eof, "the server closed the TCP connection");
                return reader.frames.size() >= 5 ? reader.frames.size() : null;
            }).value();
            // Still open, and nothing but pings before this echo: a close begun before it would come first.
            RawPeer.writeMaskedText(socket, "still here");
            RawFrame echo = reader.nextNotPing();
            assertEquals("echo:still here", new String(echo.payload(), StandardCharsets.UTF_8), "after " + pings + " pings");
        }
    }

    /** Steps time until the recorder's first ping; its payload. */
    private static String stepUntilPinged(Recorder rec) throws Exception {
        return time.stepUntil("a keep-alive ping", STEP, Duration.ofSeconds(30), () -> {
            try {
                return rec.pinged.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                return null;
            }
        }).value();
    }

    /** 3 s, Pekko's close timeout (WebSocketUpgrades.CLOSE_TIMEOUT), on the real clock. */
    private static void assertCloseTimeoutPassed(long nanos) {
        assertTrue(nanos >= TimeUnit.SECONDS.toNanos(3), "TCP closed " + TimeUnit.NANOSECONDS.toMillis(nanos)
            + " ms after the close could first have begun, within the close timeout of 3 s");
    }
}
