package parley.node.http.websocket;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.impl.engine.ws.FrameEventOrError;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import parley.node.http.WaitTimeout;

/**
 * Raw inbound frames (below frameHandling, so pongs count): when the stage has been waiting for the next frame
 * for {@code silence} (time spent backpressured by the layers above does not count), it asks
 * {@link CloseDriver} to close, once. Frames always pass unchanged.
 */
final class SilenceWatch extends WaitTimeout<FrameEventOrError> {
    private final AtomicReference<AsyncCallback<NotUsed>> link;

    SilenceWatch(Duration silence, AtomicReference<AsyncCallback<NotUsed>> link, LongSupplier clock) {
        super("WsSilenceWatch", silence, clock);
        this.link = link;
    }

    @Override
    protected boolean timedOut(GraphStageLogic logic) {
        AsyncCallback<NotUsed> close = link.get();
        if (close == null) {
            return false; // CloseDriver has not started yet
        }
        close.invoke(NotUsed.getInstance());
        return true;
    }
}
