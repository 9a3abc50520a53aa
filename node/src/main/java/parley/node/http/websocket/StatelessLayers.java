package parley.node.http.websocket;

import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameEventOrError;
import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.impl.engine.ws.FrameLogger;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.http.impl.engine.ws.WebSocket;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.apache.pekko.stream.javadsl.BidiFlow;

/**
 * The layers around SilenceWatch and CloseDriver keep their state in their stages' logics, so one blueprint of
 * each serves every connection of a server: built per connection they took 9.0% of the node's CPU samples while
 * 19,000 sessions reconnected at once (a flight recording of the storm), 3.7% with the rest built once.
 */
final class StatelessLayers {
    /** The last server's (one per node): another server's settings replace them. */
    private static volatile StatelessLayers last;

    final WebSocketSettings settings;
    final LoggingAdapter log;
    final long maxMessageBytes;
    final LongSupplier clock;
    final BidiFlow<FrameEvent, FrameEventOrError, FrameEvent, FrameEvent, NotUsed> below;
    final BidiFlow<FrameEventOrError, FrameHandler.Output, Object, FrameEvent, NotUsed> between;
    final BidiFlow<FrameHandler.Output, Message, Object, Object, NotUsed> upper;

    private StatelessLayers(WebSocketSettings settings, LoggingAdapter log, long maxMessageBytes, LongSupplier clock) {
        this.settings = settings;
        this.log = log;
        this.maxMessageBytes = maxMessageBytes;
        this.clock = clock;
        this.below = BidiFlow.fromGraph(WebSocket.masking(true, settings.randomFactory()))
            .atop(BidiFlow.fromGraph(FrameLogger.logFramesIfEnabled(settings.logFrames())));
        this.between = BidiFlow.<FrameEventOrError, FrameHandler.Output, Object, FrameEvent, NotUsed>fromGraph(
                WebSocketUpgrades.covariant(WebSocket.frameHandling(true, WebSocketUpgrades.CLOSE_TIMEOUT, log))) // emits FrameStart <: FrameEvent
            .atop(KeepAlive.layer(settings, clock));
        this.upper = WebSocketUpgrades.upper(maxMessageBytes);
    }

    static StatelessLayers of(WebSocketSettings settings, LoggingAdapter log, long maxMessageBytes, LongSupplier clock) {
        StatelessLayers layers = last;
        if (layers == null || layers.settings != settings || layers.log != log
                || layers.maxMessageBytes != maxMessageBytes || layers.clock != clock) {
            last = layers = new StatelessLayers(settings, log, maxMessageBytes, clock);
        }
        return layers;
    }
}
