package parley.node.http.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.impl.engine.ws.FrameEventOrError;
import org.apache.pekko.http.impl.engine.ws.Protocol;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;
import parley.node.testkit.ManualScheduler;
import scala.concurrent.Future;

/**
 * The silence watch on raw frames, below frame handling, on time the test moves: every frame the peer sends, a pong
 * included, starts the silence again, and a whole silence with none asks for the close, once. What the stage has
 * done is proven by a frame sent after it and read at the end: the stage handles its timer and the frames in order.
 */
@InMemory
class SilenceWatchTest {
  private static final Duration SILENCE = Duration.ofMillis(500);
  private static final Duration STEP = Duration.ofMillis(50);
  private static ActorSystem system;
  private static ManualScheduler time;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("silence-watch", ManualScheduler.CONFIG.withFallback(ConfigFactory.parseString("""
        pekko.actor.provider = local
        pekko.coordinated-shutdown.exit-jvm = off
        """)).withFallback(ConfigFactory.load()));
    time = new ManualScheduler(system);
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Counts the watch's requests to close (CloseDriver's callback on a connection). */
  private static final class CloseRequests implements AsyncCallback<NotUsed> {
    final AtomicInteger count = new AtomicInteger();
    final CompletableFuture<Boolean> first = new CompletableFuture<>();

    @Override
    public void invoke(NotUsed n) {
      count.incrementAndGet();
      first.complete(true);
    }

    @Override
    public Future<Done> invokeWithFeedback(NotUsed n) {
      invoke(n);
      return Future.successful(Done.getInstance());
    }
  }

  private static FrameEventOrError frame(int opcode) {
    return WebSocketUpgrades.frame(Protocol.Opcode$.MODULE$.forCode((byte) opcode), ByteString.emptyByteString());
  }

  private static final int PONG = 0xA;
  private static final int TEXT = 0x1;

  @Test
  void aPongStartsTheSilenceAgainAndAWholeSilenceAsksForTheCloseOnce() throws Exception {
    CloseRequests closes = new CloseRequests();
    Pair<SourceQueueWithComplete<FrameEventOrError>, SinkQueueWithCancel<FrameEventOrError>> stream =
        Source.<FrameEventOrError>queue(16, OverflowStrategy.backpressure())
            .via(new SilenceWatch(SILENCE, new AtomicReference<>(closes), time.clock()))
            .toMat(Sink.queue(), Keep.both())
            .run(system);
    SourceQueueWithComplete<FrameEventOrError> peer = stream.first();
    SinkQueueWithCancel<FrameEventOrError> up = stream.second();

    // Almost a whole silence, then a pong: read above the watch, so the watch has seen it.
    time.timePasses(SILENCE.minusMillis(1));
    FrameEventOrError pong = frame(PONG);
    passes(peer, up, pong);
    // Almost a whole silence again: past the first silence's end, but not past the pong's.
    time.timePasses(SILENCE.minusMillis(1));
    passes(peer, up, frame(TEXT));
    assertEquals(0, closes.count.get(), "asked to close within a silence of the pong");

    // Quiet from here: the close is asked for once a whole silence has passed, and only once.
    long quietFrom = time.nowMillis();
    time.stepUntil("the watch to ask for the close", STEP, SILENCE.multipliedBy(20), () -> {
      try {
        return closes.first.get(20, TimeUnit.MILLISECONDS);
      } catch (TimeoutException notYet) {
        return null;
      }
    });
    assertTrue(time.nowMillis() - quietFrom >= SILENCE.toMillis(), "asked after "
        + (time.nowMillis() - quietFrom) + " ms of silence");
    time.timePasses(SILENCE.multipliedBy(3));
    passes(peer, up, frame(TEXT));
    assertEquals(1, closes.count.get(), "asked to close more than once");
    peer.complete();
  }

  /** Sends {@code f} up through the watch and reads it at the top. */
  private static void passes(SourceQueueWithComplete<FrameEventOrError> peer, SinkQueueWithCancel<FrameEventOrError> up,
      FrameEventOrError f) throws Exception {
    peer.offer(f).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertSame(f, up.pull().toCompletableFuture().get(30, TimeUnit.SECONDS).orElseThrow());
  }
}
