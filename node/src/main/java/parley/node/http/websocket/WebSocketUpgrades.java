package parley.node.http.websocket;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameEventOrError;
import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.http.impl.engine.ws.Protocol;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.impl.engine.ws.WebSocket;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.FanInShape2;
import org.apache.pekko.stream.FanOutShape2;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Graph;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.util.ByteString;
import parley.node.delivery.PreparedText;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * WebSocket upgrade for Pekko HTTP 1.3.x (Java DSL) that lets the server close the connection with a
 * <b>custom close status code and reason</b>, which the public API cannot do (completing the outbound
 * side always sends 1000, failing it sends 1011; cf. akka/akka-http#2458).
 *
 * <h2>Usage</h2>
 * <pre>{@code
 * Flow<Message, Object, NotUsed> handler = Flow.<Message>create().map(m ->
 *     "bye".equals(m.asTextMessage().getStrictText())
 *         ? new WebSocketUpgrades.Close(4001, "logged out")
 *         : m);
 * return extractWebSocketUpgrade(up -> complete(WebSocketUpgrades.handle(up, handler, 64 * 1024)));
 * }</pre>
 * The handler's outbound elements are a strict {@link Message}, a {@link PreparedText} (a text message encoded and
 * framed once, to be sent to many connections) or a {@link Close}. On the
 * first {@code Close}, all messages emitted before it are still sent, then a close frame with that code
 * and reason is sent; elements after it are ignored (the handler's output is cancelled). A streamed outbound
 * message fails the handler (close 1011): everything Parley sends is one whole frame. Pekko then runs
 * the close handshake as usual: it waits up to 3 s for the peer's close frame, then closes TCP.
 * Completing the handler's output still closes with 1000, failing it with 1011 (Pekko's behaviour). If
 * the <em>peer</em> closes first, Pekko's normal echo behaviour applies (a later {@code Close} is ignored).
 * Incoming messages are delivered as with {@code handleMessagesWith}, in order; one that arrived whole (one frame,
 * read at once) comes strict without messageAPI's substream per message ({@link WholeMessages}), others may be
 * streamed.
 *
 * <h2>Message size cap</h2>
 * {@link #handle(WebSocketUpgrade, Flow, long)} additionally caps incoming data messages: as soon as a
 * text (counted as UTF-8 bytes) or binary message exceeds {@code maxMessageBytes}, the server sends close
 * {@link #TOO_BIG} (1009) and drops the rest of the input; the handler's inbound stream fails (Pekko
 * ProtocolException). Counting is incremental on the fragments Pekko decodes, nothing is buffered here.
 *
 * <h2>Silent peers</h2>
 * {@link #handle(WebSocketUpgrade, Flow, long, Duration)} also closes connections on which no frame at all (data,
 * ping, pong or close) has arrived from the peer for {@code silenceTimeout}: the server sends close 1001 with
 * reason {@code "no traffic for 60 s"} (Pekko's {@code ActivelyCloseWithCode}, so the handshake is Pekko's) and,
 * as a peer that went silent will hardly answer, the TCP connection ends Pekko's close timeout (3 s) later. The
 * handler's inbound stream then fails (Pekko's IllegalStateException "Regular close from FrameHandler is
 * unexpected"), as with any close the server starts below the message API.
 * {@code pekko.http.server.idle-timeout} cannot do this because the server's own keep-alive pings count as
 * traffic. Only time during which the server is ready to read counts: while the handler backpressures, the peer
 * is not blamed. The silence timeout must be well above {@code periodic-keep-alive-max-idle} (pings are what
 * make idle but alive peers answer with a pong). Nothing happens once any close (by either side) is under way.
 *
 * <h2>How it works / caveats</h2>
 * Instead of {@code handleMessages}, this calls the INTERNAL {@link UpgradeToWebSocketLowLevel#handleFrames}
 * with Pekko's own internal WS stack ({@code WebSocket.masking/frameHandling/periodicKeepAlive/messageAPI},
 * i.e. what {@code WebSocket.stack} builds), its keep-alive layer replaced by {@link KeepAlive} (the same pings, one
 * timer per socket instead of one per inbound frame), with these changes above the keep-alive: (a) the handler's
 * outbound elements do not go through messageAPI's renderer (a {@code Source.single} graph and a fresh UTF-8
 * encoding per message) but are rendered by {@code RenderOutbound} and merged by {@code OutboundMerge} with what
 * messageAPI still sends down (pongs, close echoes, the handler's completion or failure, which it learns from
 * {@code RenderOutbound}); (b) {@code OutboundMerge} replaces the handler completion that follows a {@code Close}
 * by Pekko's own {@code FrameHandler.ActivelyCloseWithCode(Some(code), reason)} (followed by the original
 * completion signal), which {@code FrameOutHandler} renders as the close frame; (c) on the inbound side
 * {@code SizeCap} implements the size cap by injecting the same event the way Pekko's {@code FrameHandler} does for
 * protocol errors.
 * {@code CloseDriver}, between the keep-alive and the layers above, gives Pekko's {@code FrameOutHandler}
 * the {@code WebSocket.Tick}s that enforce its 3 s close deadline, from just after the deadline of the server's
 * first close on; Pekko's stack instead ticks every 3 s on every connection for its whole life (messageAPI here
 * gets a one-day interval). With a silence timeout, {@code SilenceWatch} between masking and
 * {@code frameHandling} (the only place pongs are visible) times the silence, and {@code CloseDriver} injects the
 * {@code ActivelyCloseWithCode(1001)} on its request. Answering the peer's pings, UTF-8 validation and the close
 * handshake all remain Pekko's. All of these are
 * {@code private[http]}/{@code @InternalApi} classes (public in bytecode); they may change in any Pekko HTTP
 * release, so pin the version and keep the test. The server's {@link WebSocketSettings} and logger are read
 * reflectively from the upgrade object (falling back to {@code pekko.http.server} config).
 */
