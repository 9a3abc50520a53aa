package parley.node.http.websocket;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractWebSocketUpgrade;
import static org.apache.pekko.http.javadsl.server.Directives.parameter;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
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

@InMemory
class WebSocketUpgradesTest {

    private static final long TIMEOUT_S = 10;
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
        system = ActorSystem.create("ws-test", ConfigFactory.parseString(
            "pekko.loglevel = INFO\n"
                + "pekko.actor.provider = local\n"
                + "pekko.coordinated-shutdown.exit-jvm = off\n"
                + "pekko.http.server.websocket.periodic-keep-alive-max-idle = 300ms\n")
            .withFallback(ConfigFactory.load()));

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
            extractWebSocketUpgrade(up -> complete(WebSocketUpgrades.handle(up, handler, MAX))));
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
            return complete(WebSocketUpgrades.handle(up, watched.via(handler), MAX, SILENCE));
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
        assertEquals("", rec.pinged.get(TIMEOUT_S, TimeUnit.SECONDS)); // pekko's default empty keep-alive ping
        send(ws, "x");
        assertEquals("echo:x", rec.nextText());
        send(ws, "bye");
        assertEquals(new Closed(4001, "logged out"), rec.awaitClose());
    }

    @Test
    void aPeerThatKeepsTalkingIsNotPingedAndOneThatStopsIs() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(silentBinding, "/ws?id=keeps-talking", rec);
        // Five keep-alive periods of back-to-back round trips: the peer is never idle for one, so no ping.
        long until = System.nanoTime() + 5 * PING.toNanos();
        int n = 0;
        while (System.nanoTime() < until) {
            send(ws, "m" + n);
            assertEquals("echo:m" + n, rec.nextText());
            n++;
        }
        assertEquals(0, rec.pings.get(), "pinged a peer that sent " + n + " messages in a row");
        assertEquals("", rec.pinged.get(TIMEOUT_S, TimeUnit.SECONDS)); // quiet now: pinged
        send(ws, "bye");
        assertEquals(new Closed(4001, "logged out"), rec.awaitClose());
    }

    @Test
    void usesTheBindingsOwnWebSocketSettings() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(customBinding, rec);
        assertEquals("custom-ping", rec.pinged.get(TIMEOUT_S, TimeUnit.SECONDS));
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
        try (Socket socket = rawUpgrade(binding, "/ws")) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            byte[] first = maskedText("one");
            byte[] split = maskedText("two-split-in-two");
            out.write(concat(first, Arrays.copyOf(split, 9)));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals("echo:one", new String(RawFrame.read(in).payload(), StandardCharsets.UTF_8));
            out.write(concat(Arrays.copyOfRange(split, 9, split.length), maskedText("three")));
            out.flush();
            assertEquals("echo:two-split-in-two", new String(RawFrame.read(in).payload(), StandardCharsets.UTF_8));
            assertEquals("echo:three", new String(RawFrame.read(in).payload(), StandardCharsets.UTF_8));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
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
    void silenceTimeout_peerAnsweringPingsStaysConnected() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = connect(silentBinding, "/ws?id=answers-pings", rec);
        // Three silence timeouts without a data frame: only the JDK client's automatic pongs keep it open.
        assertThrows(TimeoutException.class,
            () -> rec.closed.get(3 * SILENCE.toMillis(), TimeUnit.MILLISECONDS), "closed although pongs came back");
        assertTrue(rec.pings.get() >= 3, "expected keep-alive pings, got " + rec.pings.get());
        assertFalse(inboundEnd("answers-pings").isDone());
        send(ws, "still here");
        assertEquals("echo:still here", rec.nextText());
        send(ws, "bye");
        assertEquals(new Closed(4001, "logged out"), rec.awaitClose());
    }

    @Test
    void silenceTimeout_silentPeerIsClosedWith1001AndTcpEndsAfterCloseTimeout() throws Exception {
        try (Socket socket = rawUpgrade(silentBinding, "/ws?id=silent")) {
            long upgradedAt = System.nanoTime();
            List<RawFrame> frames = readFramesUntilEof(socket);
            long eofAt = System.nanoTime();

            RawFrame close = frames.stream().filter(f -> f.opcode() == RawFrame.CLOSE).findFirst().orElseThrow(
                () -> new AssertionError("no close frame, got " + frames));
            assertEquals(new Closed(1001, "no traffic for 500 ms"), new Closed(close.closeCode(), close.closeReason()));
            assertTrue(frames.stream().anyMatch(f -> f.opcode() == RawFrame.PING), "expected unanswered pings first");
            assertEquals(close, frames.get(frames.size() - 1), "nothing after the close frame");
            long silenceMs = TimeUnit.NANOSECONDS.toMillis(close.at() - upgradedAt);
            long closeToEofMs = TimeUnit.NANOSECONDS.toMillis(eofAt - close.at());
            // The server's clock starts a little before the client sees the 101, hence the slack.
            assertTrue(silenceMs >= SILENCE.toMillis() - 100 && silenceMs < SILENCE.toMillis() + 2000,
                "close frame after " + silenceMs + " ms");
            // The peer never answers the close frame: the server waits Pekko's close timeout (3 s), then closes TCP.
            assertTrue(closeToEofMs >= 2500 && closeToEofMs < 4500,
                "TCP closed " + closeToEofMs + " ms after the close frame");
        }
        String end = inboundEnd("silent").get(TIMEOUT_S, TimeUnit.SECONDS);
        assertTrue(end.startsWith("completed") || end.startsWith("failed"), end);
    }

    @ParameterizedTest
    @CsvSource({"bye, 4001", "end, 1000", "boom, 1011"})
    void aPeerThatNeverAnswersTheServersCloseIsDroppedAfterTheCloseTimeout(String text, int code) throws Exception {
        // The close deadline is enforced by ticks that only CloseDriver sends (messageAPI gets a one-day interval):
        // without them this connection would stay open for good.
        try (Socket socket = rawUpgrade(binding, "/ws")) {
            writeMaskedText(socket, text);
            List<RawFrame> frames = readFramesUntilEof(socket);
            long eofAt = System.nanoTime();
            RawFrame close = frames.stream().filter(f -> f.opcode() == RawFrame.CLOSE).findFirst().orElseThrow(
                () -> new AssertionError("no close frame, got " + frames));
            assertEquals(code, close.closeCode());
            long closeToEofMs = TimeUnit.NANOSECONDS.toMillis(eofAt - close.at());
            assertTrue(closeToEofMs >= 2500 && closeToEofMs < 4500,
                "TCP closed " + closeToEofMs + " ms after the close frame");
        }
    }

    @Test
    void withoutSilenceTimeoutASilentPeerIsNotClosed() throws Exception {
        try (Socket socket = rawUpgrade(binding, "/ws")) {
            // 1.5 s = five keep-alive intervals of this server, none answered: only pings arrive, no close.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int pings = 0;
            try {
                for (long left; (left = deadline - System.nanoTime()) > 0; pings++) {
                    socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    RawFrame f = RawFrame.read(in);
                    assertNotNull(f, "server closed the TCP connection");
                    assertEquals(RawFrame.PING, f.opcode(), "unexpected frame " + f);
                }
            } catch (SocketTimeoutException expected) {
                // deadline reached while waiting for the next ping: still open
            }
            assertTrue(pings >= 2, "expected keep-alive pings, got " + pings);
        }
    }

    /** A plain socket that does the WebSocket handshake by hand and then never sends anything (no pongs). */
    private static Socket rawUpgrade(ServerBinding b, String pathAndQuery) throws IOException {
        int port = b.localAddress().getPort();
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\n"
            + "Host: 127.0.0.1:" + port + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) { // byte by byte: no frame read ahead
            int c = in.read();
            if (c < 0) {
                throw new EOFException("EOF in the handshake response: " + head);
            }
            head.write(c);
        }
        String response = head.toString(StandardCharsets.US_ASCII);
        assertTrue(response.startsWith("HTTP/1.1 101"), response);
        return socket;
    }

    /** One masked text frame, as a client sends it (payload under 126 bytes). */
    private static void writeMaskedText(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(maskedText(text));
        socket.getOutputStream().flush();
    }

    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | payload.length);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** Server frames until the server closes the TCP connection; fails if that takes longer than TIMEOUT_S. */
    private static List<RawFrame> readFramesUntilEof(Socket socket) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        List<RawFrame> frames = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            assertTrue(left > 0, "TCP connection still open after " + TIMEOUT_S + " s, frames: " + frames);
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            RawFrame f = RawFrame.read(in);
            if (f == null) {
                return frames;
            }
            frames.add(f);
        }
    }
}
