package parley.node.http.websocket;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.impl.engine.ws.WebSocket;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import scala.Option;

/**
 * Between KeepAlive and SizeCap / OutboundMerge. Inbound: on request from {@link SilenceWatch} injects
 * {@code ActivelyCloseWithCode(1001)} (unless a close is already under way) and then passes only the peer's
 * close. Outbound: once the server's first close (ours, the handler's completion or failure, or a protocol error
 * bypassed from FrameHandler) has gone down to FrameOutHandler, sends it a {@code Tick} just after its close
 * deadline and every 100 ms after, so a peer that never answers is dropped {@link WebSocketUpgrades#CLOSE_TIMEOUT} later. These
 * are the only ticks FrameOutHandler gets (Pekko's own come from messageAPI, which here gets {@link WebSocketUpgrades#NO_TICKS}).
 */
final class CloseDriver
        extends GraphStage<BidiShape<FrameHandler.Output, FrameHandler.Output, Object, Object>> {
    private static final String TICK_TIMER = "close-tick";
    private static final Duration FIRST_TICK = Duration.ofMillis(WebSocketUpgrades.CLOSE_TIMEOUT.toMillis() + 20);
    private static final Duration NEXT_TICKS = Duration.ofMillis(100);
    private final Duration silence; // null: no silence close
    private final AtomicReference<AsyncCallback<NotUsed>> link;
    private final LoggingAdapter log;
    private final Inlet<FrameHandler.Output> fromPeerIn = Inlet.create("WsCloseDriver.fromPeerIn");
    private final Outlet<FrameHandler.Output> fromPeerOut = Outlet.create("WsCloseDriver.fromPeerOut");
    private final Inlet<Object> toPeerIn = Inlet.create("WsCloseDriver.toPeerIn");
    private final Outlet<Object> toPeerOut = Outlet.create("WsCloseDriver.toPeerOut");
    private final BidiShape<FrameHandler.Output, FrameHandler.Output, Object, Object> shape =
        BidiShape.of(fromPeerIn, fromPeerOut, toPeerIn, toPeerOut);

    CloseDriver(Duration silence, AtomicReference<AsyncCallback<NotUsed>> link, LoggingAdapter log) {
        this.silence = silence;
        this.link = link;
        this.log = log;
    }

    @Override
    public BidiShape<FrameHandler.Output, FrameHandler.Output, Object, Object> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new TimerGraphStageLogic(shape) {
            private boolean closeUnderway; // any close frame sent or received
            private FrameHandler.ActivelyCloseWithCode silenceClose; // ours, once injected
            private boolean ticking;

            {
                // Created with the logic, i.e. before any stage of this connection runs; invocations are
                // delivered once this stage has started.
                if (silence != null) {
                    link.set(createAsyncCallback(x -> onSilence()));
                }

                setHandler(fromPeerIn, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        FrameHandler.Output ev = grab(fromPeerIn);
                        if (silenceClose != null && !(ev instanceof FrameHandler.PeerClosed)) {
                            // Closing: only the peer's close answer matters (the message side is gone,
                            // Pekko's BypassRouter would block on data parts).
                            pull(fromPeerIn);
                            return;
                        }
                        if (ev instanceof FrameHandler.PeerClosed
                                || ev instanceof FrameHandler.ActivelyCloseWithCode) {
                            closeUnderway = true;
                        }
                        emit(fromPeerOut, ev);
                    }

                    @Override
                    public void onUpstreamFinish() {
                        complete(fromPeerOut);
                    }

                    @Override
                    public void onUpstreamFailure(Throwable ex) {
                        fail(fromPeerOut, ex);
                    }
                });
                setHandler(fromPeerOut, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (!hasBeenPulled(fromPeerIn) && !isClosed(fromPeerIn)) {
                            pull(fromPeerIn);
                        }
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        cancel(fromPeerIn, cause);
                    }
                });
                setHandler(toPeerIn, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        Object ev = grab(toPeerIn);
                        if (ev instanceof FrameHandler.ActivelyCloseWithCode
                                || ev == FrameHandler.UserHandlerCompleted$.MODULE$
                                || ev instanceof FrameHandler.UserHandlerErredOut) {
                            closeUnderway = true;
                            if (!ticking) {
                                // FrameOutHandler starts its close deadline (now + 3 s) on the first of these
                                // (ignoring the rest); after a peer's close it needs no ticks, nor minds them.
                                ticking = true;
                                scheduleWithFixedDelay(TICK_TIMER, FIRST_TICK, NEXT_TICKS);
                            }
                        }
                        emit(toPeerOut, ev);
                    }

                    @Override
                    public void onUpstreamFinish() {
                        complete(toPeerOut);
                    }

                    @Override
                    public void onUpstreamFailure(Throwable ex) {
                        fail(toPeerOut, ex);
                    }
                });
                setHandler(toPeerOut, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (!hasBeenPulled(toPeerIn) && !isClosed(toPeerIn)) {
                            pull(toPeerIn);
                        }
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        cancelTimer(TICK_TIMER);
                        cancel(toPeerIn, cause);
                    }
                });
            }

            private void onSilence() {
                if (closeUnderway || isClosed(fromPeerOut)) {
                    return; // Pekko's close handshake (with its own timeout) is already running
                }
                closeUnderway = true;
                WebSocketUpgrades.Close c = WebSocketUpgrades.silentPeerClose(silence);
                if (log.isDebugEnabled()) {
                    log.debug("Closing WebSocket with {}: {}", c.code(), c.reason());
                }
                silenceClose = new FrameHandler.ActivelyCloseWithCode(Option.apply(c.code()), c.reason());
                emit(fromPeerOut, silenceClose);
            }

            @Override
            public void onTimer(Object key) {
                // Ignored by FrameOutHandler before the deadline; after it, it completes (closing TCP).
                if (isAvailable(toPeerOut)) {
                    push(toPeerOut, WebSocket.Tick$.MODULE$);
                }
            }
        };
    }
}
