package parley.node.http.websocket;

import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.scaladsl.model.ws.BinaryMessage;
import org.apache.pekko.http.scaladsl.model.ws.Message;
import org.apache.pekko.http.scaladsl.model.ws.TextMessage;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Hands a message that arrives whole (one part: nearly every client frame) to the handler as a strict message at
 * once, and everything else to Pekko's messageAPI as before (fragmented or partly read messages, closes, pings).
 * messageAPI assembles every inbound message in a substream of its own ({@code splitAfter}, {@code prefixAndTail},
 * {@code concatSubstreams}): two stream graphs materialized per frame a client sends, the largest single cost of a
 * small inbound frame, and clients send many (typing, and delivered once a second per room).
 *
 * <p>Order: a message goes straight only while messageAPI owes the handler nothing (every message given to it has
 * come out), so the handler sees messages in the order they arrived. Everything messageAPI does with closes (it
 * completes or fails the handler's inbound side) still comes through it, after the messages before it.
 *
 * <p>Ports: {@code in} (from the size cap) to {@code toApi}; {@code fromApi} (messageAPI's messages) and the
 * straight messages to {@code out} (to the handler).
 */
final class WholeMessages
        extends GraphStage<BidiShape<FrameHandler.Output, FrameHandler.Output, Message, Message>> {
    private final Inlet<FrameHandler.Output> in = Inlet.create("WsWholeMessages.in");
    private final Outlet<FrameHandler.Output> toApi = Outlet.create("WsWholeMessages.toApi");
    private final Inlet<Message> fromApi = Inlet.create("WsWholeMessages.fromApi");
    private final Outlet<Message> out = Outlet.create("WsWholeMessages.out");
    private final BidiShape<FrameHandler.Output, FrameHandler.Output, Message, Message> shape =
        BidiShape.of(in, toApi, fromApi, out);

    @Override
    public BidiShape<FrameHandler.Output, FrameHandler.Output, Message, Message> shape() {
        return shape;
    }

    @Override
    public Attributes initialAttributes() {
        return Attributes.name("WsWholeMessages");
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            /** An element for messageAPI waiting for its demand; {@code in} is not pulled meanwhile. */
            private FrameHandler.Output forApi;
            /** A message for the handler waiting for its demand; {@code in} is not pulled meanwhile. */
            private Message forHandler;
            /** Parts of a message are going to messageAPI (until its end). */
            private boolean inApiMessage;
            /** Messages given to messageAPI that it has not handed on yet. */
            private int owed;
            /** The MessageEnd that follows a message taken whole (FrameHandler always sends one). */
            private boolean dropEnd;
            private boolean inDone;
            private boolean apiDone;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        onInput(grab(in));
                    }

                    @Override
                    public void onUpstreamFinish() {
                        inDone = true;
                        if (forApi == null) {
                            complete(toApi);
                        }
                    }

                    @Override
                    public void onUpstreamFailure(Throwable ex) {
                        fail(toApi, ex);
                    }
                });
                setHandler(toApi, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (forApi != null) {
                            FrameHandler.Output ev = forApi;
                            forApi = null;
                            push(toApi, ev);
                            if (inDone) {
                                complete(toApi);
                            }
                        }
                        pullIn();
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        // messageAPI stopped reading (its bypass side ended): so does this; its messages side ends too.
                        forApi = null;
                        cancel(in, cause);
                    }
                });
                setHandler(fromApi, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        Message m = grab(fromApi);
                        owed = Math.max(0, owed - 1);
                        if (isAvailable(out)) {
                            push(out, m);
                        } else if (forHandler == null) {
                            forHandler = m;
                        } else {
                            throw new IllegalStateException("two messages for the handler at once");
                        }
                    }

                    @Override
                    public void onUpstreamFinish() {
                        apiDone = true;
                        if (forHandler == null) {
                            complete(out);
                        }
                    }

                    @Override
                    public void onUpstreamFailure(Throwable ex) {
                        forHandler = null;
                        fail(out, ex);
                        pullIn();
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (forHandler != null) {
                            Message m = forHandler;
                            forHandler = null;
                            push(out, m);
                            if (apiDone) {
                                complete(out);
                            }
                            pullIn();
                        } else if (!hasBeenPulled(fromApi) && !isClosed(fromApi)) {
                            pull(fromApi);
                        }
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        // The handler stopped reading: messageAPI learns it as before; frames still flow to it.
                        forHandler = null;
                        cancel(fromApi, cause);
                        pullIn();
                    }
                });
            }

            @Override
            public void preStart() {
                pull(in);
            }

            private void onInput(FrameHandler.Output ev) {
                if (dropEnd) {
                    dropEnd = false;
                    if (ev == FrameHandler.MessageEnd$.MODULE$) {
                        pullIn();
                        return;
                    }
                }
                if (!inApiMessage && owed == 0 && forHandler == null && !isClosed(out)
                        && ev instanceof FrameHandler.MessageDataPart part && part.last()) {
                    Message m = part instanceof FrameHandler.TextMessagePart t
                        ? new TextMessage.Strict(t.data())
                        : new BinaryMessage.Strict(((FrameHandler.BinaryMessagePart) part).data());
                    dropEnd = true;
                    if (isAvailable(out)) {
                        push(out, m);
                    } else {
                        forHandler = m;
                    }
                    pullIn();
                    return;
                }
                if (ev instanceof FrameHandler.MessageDataPart) {
                    if (!inApiMessage) {
                        inApiMessage = true;
                        owed++;
                    }
                } else if (ev instanceof FrameHandler.MessagePart p && p.isMessageEnd()) {
                    inApiMessage = false;
                }
                if (isAvailable(toApi)) {
                    push(toApi, ev);
                    pullIn();
                } else if (!isClosed(toApi)) {
                    forApi = ev;
                } else {
                    pullIn();
                }
            }

            private void pullIn() {
                if (forApi == null && forHandler == null && !hasBeenPulled(in) && !isClosed(in)) {
                    pull(in);
                }
            }
        };
    }
}