public final class WebSocketUpgrades {

    /**
     * Outbound element telling the server to close with {@code code} and {@code reason}. The code must be a
     * valid RFC 6455 close code (1000-1003, 1007-1011, 3000-4999), the reason at most 123 UTF-8 bytes.
     */
    public record Close(int code, String reason) {
        public Close {
            if (!((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999))) {
                throw new IllegalArgumentException("invalid WebSocket close code " + code);
            }
            if (reason == null) {
                reason = "";
            }
            if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
                throw new IllegalArgumentException("close reason longer than 123 UTF-8 bytes");
            }
        }
    }

    /**
     * Outbound element: several prepared text messages that go out together, in order, as one element of the
     * connection's queue: one wake-up of its stream and, mostly, one socket write for all of them (a room's typing
     * and receipts ride with its next entry).
     */
    public static final class PreparedBatch {
        final FrameStart[] frames;

        public PreparedBatch(List<PreparedText> texts) {
            this.frames = new FrameStart[texts.size()];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = frameOf(texts.get(i));
            }
        }

        public int size() {
            return frames.length;
        }
    }

    static final Protocol.Opcode OPCODE_TEXT = Protocol.Opcode$.MODULE$.forCode((byte) 0x1);
    static final Protocol.Opcode OPCODE_BINARY = Protocol.Opcode$.MODULE$.forCode((byte) 0x2);

    /** One whole unmasked frame, as Pekko's MessageToFrameRenderer renders a strict message on the server side. */
    static FrameStart frame(Protocol.Opcode opcode, ByteString data) {
        return FrameEvent.fullFrame(opcode, Option.empty(), data, true, false, false, false);
    }

    static FrameStart textFrame(String text) {
        return frame(OPCODE_TEXT, ByteString.fromString(text, StandardCharsets.UTF_8));
    }

    /** A prepared text's frame, rendered by the first connection that sends it and shared by the others. */
    static FrameStart frameOf(PreparedText text) {
        return text.wire(FrameStart.class, bytes -> frame(OPCODE_TEXT, bytes));
    }

    /** Close sent when an incoming message exceeds the cap given to {@link #handle(WebSocketUpgrade, Flow, long)}. */
    public static final Close TOO_BIG = new Close(1009, "frame too big");

    /** Close code sent to a peer silent for longer than the silence timeout (1001, "going away"). */
    public static final int SILENT_PEER_CODE = 1001;

    /** Same as Pekko's default close-handshake timeout in {@code WebSocket.stack}. */
    static final FiniteDuration CLOSE_TIMEOUT = FiniteDuration.apply(3, TimeUnit.SECONDS);

    /**
     * The tick interval given to Pekko's messageAPI, whose only use of it is a {@code Source.tick} feeding
     * FrameOutHandler's close deadline: every 3 s on every connection, for its whole life, so 6,300 timer
     * events a second on an idle node of 19,000 sessions. {@link CloseDriver} ticks only once a close is under way.
     */
    static final FiniteDuration NO_TICKS = FiniteDuration.apply(1, TimeUnit.DAYS);

    /** The node's clock, one instance: the blueprints (StatelessLayers) are built again when the clock changes. */
    private static final LongSupplier NANO_TIME = System::nanoTime;

    private WebSocketUpgrades() {}

    /** {@link #handle(WebSocketUpgrade, Flow, long)} without an incoming message size cap. */
    public static HttpResponse handle(WebSocketUpgrade upgrade, Flow<Message, Object, ?> handler) {
        return handle(upgrade, handler, Long.MAX_VALUE);
    }

    /**
     * Completes the request as a WebSocket upgrade running {@code handler}, whose outbound elements are
     * {@link Message}s or a {@link Close}; incoming text/binary messages larger than {@code maxMessageBytes}
     * make the server close with {@link #TOO_BIG}. Returns the 101 response to complete the request with.
     */
    public static HttpResponse handle(WebSocketUpgrade upgrade, Flow<Message, Object, ?> handler, long maxMessageBytes) {
        return handle(upgrade, handler, maxMessageBytes, null);
    }

    /**
     * As {@link #handle(WebSocketUpgrade, Flow, long)}, and additionally closes the connection with
     * {@link #SILENT_PEER_CODE} when no frame at all has arrived from the peer for {@code silenceTimeout}
     * (see the class comment); {@code null} disables this.
     */
    public static HttpResponse handle(
            WebSocketUpgrade upgrade, Flow<Message, Object, ?> handler, long maxMessageBytes, Duration silenceTimeout) {
        return handle(upgrade, handler, maxMessageBytes, silenceTimeout, NANO_TIME);
    }

    /**
     * As {@link #handle(WebSocketUpgrade, Flow, long, Duration)}, with the keep-alive's and the silence timeout's
     * waits measured by {@code clock} (nanoseconds), which must agree with the scheduler their timers run on: a test
     * on Pekko's manual scheduler passes that scheduler's time.
     */
    public static HttpResponse handle(WebSocketUpgrade upgrade, Flow<Message, Object, ?> handler, long maxMessageBytes,
            Duration silenceTimeout, LongSupplier clock) {
        if (!(upgrade instanceof UpgradeToWebSocketLowLevel lowLevel)) {
            throw new IllegalArgumentException("unsupported WebSocketUpgrade implementation: " + upgrade.getClass());
        }
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive");
        }
        if (silenceTimeout != null && (silenceTimeout.isNegative() || silenceTimeout.isZero())) {
            throw new IllegalArgumentException("silenceTimeout must be positive");
        }
        WebSocketSettings wsSettings = capturedField(upgrade, WebSocketSettings.class);
        LoggingAdapter capturedLog = capturedField(upgrade, LoggingAdapter.class);

        // Built per materialization so the silence link between SilenceWatch and CloseDriver is never shared; the
        // rest are blueprints built once (StatelessLayers).
        Flow<FrameEvent, FrameEvent, ?> frames = Flow.fromMaterializer((Materializer mat, Attributes attrs) -> {
            WebSocketSettings settings = wsSettings != null ? wsSettings
                : ServerSettings.apply(mat.system().settings().config()).websocketSettings();
            LoggingAdapter log = capturedLog != null ? capturedLog : Logging.getLogger(mat.system(), WebSocketUpgrades.class);
            return frameFlow(settings, log, handler, maxMessageBytes, silenceTimeout, clock);
        });
        @SuppressWarnings("unchecked")
        Graph<FlowShape<FrameEvent, FrameEvent>, Object> graph = (Graph<FlowShape<FrameEvent, FrameEvent>, Object>) (Graph<?, ?>) frames;
        return lowLevel.handleFrames(graph, Option.<String>empty());
    }

    private static Flow<FrameEvent, FrameEvent, NotUsed> frameFlow(
            WebSocketSettings settings, LoggingAdapter log, Flow<Message, Object, ?> handler, long maxMessageBytes,
            Duration silenceTimeout, LongSupplier clock) {
        // Lets SilenceWatch (raw frames) ask CloseDriver (FrameHandler outputs) to close this connection.
        AtomicReference<AsyncCallback<NotUsed>> silenceLink = new AtomicReference<>();

        BidiFlow<FrameEventOrError, FrameEventOrError, FrameEvent, FrameEvent, NotUsed> silenceWatch =
            silenceTimeout == null
                ? BidiFlow.identity()
                : BidiFlow.fromFlows(Flow.fromGraph(new SilenceWatch(silenceTimeout, silenceLink, clock)), Flow.create());
        // Always there: besides the silence close it drives FrameOutHandler's close deadline (see CloseDriver).
        BidiFlow<FrameHandler.Output, FrameHandler.Output, Object, Object, NotUsed> closeDriver =
            BidiFlow.fromGraph(new CloseDriver(silenceTimeout, silenceLink, log));

        // Same layers, same order as pekko's WebSocket.stack(serverSide = true, ...), plus CloseDriver and SilenceWatch
        // (identity without a silence timeout); messageAPI's outbound rendering is bypassed (see upper()).
        StatelessLayers layers = StatelessLayers.of(settings, log, maxMessageBytes, clock);
        return layers.below.atop(silenceWatch).atop(layers.between).atop(closeDriver).atop(layers.upper)
            .join(handler);
    }

    /**
     * Everything above CloseDriver: inbound, the size cap, then a message that arrived whole straight to the handler
     * ({@link WholeMessages}) and the rest through Pekko's messageAPI (frames to messages); outbound, the handler's
     * elements rendered straight to frames ({@link RenderOutbound}) and merged with
     * what messageAPI sends down (pongs, close echoes, the handler's completion) by {@link OutboundMerge}, which also
     * turns the completion after a {@link Close} into that close. messageAPI's own renderer builds a
     * {@code Source.single} graph and encodes the text again for every message on every connection: 30% of all the
     * node's allocation under fan-out. Here it only sees the handler's completion or failure.
     */
    static BidiFlow<FrameHandler.Output, Message, Object, Object, NotUsed> upper(long maxMessageBytes) {
        Flow<FrameHandler.Output, FrameHandler.Output, NotUsed> sizeCap = maxMessageBytes == Long.MAX_VALUE
            ? Flow.create()
            : Flow.fromGraph(new SizeCap(maxMessageBytes));
        // scaladsl -> javadsl, as pekko's JavaMapping does for handleMessagesWith
        Flow<org.apache.pekko.http.scaladsl.model.ws.Message, Message, NotUsed> adapt =
            Flow.<org.apache.pekko.http.scaladsl.model.ws.Message>create().map(Message::adapt);
        BidiFlow<FrameHandler.Output, org.apache.pekko.http.scaladsl.model.ws.Message,
                org.apache.pekko.http.scaladsl.model.ws.Message, Object, NotUsed> messageApi =
            BidiFlow.fromGraph(covariant(WebSocket.messageAPI(true, NO_TICKS)));
        return BidiFlow.fromGraph(GraphDSL.create(b -> {
            FlowShape<FrameHandler.Output, FrameHandler.Output> cap = b.add(sizeCap);
            BidiShape<FrameHandler.Output, FrameHandler.Output, org.apache.pekko.http.scaladsl.model.ws.Message,
                    org.apache.pekko.http.scaladsl.model.ws.Message> whole = b.add(new WholeMessages());
            BidiShape<FrameHandler.Output, org.apache.pekko.http.scaladsl.model.ws.Message,
                    org.apache.pekko.http.scaladsl.model.ws.Message, Object> api = b.add(messageApi);
            FlowShape<org.apache.pekko.http.scaladsl.model.ws.Message, Message> toApp = b.add(adapt);
            FanOutShape2<Object, org.apache.pekko.http.scaladsl.model.ws.Message, Object> render =
                b.add(new RenderOutbound());
            FanInShape2<Object, Object, Object> merge = b.add(new OutboundMerge());
            b.from(cap.out()).toInlet(whole.in1());
            b.from(whole.out1()).toInlet(api.in1());
            b.from(api.out1()).toInlet(whole.in2());
            b.from(whole.out2()).toInlet(toApp.in());
            b.from(render.out0()).toInlet(api.in2());
            b.from(api.out2()).toInlet(merge.in0());
            b.from(render.out1()).toInlet(merge.in1());
            return BidiShape.of(cap.in(), toApp.out(), render.in(), merge.out());
        }));
    }

    /** Scala's BidiFlow is covariant in its outputs; Java generics are not. */
    @SuppressWarnings("unchecked")
    static <A, B, C, D, M> Graph<BidiShape<A, B, C, D>, M> covariant(Graph<?, ?> g) {
        return (Graph<BidiShape<A, B, C, D>, M>) g;
    }

    /** The close sent to a peer silent for {@code silence}: 1001 "no traffic for 60 s". */
    static Close silentPeerClose(Duration silence) {
        long ms = silence.toMillis();
        return new Close(SILENT_PEER_CODE, "no traffic for " + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms"));
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                n += 1;
            } else if (ch < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** The server-side upgrade object captures the server's WebSocketSettings and logger; null if not found. */
    private static <T> T capturedField(Object upgrade, Class<T> type) {
        for (Class<?> c = upgrade.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (type.isAssignableFrom(f.getType())) {
                    try {
                        f.setAccessible(true);
                        return type.cast(f.get(upgrade));
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }
}
