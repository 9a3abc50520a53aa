package parley.node.http.websocket;

import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.japi.function.Effect;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FanInShape2;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import scala.Option;

/**
 * Merges messageAPI's output (bypass events such as pongs and close echoes, and the handler's completion or
 * failure) with the handler's frames, as Pekko's BypassMerge does. The handler's completion cannot overtake its
 * frames: RenderOutbound completes its frames before it tells messageAPI, whose signal then takes the longer path
 * through the same fused graph, and emits on one outlet keep their order; so the handler's {@link WebSocketUpgrades.Close}, the last
 * of its frames, is here before the completion it precedes. A completion after a {@link WebSocketUpgrades.Close} goes down as that
 * close ({@code ActivelyCloseWithCode}, which FrameOutHandler renders, ignoring the completion that
 * follows; if the peer closed first it ignores ours and echoes the peer's on the completion).
 */
final class OutboundMerge extends GraphStage<FanInShape2<Object, Object, Object>> {
    private final Inlet<Object> api = Inlet.create("WsOutboundMerge.api");
    private final Inlet<Object> frames = Inlet.create("WsOutboundMerge.frames");
    private final Outlet<Object> out = Outlet.create("WsOutboundMerge.out");
    private final FanInShape2<Object, Object, Object> shape = new FanInShape2<>(api, frames, out);

    @Override
    public FanInShape2<Object, Object, Object> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private final Effect pullApi = () -> tryPull(api);
            private final Effect pullFrames = () -> tryPull(frames);
            private WebSocketUpgrades.Close requestedClose;

            {
                setHandler(api, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        Object ev = grab(api);
                        WebSocketUpgrades.Close c = ev == FrameHandler.UserHandlerCompleted$.MODULE$ ? requestedClose : null;
                        if (c != null) {
                            emit(out, new FrameHandler.ActivelyCloseWithCode(Option.apply(c.code()), c.reason()));
                        }
                        emit(out, ev, pullApi);
                    }

                    @Override
                    public void onUpstreamFinish() {
                        if (isClosed(frames)) {
                            completeStage();
                        }
                    }
                });
                setHandler(frames, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        Object frame = grab(frames);
                        if (frame instanceof WebSocketUpgrades.Close c) {
                            requestedClose = c; // the frames end with it
                        } else {
                            emit(out, frame, pullFrames);
                        }
                    }

                    @Override
                    public void onUpstreamFinish() {
                        if (isClosed(api)) {
                            completeStage();
                        }
                    }

                    @Override
                    public void onUpstreamFailure(Throwable ex) {
                        onUpstreamFinish(); // RenderOutbound never fails its frames; treat as their end
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        // pulls are made at start and after each emit
                    }
                });
            }

            @Override
            public void preStart() {
                pull(api);
                pull(frames);
            }
        };
    }
}
