package parley.node.http.websocket;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.impl.engine.ws.Protocol;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Pekko's {@code periodicKeepAlive} layer, with one timer per connection instead of one per inbound frame: when
 * nothing has come up from the peer for {@code periodic-keep-alive-max-idle}, a ping (or pong, by {@code
 * periodic-keep-alive-mode}) with {@code periodic-keep-alive-data} goes down as a {@code DirectAnswer}, as Pekko's
 * does. Pekko's ({@code keepAlive}, {@code IdleInject}) cancels its timer on every inbound frame and schedules a
 * new one on every pull, and a cancelled task stays in the scheduler's wheel until its time: under fan-out that is
 * tens of thousands of tasks and as many queue nodes alive at a young pause, each copied by it. Here a frame only notes the time; the timer, once per idle period, looks at it and
 * sleeps again for what is left.
 */
final class KeepAlive extends GraphStage<FlowShape<FrameHandler.Output, FrameHandler.Output>> {
    private static final String TIMER = "keep-alive";
    private final Inlet<FrameHandler.Output> in = Inlet.create("WsKeepAlive.in");
    private final Outlet<FrameHandler.Output> out = Outlet.create("WsKeepAlive.out");
    private final FlowShape<FrameHandler.Output, FrameHandler.Output> shape = FlowShape.of(in, out);
    private final Duration maxIdle;
    private final Protocol.Opcode opcode;
    private final WebSocketSettings settings;
    private final LongSupplier clock;

    private KeepAlive(Duration maxIdle, Protocol.Opcode opcode, WebSocketSettings settings, LongSupplier clock) {
        this.maxIdle = maxIdle;
        this.opcode = opcode;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Identity when the settings turn keep-alive off; the modes are Pekko's, ping and pong. {@code clock}: nanoseconds,
     * agreeing with the scheduler the stage's timer runs on ({@code System::nanoTime} on a node).
     */
    static BidiFlow<FrameHandler.Output, FrameHandler.Output, Object, Object, NotUsed> layer(
            WebSocketSettings settings, LongSupplier clock) {
        scala.concurrent.duration.Duration maxIdle = settings.periodicKeepAliveMaxIdle();
        if (!maxIdle.isFinite()) {
            return BidiFlow.identity();
        }
        Protocol.Opcode opcode = switch (settings.periodicKeepAliveMode()) {
            case "ping" -> Protocol.Opcode$.MODULE$.forCode((byte) 0x9);
            case "pong" -> Protocol.Opcode$.MODULE$.forCode((byte) 0xA);
            default -> throw new IllegalArgumentException("Unsupported periodic-keep-alive-mode. Found: ["
                + settings.periodicKeepAliveMode() + "] however only [ping] and [pong] are supported");
        };
        KeepAlive stage = new KeepAlive(Duration.ofNanos(maxIdle.toNanos()), opcode, settings, clock);
        return BidiFlow.fromFlows(Flow.fromGraph(stage), Flow.create());
    }

    @Override
    public FlowShape<FrameHandler.Output, FrameHandler.Output> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new TimerGraphStageLogic(shape) {
            private final long maxIdleNanos = maxIdle.toNanos();
            private long lastFrame = clock.getAsLong();
            private FrameHandler.Output held; // came up while a keep-alive frame was going out
            private boolean due; // a keep-alive frame waits for the next pull

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        lastFrame = clock.getAsLong();
                        if (isAvailable(out)) {
                            push(out, grab(in));
                        } else {
                            held = grab(in);
                        }
                    }

                    @Override
                    public void onUpstreamFinish() {
                        if (held == null) {
                            completeStage();
                        }
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (held != null) {
                            push(out, held);
                            held = null;
                            if (isClosed(in)) {
                                completeStage();
                            }
                        } else if (due) {
                            due = false;
                            push(out, keepAliveFrame());
                        } else if (!hasBeenPulled(in) && !isClosed(in)) {
                            pull(in);
                        }
                    }
                });
            }

            @Override
            public void preStart() {
                scheduleOnce(TIMER, maxIdle);
            }

            @Override
            public void onTimer(Object key) {
                long idle = clock.getAsLong() - lastFrame;
                if (idle < maxIdleNanos) {
                    scheduleOnce(TIMER, Duration.ofNanos(maxIdleNanos - idle));
                    return;
                }
                // As Pekko's: the keep-alive frame counts as traffic, the next one is a whole period later.
                lastFrame = clock.getAsLong();
                if (isAvailable(out)) {
                    push(out, keepAliveFrame());
                } else {
                    due = true;
                }
                scheduleOnce(TIMER, maxIdle);
            }

            private FrameHandler.Output keepAliveFrame() {
                return new FrameHandler.DirectAnswer(WebSocketUpgrades.frame(opcode, settings.periodicKeepAliveData().apply()));
            }
        };
    }
}
