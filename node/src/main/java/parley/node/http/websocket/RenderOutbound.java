package parley.node.http.websocket;

import java.util.Arrays;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FanOutShape2;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import parley.node.delivery.PreparedText;

/**
 * The handler's outbound side, above messageAPI. {@link PreparedText}s go down as their frame, strict messages are
 * rendered here (as Pekko's renderer would, without a graph per message); a {@link WebSocketUpgrades.Close} goes down as itself,
 * for {@link OutboundMerge} to keep, and ends the handler's output. out0 feeds messageAPI's renderer, which
 * thereby only learns how the handler ended: completion (also after a WebSocketUpgrades.Close) or failure (also a streamed message
 * or a foreign element).
 */
final class RenderOutbound
        extends GraphStage<FanOutShape2<Object, org.apache.pekko.http.scaladsl.model.ws.Message, Object>> {
    private final Inlet<Object> in = Inlet.create("WsRenderOutbound.in");
    private final Outlet<org.apache.pekko.http.scaladsl.model.ws.Message> ended =
        Outlet.create("WsRenderOutbound.ended");
    /** {@link FrameStart}s, and at most one {@link WebSocketUpgrades.Close}, last. */
    private final Outlet<Object> frames = Outlet.create("WsRenderOutbound.frames");
    private final FanOutShape2<Object, org.apache.pekko.http.scaladsl.model.ws.Message, Object> shape =
        new FanOutShape2<>(in, ended, frames);

    @Override
    public FanOutShape2<Object, org.apache.pekko.http.scaladsl.model.ws.Message, Object> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        Object o = grab(in);
                        if (o instanceof PreparedText p) {
                            push(frames, WebSocketUpgrades.frameOf(p));
                        } else if (o instanceof WebSocketUpgrades.PreparedBatch b) {
                            emitMultiple(frames, Arrays.asList((Object[]) b.frames).iterator());
                        } else if (o instanceof WebSocketUpgrades.Close c) {
                            push(frames, c); // frames is pulled: in is pulled only then
                            end(null); // messageAPI: UserHandlerCompleted, which OutboundMerge turns into c
                        } else if (o instanceof Message m && m.isStrict()) {
                            push(frames, m.isText()
                                ? WebSocketUpgrades.textFrame(m.asTextMessage().getStrictText())
                                : WebSocketUpgrades.frame(WebSocketUpgrades.OPCODE_BINARY, m.asBinaryMessage().getStrictData()));
                        } else {
                            end(new IllegalArgumentException(o instanceof Message
                                ? "WebSocket handler emitted a streamed message; only strict ones are sent"
                                : "WebSocket handler emitted neither Message, PreparedText nor WebSocketUpgrades.Close: " + o));
                        }
                    }

                    @Override
                    public void onUpstreamFinish() {
                        end(null);
                    }

                    @Override
                    public void onUpstreamFailure(Throwable ex) {
                        end(ex);
                    }
                });
                setHandler(frames, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (!hasBeenPulled(in) && !isClosed(in)) {
                            pull(in);
                        }
                    }
                });
                setHandler(ended, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        // never emits: its completion or failure is the message
                    }
                });
            }

            /** The frames end first, then messageAPI learns how the handler ended (the order OutboundMerge relies on). */
            private void end(Throwable failure) {
                complete(frames);
                if (failure == null) {
                    complete(ended);
                } else {
                    fail(ended, failure);
                }
                if (!isClosed(in)) {
                    cancel(in);
                }
            }
        };
    }
}
