package parley.node.http.websocket;

import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import scala.Option;

final class SizeCap extends GraphStage<FlowShape<FrameHandler.Output, FrameHandler.Output>> {
    private final long max;
    private final Inlet<FrameHandler.Output> in = Inlet.create("WsSizeCap.in");
    private final Outlet<FrameHandler.Output> out = Outlet.create("WsSizeCap.out");
    private final FlowShape<FrameHandler.Output, FrameHandler.Output> shape = FlowShape.of(in, out);

    SizeCap(long max) {
        this.max = max;
    }

    @Override
    public FlowShape<FrameHandler.Output, FrameHandler.Output> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private long size;
            private boolean closing;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        FrameHandler.Output ev = grab(in);
                        if (closing) {
                            // Only the peer's close answer matters now (lets FrameOutHandler finish).
                            if (ev instanceof FrameHandler.PeerClosed) {
                                push(out, ev);
                            } else {
                                pull(in);
                            }
                            return;
                        }
                        if (ev instanceof FrameHandler.TextMessagePart t) {
                            size += WebSocketUpgrades.utf8Length(t.data());
                        } else if (ev instanceof FrameHandler.BinaryMessagePart b) {
                            size += b.data().size();
                        } else if (ev == FrameHandler.MessageEnd$.MODULE$) {
                            size = 0;
                        }
                        if (size > max) {
                            closing = true;
                            push(out, new FrameHandler.ActivelyCloseWithCode(Option.apply(WebSocketUpgrades.TOO_BIG.code()), WebSocketUpgrades.TOO_BIG.reason()));
                        } else {
                            push(out, ev);
                        }
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(in);
                    }
                });
            }
        };
    }
}
